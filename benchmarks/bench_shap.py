"""Measure explain_model on the real data with a calibrated RBF SVM.

Run: ``.venv/bin/python benchmarks/bench_shap.py [--data DIR] [--background N] [--permutations N]``.
The model is the slowest family the modelling stage may choose: a
CalibratedClassifierCV (5 folds) around one-hot + scaling + SVC(kernel="rbf").
Prints the wall time of SHAP for every customer and the additivity error.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC

from analysis import config
from analysis.dataset import load_dataset
from analysis.explain import explain_model
from analysis.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=config.DEFAULT_DATA_DIR, help="data folder")
    parser.add_argument("--background", type=int, default=10, help="background rows")
    parser.add_argument("--permutations", type=int, default=2, help="antithetic pairs per customer")
    args = parser.parse_args()

    dataset = load_dataset(args.data)
    preprocess = ColumnTransformer(
        [
            ("categories", OneHotEncoder(handle_unknown="ignore"), list(CATEGORICAL_FEATURES)),
            ("numbers", StandardScaler(), list(NUMERIC_FEATURES)),
        ]
    )
    model = CalibratedClassifierCV(
        Pipeline([("preprocess", preprocess), ("model", SVC(kernel="rbf", random_state=config.RANDOM_STATE))]), cv=5
    ).fit(dataset.features, dataset.target)

    started = time.perf_counter()
    explanation = explain_model(
        model, dataset.features, background_size=args.background, n_permutations=args.permutations
    )
    elapsed = time.perf_counter() - started

    probability = model.predict_proba(dataset.features)[:, 1]
    error = np.max(np.abs(explanation.values.sum(axis=1).to_numpy() + explanation.base_value - probability))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"customers: {len(dataset.features)}, features: {dataset.features.shape[1]}, cpus: {os.cpu_count()}")
    print(f"background: {args.background}, permutation pairs: {args.permutations}, fast SVM: {explanation.settings['fast_svm']}")
    print(f"SHAP time: {elapsed:.1f} s (1-minute load average {load:.1f})")
    print(f"max additivity error: {error:.2e}")


if __name__ == "__main__":
    main()
