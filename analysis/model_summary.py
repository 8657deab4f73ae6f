"""Tables and metrics built from the split results of the nested cross-validation."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

from analysis.calibration_metrics import expected_calibration_error
from analysis.candidates import Candidate
from analysis.nested_cv import OUTER, SplitResult

PROBABILITY_COLUMN = "Вероятность_снижения"


def fold_table(results: Sequence[SplitResult], candidates: Sequence[Candidate]) -> pd.DataFrame:
    """Return one row per (outer fold, candidate) with inner and outer ROC-AUC.

    ``outer_roc_auc`` is the tuned but uncalibrated candidate's ROC-AUC on
    the outer test fold; ``chosen`` marks the candidate that the procedure
    picked in that fold.
    """
    labels = {candidate.name: candidate.label for candidate in candidates}
    rows = []
    for result in results:
        if result.split.kind != OUTER:
            continue
        for tuned in result.tuned:
            rows.append(
                {
                    "repeat": result.split.repeat,
                    "fold": result.split.fold,
                    "candidate": tuned.name,
                    "label": labels[tuned.name],
                    "inner_roc_auc": tuned.inner_roc_auc,
                    "outer_roc_auc": tuned.test_roc_auc,
                    "chosen": tuned.name == result.chosen.name,
                    "params": json.dumps(tuned.params, sort_keys=True, default=str),
                }
            )
    return pd.DataFrame(rows)


def candidate_table(folds: pd.DataFrame, final: SplitResult, candidates: Sequence[Candidate]) -> pd.DataFrame:
    """Summarise every candidate over the outer folds and on all customers.

    Columns: ``candidate``, ``label``, ``roc_auc_mean``, ``roc_auc_std``,
    ``roc_auc_min``, ``roc_auc_max`` (outer folds), ``times_chosen`` (outer
    folds where it won), ``n_folds``, ``final_inner_roc_auc`` and
    ``final_params`` (grid search on all customers) and ``final_choice``.
    """
    final_by_name = {tuned.name: tuned for tuned in final.tuned}
    rows = []
    for candidate in candidates:
        scores = folds.loc[folds["candidate"] == candidate.name]
        outer = scores["outer_roc_auc"]
        tuned = final_by_name[candidate.name]
        rows.append(
            {
                "candidate": candidate.name,
                "label": candidate.label,
                "roc_auc_mean": float(outer.mean()),
                "roc_auc_std": float(outer.std(ddof=1)) if len(outer) > 1 else float("nan"),
                "roc_auc_min": float(outer.min()),
                "roc_auc_max": float(outer.max()),
                "times_chosen": int(scores["chosen"].sum()),
                "n_folds": int(len(scores)),
                "final_inner_roc_auc": tuned.inner_roc_auc,
                "final_params": json.dumps(tuned.params, sort_keys=True, default=str),
                "final_choice": candidate.name == final.chosen.name,
            }
        )
    return pd.DataFrame(rows)


def outer_predictions(results: Sequence[SplitResult], ids: pd.Index, y: np.ndarray) -> pd.DataFrame:
    """Return the calibrated outer-fold probability of every customer in every repeat.

    Columns: ``id``, ``repeat``, ``fold``, ``target``, :data:`PROBABILITY_COLUMN`
    and ``baseline`` (share of declines in the fold's training part); sorted
    by repeat and id.
    """
    frames = []
    for result in results:
        if result.split.kind != OUTER:
            continue
        test = result.split.test
        frames.append(
            pd.DataFrame(
                {
                    "id": ids[test],
                    "repeat": result.split.repeat,
                    "fold": result.split.fold,
                    "target": y[test],
                    PROBABILITY_COLUMN: result.test_proba,
                    "baseline": y[result.split.train].mean(),
                }
            )
        )
    table = pd.concat(frames, ignore_index=True)
    return table.sort_values(["repeat", "id"], kind="stable").reset_index(drop=True)


def outer_fold_metrics(results: Sequence[SplitResult], y: np.ndarray) -> pd.DataFrame:
    """Score the procedure and the prior baseline on every outer test fold.

    The baseline predicts the share of declines in the fold's training part
    for everyone, as ``DummyClassifier(strategy="prior")`` does.
    """
    rows = []
    for result in results:
        if result.split.kind != OUTER:
            continue
        y_test = y[result.split.test]
        prior = np.full(len(y_test), y[result.split.train].mean())
        rows.append(
            {
                "repeat": result.split.repeat,
                "fold": result.split.fold,
                "chosen": result.chosen.name,
                "roc_auc": roc_auc_score(y_test, result.test_proba),
                "pr_auc": average_precision_score(y_test, result.test_proba),
                "brier": brier_score_loss(y_test, result.test_proba),
                "baseline_roc_auc": roc_auc_score(y_test, prior),
                "baseline_pr_auc": average_precision_score(y_test, prior),
                "baseline_brier": brier_score_loss(y_test, prior),
            }
        )
    return pd.DataFrame(rows)


def pooled_ece(predictions: pd.DataFrame, column: str = PROBABILITY_COLUMN) -> float:
    """Average over repeats the ECE of each repeat's pooled outer-fold predictions.

    Pooling a whole repeat gives each of the 10 bins enough customers; ECE
    of a single 260-customer fold would mostly measure noise.
    """
    values = [
        expected_calibration_error(part["target"], part[column]) for _, part in predictions.groupby("repeat")
    ]
    return float(np.mean(values))
