"""Print the wall time of ``fit_model`` on the store's data in ``data/``.

Usage: ``.venv/bin/python benchmarks/bench_model.py [--data DIR] [--n-jobs N]``.
The target is at most 90 s with ``n_jobs=2`` on a 2-core machine.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from analysis import config
from analysis.dataset import load_dataset
from analysis.modelling import fit_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=config.DEFAULT_DATA_DIR, help="data folder")
    parser.add_argument("--n-jobs", type=int, default=2, help="parallel workers of fit_model")
    parser.add_argument("--verbose", type=int, default=0, help="progress level of fit_model")
    args = parser.parse_args()

    dataset = load_dataset(args.data, verbose=0)
    start = time.perf_counter()
    result = fit_model(dataset, random_state=config.RANDOM_STATE, verbose=args.verbose, n_jobs=args.n_jobs)
    elapsed = time.perf_counter() - start

    metrics = result.metrics
    print(f"fit_model: {elapsed:.1f} s, n_jobs={args.n_jobs}, customers={metrics['n_customers']}")
    print(
        f"model={metrics['model']} roc_auc={metrics['roc_auc']:.4f} "
        f"ci95=[{metrics['roc_auc_ci95'][0]:.4f}, {metrics['roc_auc_ci95'][1]:.4f}] "
        f"pr_auc={metrics['pr_auc']:.4f} brier={metrics['brier']:.4f} ece={metrics['ece']:.4f} "
        f"holdout_roc_auc={metrics['holdout_roc_auc']:.4f}"
    )


if __name__ == "__main__":
    main()
