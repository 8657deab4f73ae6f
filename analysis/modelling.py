"""The churn-risk model: candidate search, nested cross-validation, calibration, out-of-fold scores."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from analysis import config
from analysis.calibration_metrics import confusion_at_threshold, reliability_table
from analysis.candidates import build_candidates
from analysis.features import CATEGORICAL_FEATURES, NUMERIC_FEATURES
from analysis.model_summary import (
    PROBABILITY_COLUMN,
    candidate_table,
    fold_table,
    outer_fold_metrics,
    outer_predictions,
    pooled_ece,
)
from analysis.nested_cv import FINAL, HOLDOUT, build_splits, corrected_t_interval, run_splits
from analysis.persistence import atomic_output, load_model, save_model

DEFAULT_THRESHOLD = config.OPERATING_THRESHOLD

METRICS_FILE = "metrics.json"
SCORES_FILE = "scores.csv"
MODEL_FILE = "model.skops"
TABLE_FILES = {
    "candidates": "candidates.csv",
    "folds": "folds.csv",
    "outer_metrics": "outer_metrics.csv",
    "predictions": "outer_predictions.csv",
    "reliability": "reliability.csv",
}


@dataclass(frozen=True)
class ModelResult:
    """The fitted model and everything measured about it.

    Attributes
    ----------
    final_model : CalibratedClassifierCV
        The chosen candidate, tuned and calibrated on all modelled customers;
        ``final_model.predict_proba(features)[:, 1]`` is the probability of decline.
    oof_proba : Series
        Out-of-fold probability of decline, indexed by ``id``: the mean over
        repeats of the outer-fold predictions, each from a procedure that did
        not see the customer.
    target : Series
        Observed target (1 = «Снизилась»), indexed like ``oof_proba``.
    metrics : dict
        JSON-ready metrics, see :func:`fit_model`.
    candidates : DataFrame
        One row per candidate, see :func:`analysis.model_summary.candidate_table`.
    folds : DataFrame
        One row per (outer fold, candidate), see :func:`analysis.model_summary.fold_table`.
    outer_metrics : DataFrame
        The procedure's and the baseline's metrics on each outer fold.
    predictions : DataFrame
        Outer-fold probabilities of every customer in every repeat.
    reliability : DataFrame
        Reliability-curve table of ``predictions``, see
        :func:`analysis.calibration_metrics.reliability_table`.
    metadata : dict
        Data hash, features, versions; stored next to the model file.
    threshold : float
        Operating threshold: ``proba >= threshold`` counts as predicted decline.
    """

    final_model: Any
    oof_proba: pd.Series
    target: pd.Series
    metrics: dict[str, Any]
    candidates: pd.DataFrame
    folds: pd.DataFrame
    outer_metrics: pd.DataFrame
    predictions: pd.DataFrame
    reliability: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)
    threshold: float = DEFAULT_THRESHOLD

    @property
    def model_name(self) -> str:
        """English name of the chosen candidate."""
        return str(self.metrics["model"])

    @property
    def model_label(self) -> str:
        """Russian name of the chosen candidate."""
        return str(self.metrics["model_label"])

    @property
    def reason(self) -> str:
        """One Russian sentence on why the candidate was chosen."""
        return str(self.metrics["model_reason"])

    def confusion_matrix(self, threshold: float | None = None) -> pd.DataFrame:
        """Count out-of-fold predictions against outcomes at ``threshold`` (default: ``self.threshold``)."""
        cut = self.threshold if threshold is None else threshold
        return confusion_at_threshold(self.target, self.oof_proba.loc[self.target.index], cut)

    def save(self, directory: Path) -> None:
        """Write metrics, scores, tables and the model into ``directory``.

        Files: ``metrics.json``, ``scores.csv`` (``id``, ``Вероятность_снижения``),
        ``model.skops`` with ``model.json``, ``confusion.csv`` at the operating
        threshold and the CSV tables of :data:`TABLE_FILES`. JSON, CSV and
        skops only; nothing is pickled.
        """
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        _write_text(directory / METRICS_FILE, json.dumps(self.metrics, ensure_ascii=False, indent=2) + "\n")
        scores = self.oof_proba.rename(PROBABILITY_COLUMN).rename_axis(config.ID_COLUMN).reset_index()
        _write_csv(directory / SCORES_FILE, scores)
        for name, file_name in TABLE_FILES.items():
            _write_csv(directory / file_name, getattr(self, name))
        _write_csv(directory / "confusion.csv", self.confusion_matrix().reset_index())
        save_model(self.final_model, directory / MODEL_FILE, self.metadata)

    @classmethod
    def load(cls, directory: Path) -> ModelResult:
        """Read a result written by :meth:`save`."""
        directory = Path(directory)
        metrics = json.loads((directory / METRICS_FILE).read_text(encoding="utf-8"))
        scores = _read_csv(directory / SCORES_FILE)
        oof_proba = scores.set_index(config.ID_COLUMN)[PROBABILITY_COLUMN]
        tables = {name: _read_csv(directory / file_name) for name, file_name in TABLE_FILES.items()}
        first_repeat = tables["predictions"].drop_duplicates(config.ID_COLUMN).set_index(config.ID_COLUMN)
        target = first_repeat["target"].loc[oof_proba.index].rename(config.TARGET_COLUMN)
        loaded = load_model(directory / MODEL_FILE)
        return cls(
            final_model=loaded.model,
            oof_proba=oof_proba,
            target=target,
            metrics=metrics,
            metadata=loaded.metadata,
            threshold=float(metrics["threshold"]),
            **tables,
        )


def fit_model(
    dataset: Any,
    *,
    random_state: int = config.RANDOM_STATE,
    verbose: int = 1,
    outer_splits: int = 5,
    outer_repeats: int = 2,
    inner_splits: int = 5,
    holdout_size: float = 0.25,
    calibration: str = "sigmoid",
    candidate_names: tuple[str, ...] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    n_jobs: int = 2,
) -> ModelResult:
    """Choose, calibrate and honestly evaluate the model of declining activity.

    The procedure has three steps: a grid search of every candidate on
    ROC-AUC with inner stratified folds, the choice of the best mean inner
    ROC-AUC, and calibration with CalibratedClassifierCV on the same inner
    folds. It runs on each outer fold of a repeated stratified k-fold, on a
    stratified hold-out split, and once on all customers for the final model.

    Parameters
    ----------
    dataset : Dataset
        From :func:`analysis.dataset.load_dataset`; needs ``features``,
        ``target``, ``excluded`` and ``data_hash``.
    random_state : int
        Seed of every split and randomised estimator; equal seeds and data
        give equal results.
    verbose : int
        0 prints nothing, 1 prints one line per split, 2 one per candidate
        and split, to stderr in Russian.
    outer_splits, outer_repeats, inner_splits : int
        Outer repeated stratified k-fold and inner stratified k-fold sizes.
    holdout_size : float
        Share of customers in the hold-out test part.
    calibration : {"sigmoid", "isotonic"}
        Calibration map of CalibratedClassifierCV.
    candidate_names : tuple of str, optional
        Subset of :data:`analysis.candidates.CANDIDATE_NAMES`; all when None.
    threshold : float
        Operating threshold of the confusion matrix.
    n_jobs : int
        Parallel workers; each runs single-threaded estimators.

    Returns
    -------
    ModelResult
        ``metrics`` contains the means over outer folds ``roc_auc``, ``pr_auc``
        (average precision) and ``brier``, with ``roc_auc_std`` and
        ``roc_auc_ci95`` (corrected resampled t-interval). ``ece`` is computed
        per repeat on pooled outer predictions and averaged. It also contains
        ``holdout_roc_auc``, the same four for the prior baseline with prefix
        ``baseline_``, ``model``, ``model_label``, ``model_reason``,
        ``model_params``, ``n_customers``, ``n_excluded`` and the settings.
    """
    X, y, ids = _modelling_data(dataset)
    categorical = [name for name in X.columns if name in CATEGORICAL_FEATURES]
    numeric = [name for name in X.columns if name in NUMERIC_FEATURES]
    candidates = build_candidates(categorical, numeric, random_state=random_state, names=candidate_names)
    splits = build_splits(
        y, outer_splits=outer_splits, outer_repeats=outer_repeats, holdout_size=holdout_size, random_state=random_state
    )
    results = run_splits(
        X,
        y,
        candidates,
        splits,
        inner_splits=inner_splits,
        calibration=calibration,
        random_state=random_state,
        n_jobs=n_jobs,
        verbose=verbose,
    )
    final = next(result for result in results if result.split.kind == FINAL)
    holdout = next(result for result in results if result.split.kind == HOLDOUT)

    folds = fold_table(results, candidates)
    candidates_summary = candidate_table(folds, final, candidates)
    per_fold = outer_fold_metrics(results, y)
    predictions = outer_predictions(results, ids, y)
    oof_proba = predictions.groupby("id", sort=False)[PROBABILITY_COLUMN].mean().loc[ids].rename(PROBABILITY_COLUMN)
    target = pd.Series(y, index=ids, name=config.TARGET_COLUMN)
    chosen = next(candidate for candidate in candidates if candidate.name == final.chosen.name)
    times_chosen = int((per_fold["chosen"] == chosen.name).sum())

    low, high = corrected_t_interval(per_fold["roc_auc"], test_fraction=1.0 / outer_splits)
    holdout_y = y[holdout.split.test]
    metrics: dict[str, Any] = {
        "roc_auc": float(per_fold["roc_auc"].mean()),
        "roc_auc_std": float(per_fold["roc_auc"].std(ddof=1)),
        "roc_auc_ci95": [low, high],
        "pr_auc": float(per_fold["pr_auc"].mean()),
        "brier": float(per_fold["brier"].mean()),
        "ece": pooled_ece(predictions),
        "holdout_roc_auc": float(roc_auc_score(holdout_y, holdout.test_proba)),
        "holdout_pr_auc": float(average_precision_score(holdout_y, holdout.test_proba)),
        "holdout_brier": float(brier_score_loss(holdout_y, holdout.test_proba)),
        "holdout_model": holdout.chosen.name,
        "baseline": "DummyClassifier(strategy='prior')",
        "baseline_roc_auc": float(per_fold["baseline_roc_auc"].mean()),
        "baseline_pr_auc": float(per_fold["baseline_pr_auc"].mean()),
        "baseline_brier": float(per_fold["baseline_brier"].mean()),
        "baseline_ece": pooled_ece(predictions, column="baseline"),
        "model": chosen.name,
        "model_label": chosen.label,
        "model_reason": _reason(chosen.label, final.chosen.inner_roc_auc, times_chosen, len(per_fold)),
        "model_params": {key: _json_value(value) for key, value in final.chosen.params.items()},
        "calibration": calibration,
        "threshold": float(threshold),
        "n_customers": int(len(y)),
        "n_excluded": int(len(dataset.excluded)),
        "n_positive": int(y.sum()),
        "outer_splits": outer_splits,
        "outer_repeats": outer_repeats,
        "inner_splits": inner_splits,
        "holdout_size": holdout_size,
        "random_state": random_state,
    }
    metadata = {
        "data_hash": dataset.data_hash,
        "features": list(X.columns),
        "categorical_features": categorical,
        "numeric_features": numeric,
        "categories": {name: sorted(str(value) for value in X[name].dropna().unique()) for name in categorical},
        "model": chosen.name,
        "model_label": chosen.label,
        "probability_column": PROBABILITY_COLUMN,
        "metrics": metrics,
    }
    return ModelResult(
        final_model=final.model,
        oof_proba=oof_proba,
        target=target,
        metrics=metrics,
        candidates=candidates_summary,
        folds=folds,
        outer_metrics=per_fold,
        predictions=predictions,
        reliability=reliability_table(predictions["target"], predictions[PROBABILITY_COLUMN]),
        metadata=metadata,
        threshold=float(threshold),
    )


def _modelling_data(dataset: Any) -> tuple[pd.DataFrame, np.ndarray, pd.Index]:
    """Check the dataset and return features, the 0/1 target array and the ids."""
    X = dataset.features
    target = dataset.target
    if target is None:
        raise ValueError("The dataset has no target column; fit_model needs labelled customers.")
    forbidden = {config.ID_COLUMN, config.PROFIT_COLUMN, config.TARGET_COLUMN} & set(X.columns)
    if forbidden:
        raise ValueError(f"Features must not contain {sorted(forbidden)}.")
    unknown = sorted(set(X.columns) - set(CATEGORICAL_FEATURES) - set(NUMERIC_FEATURES))
    if unknown:
        raise ValueError(f"Features {unknown} are in neither CATEGORICAL_FEATURES nor NUMERIC_FEATURES.")
    if not X.index.equals(target.index):
        raise ValueError("dataset.features and dataset.target must have the same index of ids.")
    y = target.to_numpy().astype(int)
    if set(np.unique(y)) != {0, 1}:
        raise ValueError(f"The target must contain both 0 and 1, got {sorted(set(np.unique(y)))}.")
    return X, y, X.index


def _reason(label: str, inner_roc_auc: float, times_chosen: int, n_folds: int) -> str:
    auc = f"{inner_roc_auc:.3f}".replace(".", ",")
    return (
        f"Выбрана модель «{label}»: у неё самый высокий ROC-AUC на перекрёстной проверке "
        f"по всем клиентам ({auc}), и процедура выбирала её в {times_chosen} из {n_folds} внешних свёрток."
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def _write_text(path: Path, text: str) -> None:
    with atomic_output(path) as temporary:
        temporary.write_text(text, encoding="utf-8")


def _write_csv(path: Path, table: pd.DataFrame) -> None:
    with atomic_output(path) as temporary:
        table.to_csv(temporary, index=False, encoding="utf-8")


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8")
