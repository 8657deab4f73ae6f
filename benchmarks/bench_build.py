"""Cold and warm `make report` in a copy of the project's working tree.

The copy has the working tree's files (uncommitted ones too) without the
results of earlier runs: no `.cache/`, `_site/`, `output/`, `downloads/` or
vega bundle. Its `.venv` is a symbolic link to the project's environment,
and `make` runs with ``-o .venv/.installed`` so that it never reinstalls
packages: the environment is already installed, and reinstalling the
editable package from the copy would point the shared environment at it.
``PYTHONPATH`` makes the copy's `analysis` package the one imported, the
Jupyter kernels of the renderer included.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from harness import PROJECT_DIR, Meter, run_step

# Top-level entries of the project that are outputs or local state, not sources.
EXCLUDED_TOP_LEVEL = {".venv", ".cache", "_site", "output", "downloads", "test-output", ".git", ".pytest_cache"}
EXCLUDED_ANYWHERE = {"__pycache__", ".ipynb_checkpoints"}
# Written by `make report` (`python -m analysis.render.assets`) and removed by `make clean`.
GENERATED_FILES = {Path("assets") / "vega-bundle.js"}
STAMP = ".venv/.installed"
LOG_TAIL_LINES = 15


def _ignore(source: Path):
    def ignore(directory: str, names: list[str]) -> set[str]:
        relative = Path(directory).resolve().relative_to(source)
        ignored = {name for name in names if name in EXCLUDED_ANYWHERE}
        if relative == Path("."):
            ignored |= EXCLUDED_TOP_LEVEL & set(names)
        ignored |= {name for name in names if relative / name in GENERATED_FILES}
        return ignored

    return ignore


def copy_project(clone_dir: Path, source: Path = PROJECT_DIR) -> Path:
    """Replace ``clone_dir`` with a fresh copy of ``source``'s working tree and link its `.venv`."""
    clone_dir = Path(clone_dir)
    if clone_dir.resolve() == source.resolve():
        raise ValueError(f"the copy {clone_dir} must not be the project itself")
    if clone_dir.exists():
        shutil.rmtree(clone_dir)
    shutil.copytree(source, clone_dir, ignore=_ignore(source.resolve()), symlinks=True)
    (clone_dir / ".venv").symlink_to(source.resolve() / ".venv")
    return clone_dir


def clone_env(clone_dir: Path) -> dict[str, str]:
    """Return the environment variables that make the copy's package the imported one."""
    return {"PYTHONPATH": str(Path(clone_dir).resolve())}


def check_imported_package(clone_dir: Path) -> None:
    """Raise RuntimeError unless Python started with `clone_env` imports `analysis` from the copy."""
    python = Path(clone_dir) / ".venv" / "bin" / "python"
    completed = subprocess.run(
        [str(python), "-c", "import analysis; print(analysis.__file__)"],
        cwd=Path(clone_dir) / "chapters",
        env={**os.environ, **clone_env(clone_dir)},
        capture_output=True, text=True, check=True,
    )
    imported = Path(completed.stdout.strip()).resolve()
    if not imported.is_relative_to(Path(clone_dir).resolve()):
        raise RuntimeError(f"the copy {clone_dir} imports analysis from {imported}, not from the copy")


def make_report(meter: Meter, project_dir: str) -> dict[str, Any]:
    """Run `make report` in ``project_dir``; a step for `harness.run_step`."""
    command = ["make", "--no-print-directory", "-o", STAMP, "report"]
    with meter.measure("make_report"):
        completed = subprocess.run(command, cwd=project_dir, capture_output=True, text=True)
    tail = (completed.stdout + completed.stderr).splitlines()[-LOG_TAIL_LINES:]
    return {"returncode": completed.returncode, "log_tail": tail}


def run_pipeline_only(clone_dir: Path, *, timeout: float) -> None:
    """Fill the copy's stage cache and `output/` with `python -m analysis run`, untimed."""
    python = Path(clone_dir) / ".venv" / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "analysis", "run", "--data", "data", "--out", "output", "--quiet"],
        cwd=clone_dir, env={**os.environ, **clone_env(clone_dir)}, check=True, timeout=timeout,
        stdout=subprocess.DEVNULL,
    )


def measure_build(clone_dir: Path, *, timeout: float) -> dict[str, Any]:
    """Run `make report` once in the copy; return ``seconds``, ``peak_mb``, ``ok`` and an ``error`` on failure."""
    measured = run_step("bench_build", "make_report", {"project_dir": str(clone_dir)},
                        timeout=timeout, env=clone_env(clone_dir), cwd=clone_dir)
    section = measured["sections"]["make_report"]
    entry: dict[str, Any] = {
        "seconds": section["seconds"],
        "peak_mb": section["peak_mb"],
        "ok": measured["result"]["returncode"] == 0,
    }
    if not entry["ok"]:
        entry["error"] = "\n".join(measured["result"]["log_tail"])
    return entry


def measure_builds(clone_dir: Path, *, cold_timeout: float = 900.0, warm_timeout: float = 300.0) -> dict[str, Any]:
    """Copy the project, then time a cold `make report` and a warm one with nothing changed."""
    copy_project(clone_dir)
    check_imported_package(clone_dir)
    cold = measure_build(clone_dir, timeout=cold_timeout)
    warm = measure_build(clone_dir, timeout=warm_timeout)
    return {"cold": cold, "warm": warm}


if __name__ == "__main__":
    # Manual check: copy the project into the folder given and build it twice.
    print(measure_builds(Path(sys.argv[1])))
