"""Measure time and peak memory of `generate_store_data` for large outputs.

Each size runs in a fresh Python process, because ``ru_maxrss`` is the peak
resident memory of the whole process and would otherwise carry over from a
larger earlier run. Usage::

    .venv/bin/python benchmarks/bench_generate.py            # 1 000 000 customers
    .venv/bin/python benchmarks/bench_generate.py --n 10000 100000 1000000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path


def _measure(n_customers: int, trace: bool) -> dict[str, float]:
    """Generate ``n_customers`` into a temporary folder and return the measurements."""
    from analysis.synthetic import generate_store_data

    with tempfile.TemporaryDirectory(prefix="bench_generate_") as out_dir:
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        generate_store_data(n_customers, out_dir, random_state=0)
        seconds = time.perf_counter() - started
        traced_peak = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
        size = sum(path.stat().st_size for path in Path(out_dir).iterdir())

    # On Linux ru_maxrss is in kibibytes.
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"n": n_customers, "seconds": seconds, "max_rss": max_rss, "traced_peak": traced_peak, "bytes": size}


def _thousands(value: int) -> str:
    return f"{value:,}".replace(",", "\u00a0")


def _mebibytes(value: float) -> str:
    return f"{value / 2**20:.0f} МиБ"


def main(argv: list[str] | None = None) -> int:
    """Run each size in a child process and print one line per size."""
    parser = argparse.ArgumentParser(description="Время и пиковая память генерации синтетических данных.")
    parser.add_argument("--n", type=int, nargs="+", default=[1_000_000], help="числа клиентов (по умолчанию 1 000 000)")
    parser.add_argument(
        "--trace",
        action="store_true",
        help="дополнительно измерить пик выделений Python и NumPy через tracemalloc (медленнее)",
    )
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker is not None:
        print(json.dumps(_measure(args.worker, args.trace)))
        return 0

    for n_customers in args.n:
        command = [sys.executable, __file__, "--worker", str(n_customers)] + (["--trace"] if args.trace else [])
        completed = subprocess.run(command, capture_output=True, text=True, check=True)
        result = json.loads(completed.stdout)
        line = (
            f"клиентов {_thousands(result['n']):>9}: {result['seconds']:6.2f} с, "
            f"пиковая память процесса (ru_maxrss) {_mebibytes(result['max_rss'])}, "
            f"файлы {_mebibytes(result['bytes'])}"
        )
        if args.trace:
            line += f", пик tracemalloc {_mebibytes(result['traced_peak'])}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
