"""Tuning of one candidate, choice among tuned candidates and calibration of the choice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from analysis.candidates import Candidate

CALIBRATION_METHODS = ("sigmoid", "isotonic")


@dataclass(frozen=True)
class TunedCandidate:
    """Grid-search result of one candidate on one training set.

    Attributes
    ----------
    name : str
        Candidate name, see :data:`analysis.candidates.CANDIDATE_NAMES`.
    params : dict
        Best grid point by mean inner ROC-AUC.
    inner_roc_auc : float
        Mean ROC-AUC of ``params`` over the inner folds.
    inner_roc_auc_std : float
        Standard deviation of that ROC-AUC over the inner folds.
    test_roc_auc : float
        ROC-AUC on the split's test part of the pipeline refitted with
        ``params`` on the whole training part, uncalibrated; NaN when the
        split has no test part.
    """

    name: str
    params: dict[str, Any]
    inner_roc_auc: float
    inner_roc_auc_std: float
    test_roc_auc: float


def tune_candidate(
    candidate: Candidate,
    X_train: pd.DataFrame,
    y_train: np.ndarray,
    X_test: pd.DataFrame,
    y_test: np.ndarray,
    *,
    inner_cv: StratifiedKFold,
) -> TunedCandidate:
    """Search the candidate's grid on ROC-AUC and score the refitted best on the test part.

    The search runs on one core (``n_jobs=1``) because callers parallelise
    over candidates and splits instead.
    """
    search = GridSearchCV(
        clone(candidate.pipeline),
        candidate.param_grid,
        scoring="roc_auc",
        cv=inner_cv,
        n_jobs=1,
        refit=True,
        error_score="raise",
    )
    search.fit(X_train, y_train)
    best = search.best_index_
    test_roc_auc = float("nan")
    if len(y_test) > 0:
        # SVC has no predict_proba, so it is ranked by decision_function.
        scores = _ranking_scores(search.best_estimator_, X_test)
        test_roc_auc = float(roc_auc_score(y_test, scores))
    return TunedCandidate(
        name=candidate.name,
        params=dict(search.best_params_),
        inner_roc_auc=float(search.cv_results_["mean_test_score"][best]),
        inner_roc_auc_std=float(search.cv_results_["std_test_score"][best]),
        test_roc_auc=test_roc_auc,
    )


def _ranking_scores(estimator: Any, X: pd.DataFrame) -> np.ndarray:
    if hasattr(estimator, "predict_proba"):
        return estimator.predict_proba(X)[:, 1]
    return estimator.decision_function(X)


def choose_candidate(tuned: Sequence[TunedCandidate]) -> TunedCandidate:
    """Return the tuned candidate with the highest mean inner ROC-AUC.

    Ties go to the candidate listed first, so the choice is reproducible.
    """
    if not tuned:
        raise ValueError("No tuned candidates to choose from.")
    best = tuned[0]
    for item in tuned[1:]:
        if item.inner_roc_auc > best.inner_roc_auc:
            best = item
    return best


def fit_calibrated(
    candidate: Candidate,
    params: dict[str, Any],
    X: pd.DataFrame,
    y: np.ndarray,
    *,
    cv: StratifiedKFold,
    method: str = "sigmoid",
) -> CalibratedClassifierCV:
    """Fit the candidate with ``params`` inside CalibratedClassifierCV.

    The calibration map is fitted on the pipeline's out-of-fold outputs over
    the ``cv`` folds, and one pipeline is fitted on all of ``X``
    (``ensemble=False``). Predicting then runs one pipeline instead of one
    per fold, which keeps scoring and SHAP values five times cheaper for
    models that are slow to predict, such as k-NN. The SVM is calibrated from
    its decision_function.
    """
    if method not in CALIBRATION_METHODS:
        raise ValueError(f"method must be one of {CALIBRATION_METHODS}, got {method!r}.")
    pipeline = clone(candidate.pipeline).set_params(**params)
    calibrated = CalibratedClassifierCV(pipeline, method=method, cv=cv, ensemble=False)
    return calibrated.fit(X, y)
