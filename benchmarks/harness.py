"""Run one benchmark step in a fresh Python process and measure its time and peak memory.

A step is a function ``step(meter, **kwargs) -> dict`` in a module of this
folder. It wraps the code to measure in ``with meter.measure(name):``; setup
outside those blocks is not timed. Every step runs in its own process because
``ru_maxrss`` only grows during a process's life, so a large step would hide
the peaks of the steps after it.

Peak memory of a section is the larger of two numbers:

- the resident set size (RSS) summed over the process and its children
  (joblib workers, Jupyter kernels, ``make`` and its commands), sampled every
  ``SAMPLE_INTERVAL_S`` seconds while the section runs. Pages shared between
  processes count once per process;
- the kernel's exact ``ru_maxrss`` of the largest single process of the step,
  which catches spikes shorter than the sampling interval but also covers the
  step's setup (imports, reading inputs).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent

SAMPLE_INTERVAL_S = 0.05
MB = 1024 * 1024
# Lines of a failed step's stderr kept in its error message.
ERROR_TAIL_LINES = 15


class StepError(RuntimeError):
    """A benchmark step failed, timed out or wrote no result."""


def tree_rss(process: psutil.Process) -> int:
    """Return the RSS in bytes of ``process`` and all its descendants alive now."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return total


class TreeMemorySampler:
    """Sample the RSS summed over a process tree in a background thread and keep the maximum."""

    def __init__(self, pid: int | None = None, interval: float = SAMPLE_INTERVAL_S) -> None:
        self._process = psutil.Process(pid)
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peak_bytes = 0

    def _run(self) -> None:
        while True:
            self.peak_bytes = max(self.peak_bytes, tree_rss(self._process))
            if self._stop.wait(self._interval):
                break

    def __enter__(self) -> TreeMemorySampler:
        self.peak_bytes = tree_rss(self._process)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_bytes = max(self.peak_bytes, tree_rss(self._process))


class Meter:
    """Wall time and sampled peak memory of the named sections of one step."""

    def __init__(self) -> None:
        self.sections: dict[str, dict[str, float]] = {}

    @contextmanager
    def measure(self, name: str) -> Iterator[None]:
        """Time the block and sample the process tree's memory while it runs."""
        if name in self.sections:
            raise ValueError(f"section {name!r} is measured twice")
        with TreeMemorySampler() as sampler:
            started = time.perf_counter()
            yield
            seconds = time.perf_counter() - started
        self.sections[name] = {"seconds": seconds, "peak_mb": sampler.peak_bytes / MB}


def _max_rss_mb() -> float:
    """Return the largest ``ru_maxrss`` of this process and its reaped children, in MB (Linux: KiB units)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) * 1024 / MB


def _shut_down_joblib_workers() -> None:
    """Stop joblib's reusable worker processes so that ``RUSAGE_CHILDREN`` includes them."""
    if "joblib" not in sys.modules:
        return
    from joblib.externals.loky import get_reusable_executor

    get_reusable_executor().shutdown(wait=True)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as JSON to a temporary file next to ``path`` and rename it onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(data, file, ensure_ascii=False, indent=2)
            file.write("\n")
        # mkstemp creates the file readable by its owner only; results are for everyone.
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_step(
    module: str,
    function: str,
    kwargs: Mapping[str, Any] | None = None,
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> dict[str, Any]:
    """Run ``module.function(meter, **kwargs)`` in a new Python process and return its measurements.

    Returns
    -------
    dict
        ``sections`` (name -> ``seconds``, ``peak_mb``), ``max_rss_mb`` and
        ``result`` (what the function returned; it must be JSON-ready).

    Raises
    ------
    StepError
        If the process exits with an error, runs longer than ``timeout``
        seconds (its whole process group is killed) or writes no result.
    """
    with tempfile.TemporaryDirectory(prefix="bench-step-") as tmp:
        result_path = Path(tmp) / "result.json"
        log_path = Path(tmp) / "stderr.log"
        command = [
            sys.executable, str(BENCH_DIR / "harness.py"),
            "--module", module, "--function", function,
            "--kwargs", json.dumps(dict(kwargs or {})), "--result", str(result_path),
        ]
        full_env = {**os.environ, **(env or {})}
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                command, cwd=cwd, env=full_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                # The step runs in its own session, so this kills only its processes.
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                raise StepError(f"{module}.{function} timed out after {timeout:.0f} s") from None
        if process.returncode != 0 or not result_path.is_file():
            tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-ERROR_TAIL_LINES:]
            raise StepError(
                f"{module}.{function} failed with exit code {process.returncode}:\n" + "\n".join(tail)
            )
        return json.loads(result_path.read_text(encoding="utf-8"))


def summarise_step(measured: Mapping[str, Any]) -> dict[str, float]:
    """Return ``seconds`` (sum over sections) and ``peak_mb`` of a step's measurements."""
    sections = measured["sections"]
    seconds = sum(section["seconds"] for section in sections.values())
    peak_mb = max(max(section["peak_mb"] for section in sections.values()), measured["max_rss_mb"])
    return {"seconds": seconds, "peak_mb": peak_mb}


def _worker(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run one benchmark step (used by run_step).")
    parser.add_argument("--module", required=True, help="module name inside benchmarks/")
    parser.add_argument("--function", required=True, help="step function of that module")
    parser.add_argument("--kwargs", default="{}", help="keyword arguments as a JSON object")
    parser.add_argument("--result", type=Path, required=True, help="JSON file for the measurements")
    args = parser.parse_args(argv)

    step = getattr(importlib.import_module(args.module), args.function)
    meter = Meter()
    result = step(meter, **json.loads(args.kwargs))
    if not meter.sections:
        raise StepError(f"{args.module}.{args.function} measured no section")
    _shut_down_joblib_workers()
    write_json_atomic(args.result, {"sections": meter.sections, "max_rss_mb": _max_rss_mb(), "result": result})
    return 0


if __name__ == "__main__":
    sys.exit(_worker())
