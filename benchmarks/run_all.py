"""Run every benchmark, print a table and write `benchmarks/latest.json`.

``make bench`` runs this file. In order:

1. builds: a cold `make report` in a fresh copy of the working tree, then a
   warm one with nothing changed (`bench_build`);
2. stages: each stage of the report on the real data in its own process
   (`bench_stages`), using the model and cache the cold build wrote;
3. scale: the scoring path on 10 000, 100 000 and 1 000 000 synthetic
   customers (`bench_scoring`).

Every step has a time limit and runs in its own process group. A part
skipped with ``--skip-*`` keeps its numbers from the previous JSON file.
The targets are for a 2-core machine; see `docs/benchmarks.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import psutil

from bench_build import check_imported_package, clone_env, copy_project, measure_builds, run_pipeline_only
from bench_scoring import BUDGET, SIZES, measure_scale
from bench_stages import STAGES
from harness import BENCH_DIR, StepError, run_step, summarise_step, write_json_atomic

DEFAULT_OUT = BENCH_DIR / "latest.json"
DEFAULT_WORK_DIR = Path(tempfile.gettempdir()) / "analysis-bench"
KEY_LIBRARIES = ("numpy", "pandas", "scikit-learn", "scipy", "shap", "pandera", "joblib", "skops")

COLD_BUILD_TARGET_S = 120.0
WARM_BUILD_TARGET_SHARE = 0.20
SCALE_TARGET_N = 1_000_000
SCALE_TARGET_S = 60.0
SCALE_TARGET_MB = 4096.0

STAGE_TIMEOUTS_S = {
    "read_validate": 120, "clean_features": 120, "model_search": 900, "final_fit": 600,
    "shap": 600, "segments_offers": 120, "render": 900,
}
STAGE_FUNCTIONS = {"shap": "shap_values"}


def machine_info() -> dict[str, Any]:
    """Describe the CPU, memory, Python and key libraries of this machine."""
    cpu_model = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    versions = {}
    for name in KEY_LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu_model": cpu_model,
        "logical_cpus": os.cpu_count(),
        "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gb": round(psutil.virtual_memory().total / 1024**3, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "libraries": versions,
    }


def load_average() -> list[float]:
    """Return the 1, 5 and 15-minute load averages."""
    return [round(value, 2) for value in os.getloadavg()]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def run_builds(clone_dir: Path) -> dict[str, Any]:
    """Measure the cold and the warm build; a failed or timed-out build gets an ``error``."""
    started_load = load_average()
    try:
        builds = measure_builds(clone_dir)
    except (StepError, OSError, RuntimeError) as error:
        builds = {"cold": {"seconds": None, "peak_mb": None, "ok": False, "error": str(error)}}
    builds["load_average_before"] = started_load
    builds["load_average_after"] = load_average()
    builds["measured_at"] = _now()
    return builds


def _stage_kwargs(name: str, clone_dir: Path, work_dir: Path) -> dict[str, Any]:
    data_dir = str(clone_dir / "data")
    explanation_dir = str(work_dir / "explanation")
    if name == "shap":
        return {"data_dir": data_dir, "model_path": str(clone_dir / "output" / "model.skops"),
                "explanation_dir": explanation_dir}
    if name == "segments_offers":
        return {"data_dir": data_dir, "model_dir": str(clone_dir / "output"), "explanation_dir": explanation_dir}
    if name == "render":
        return {"project_dir": str(clone_dir), "data_dir": data_dir}
    return {"data_dir": data_dir}


def run_stages(clone_dir: Path, work_dir: Path) -> dict[str, Any]:
    """Measure every stage in its own process; a failed stage gets ``None`` numbers and an ``error``."""
    stages: dict[str, Any] = {}
    for name, label in STAGES.items():
        entry: dict[str, Any] = {"label": label}
        try:
            measured = run_step(
                "bench_stages", STAGE_FUNCTIONS.get(name, name), _stage_kwargs(name, clone_dir, work_dir),
                timeout=STAGE_TIMEOUTS_S[name], env=clone_env(clone_dir), cwd=clone_dir,
            )
            entry.update(summarise_step(measured))
            entry["result"] = measured["result"]
        except StepError as error:
            entry.update({"seconds": None, "peak_mb": None, "error": str(error)})
        entry["load_average"] = load_average()
        stages[name] = entry
        _print_progress(f"stage {name}: {_format_seconds(entry['seconds'])}")
    return stages


def evaluate_targets(results: dict[str, Any]) -> dict[str, Any]:
    """Compare the numbers with the targets; ``met`` is None where a number is missing."""
    cold = results.get("cold_build_s")
    warm = results.get("warm_build_s")
    by_n = {entry["n"]: entry for entry in results.get("scale", [])}
    largest = by_n.get(SCALE_TARGET_N, {})
    targets = {
        "cold_build": {"limit_s": COLD_BUILD_TARGET_S, "value_s": cold,
                       "met": None if cold is None else cold <= COLD_BUILD_TARGET_S},
        "warm_build": {"limit_share_of_cold": WARM_BUILD_TARGET_SHARE,
                       "value_share": None if cold is None or warm is None else warm / cold},
        "scale_time": {"n": SCALE_TARGET_N, "limit_s": SCALE_TARGET_S, "value_s": largest.get("seconds")},
        "scale_memory": {"n": SCALE_TARGET_N, "limit_mb": SCALE_TARGET_MB, "value_mb": largest.get("peak_mb")},
    }
    share = targets["warm_build"]["value_share"]
    targets["warm_build"]["met"] = None if share is None else share <= WARM_BUILD_TARGET_SHARE
    seconds = targets["scale_time"]["value_s"]
    targets["scale_time"]["met"] = None if seconds is None else seconds <= SCALE_TARGET_S
    peak = targets["scale_memory"]["value_mb"]
    targets["scale_memory"]["met"] = None if peak is None else peak <= SCALE_TARGET_MB

    small = by_n.get(100_000, {}).get("seconds")
    ratio = None if small is None or seconds is None else seconds / small
    # Linear growth from 100 000 to 1 000 000 customers multiplies the time by 10.
    targets["scale_growth"] = {"time_ratio_1m_to_100k": ratio, "limit": 10.0,
                               "met": None if ratio is None else ratio <= 10.0}
    return targets


def _format_seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} s"


def _format_mb(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f} MB"


def _print_progress(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def format_report(results: dict[str, Any]) -> str:
    """Return the printed tables of builds, stages, scale and targets."""
    lines = [f"Benchmarks, {results.get('created')} — load average {results.get('load_average')}", ""]
    lines.append(f"{'build':<42}{'seconds':>12}{'peak':>12}")
    for name in ("cold", "warm"):
        entry = results.get("builds", {}).get(name, {})
        note = "" if entry.get("ok", True) else "  FAILED"
        lines.append(f"{name + ' make report':<42}{_format_seconds(entry.get('seconds')):>12}"
                     f"{_format_mb(entry.get('peak_mb')):>12}{note}")

    lines += ["", f"{'stage (real data)':<42}{'seconds':>12}{'peak':>12}"]
    for entry in results.get("stages", {}).values():
        note = "  FAILED" if entry.get("error") else ""
        lines.append(f"{entry['label']:<42}{_format_seconds(entry['seconds']):>12}"
                     f"{_format_mb(entry['peak_mb']):>12}{note}")

    lines += ["", f"{'scoring path, budget ' + str(results.get('budget')):<42}{'seconds':>12}{'peak':>12}"]
    for entry in results.get("scale", []):
        note = "  FAILED" if entry.get("error") else ""
        lines.append(f"{entry['n']:>12,} customers{'':<20}{_format_seconds(entry['seconds']):>12}"
                     f"{_format_mb(entry['peak_mb']):>12}{note}")

    lines += ["", "targets:"]
    for name, target in results.get("targets", {}).items():
        state = {True: "met", False: "MISSED", None: "not measured"}[target["met"]]
        details = ", ".join(f"{key}={value:.3g}" if isinstance(value, float) else f"{key}={value}"
                            for key, value in target.items() if key != "met")
        lines.append(f"  {name:<14} {state:<13} {details}")
    return "\n".join(lines)


def _previous(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def main(argv: list[str] | None = None) -> int:
    """Run the selected benchmarks, print the tables and write the JSON file."""
    parser = argparse.ArgumentParser(description="Time and memory benchmarks of the report and the scoring path.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file to write (default: %(default)s)")
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR,
                        help="folder for the project copy and synthetic data (default: %(default)s)")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES),
                        help="numbers of synthetic customers for the scoring path")
    parser.add_argument("--budget", type=int, default=BUDGET, help="customers in the offers list of the scoring path")
    parser.add_argument("--skip-builds", action="store_true", help="keep the previous cold and warm build numbers")
    parser.add_argument("--skip-stages", action="store_true", help="keep the previous stage numbers")
    parser.add_argument("--skip-scale", action="store_true", help="keep the previous scoring-path numbers")
    args = parser.parse_args(argv)

    work_dir = args.work_dir.resolve()
    clone_dir = work_dir / "project"
    previous = _previous(args.out)
    results: dict[str, Any] = {"created": _now(), "machine": machine_info(), "load_average": load_average()}

    if args.skip_builds:
        results["builds"] = previous.get("builds", {})
    else:
        _print_progress(f"cold and warm make report in {clone_dir}")
        results["builds"] = run_builds(clone_dir)
    results["cold_build_s"] = results["builds"].get("cold", {}).get("seconds")
    results["warm_build_s"] = results["builds"].get("warm", {}).get("seconds")

    if not (clone_dir / "output" / "model.skops").is_file() and not (args.skip_stages and args.skip_scale):
        # The stages and the scoring path need a model and a filled stage cache.
        _print_progress(f"preparing {clone_dir} with python -m analysis run")
        copy_project(clone_dir)
        check_imported_package(clone_dir)
        run_pipeline_only(clone_dir, timeout=900)

    if args.skip_stages:
        results["stages"] = previous.get("stages", {})
    else:
        results["stages"] = run_stages(clone_dir, work_dir)

    if args.skip_scale:
        results["scale"] = previous.get("scale", [])
        results["budget"] = previous.get("budget", args.budget)
    else:
        _print_progress(f"scoring path for {args.sizes} customers")
        results["budget"] = args.budget
        results["scale"] = measure_scale(args.sizes, clone_dir / "output" / "model.skops", work_dir,
                                         budget=args.budget, env=clone_env(clone_dir))
        results["scale_load_average"] = load_average()

    results["targets"] = evaluate_targets(results)
    write_json_atomic(args.out, results)
    print(format_report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
