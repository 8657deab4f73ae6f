"""Selection and calibration repeated on many train/test splits, run in parallel.

Every split runs the whole procedure that builds the final model: each
candidate's grid search on inner folds of the split's training part, the
choice of the best candidate, and its calibration. The outer splits
therefore measure the procedure, not one fixed model.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import stats
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import RepeatedStratifiedKFold, StratifiedKFold, train_test_split

from analysis.candidates import Candidate
from analysis.selection import TunedCandidate, choose_candidate, fit_calibrated, tune_candidate

OUTER = "outer"
HOLDOUT = "holdout"
FINAL = "final"


@dataclass(frozen=True)
class Split:
    """Row positions of one training part and its test part.

    Attributes
    ----------
    kind : {"outer", "holdout", "final"}
        Outer fold of the nested cross-validation, the single hold-out
        split, or all customers for the final model (empty ``test``).
    repeat, fold : int
        1-based position among outer folds; 0 for the other kinds.
    train, test : ndarray of int
        Row positions into the modelled customers.
    """

    kind: str
    repeat: int
    fold: int
    train: np.ndarray
    test: np.ndarray

    def describe(self, n_outer: int, n_splits: int) -> str:
        """Return a Russian name of the split for progress messages."""
        if self.kind == OUTER:
            number = (self.repeat - 1) * n_splits + self.fold
            return f"внешняя свёртка {number} из {n_outer} (повтор {self.repeat})"
        if self.kind == HOLDOUT:
            return "отложенная выборка"
        return "итоговая модель на всех клиентах"


@dataclass(frozen=True)
class SplitResult:
    """Outcome of the whole procedure on one split.

    Attributes
    ----------
    split : Split
    tuned : tuple of TunedCandidate
        Every candidate's search result, in candidate order.
    chosen : TunedCandidate
        The candidate with the best inner ROC-AUC.
    model : CalibratedClassifierCV
        The chosen candidate calibrated on the split's training part.
    test_proba : ndarray of float
        Calibrated probabilities of decline for ``split.test``.
    """

    split: Split
    tuned: tuple[TunedCandidate, ...]
    chosen: TunedCandidate
    model: CalibratedClassifierCV
    test_proba: np.ndarray


def build_splits(
    y: np.ndarray,
    *,
    outer_splits: int,
    outer_repeats: int,
    holdout_size: float,
    random_state: int,
) -> tuple[Split, ...]:
    """Build the outer folds, the stratified hold-out split and the all-customers split."""
    positions = np.arange(len(y))
    outer = RepeatedStratifiedKFold(n_splits=outer_splits, n_repeats=outer_repeats, random_state=random_state)
    splits = [
        Split(OUTER, index // outer_splits + 1, index % outer_splits + 1, train, test)
        for index, (train, test) in enumerate(outer.split(positions, y))
    ]
    holdout_train, holdout_test = train_test_split(
        positions, test_size=holdout_size, stratify=y, random_state=random_state
    )
    splits.append(Split(HOLDOUT, 0, 0, np.sort(holdout_train), np.sort(holdout_test)))
    splits.append(Split(FINAL, 0, 0, positions, np.array([], dtype=int)))
    return tuple(splits)


def run_splits(
    X: pd.DataFrame,
    y: np.ndarray,
    candidates: Sequence[Candidate],
    splits: Sequence[Split],
    *,
    inner_splits: int,
    calibration: str,
    random_state: int,
    n_jobs: int,
    verbose: int,
) -> tuple[SplitResult, ...]:
    """Tune, choose and calibrate on every split; return results in split order.

    Work runs in two parallel stages: first one task per (split, candidate)
    grid search, then one calibration task per split. Progress goes to
    stderr from this process, in split order.
    """
    inner_cv = StratifiedKFold(n_splits=inner_splits, shuffle=True, random_state=random_state)
    n_outer = sum(split.kind == OUTER for split in splits)
    n_per_repeat = max((split.fold for split in splits), default=1)
    by_name = {candidate.name: candidate for candidate in candidates}

    def parts(split: Split) -> tuple[pd.DataFrame, np.ndarray, pd.DataFrame, np.ndarray]:
        return X.iloc[split.train], y[split.train], X.iloc[split.test], y[split.test]

    tasks = [(split, candidate) for split in splits for candidate in candidates]
    _say(verbose, 1, f"Подбор гиперпараметров: {len(candidates)} кандидатов на {len(splits)} разбиениях.")
    with Parallel(n_jobs=n_jobs, return_as="generator") as parallel:
        results = parallel(
            delayed(tune_candidate)(candidate, *parts(split), inner_cv=inner_cv) for split, candidate in tasks
        )
        tuned_by_split: list[tuple[TunedCandidate, ...]] = []
        current: list[TunedCandidate] = []
        for (split, candidate), tuned in zip(tasks, results, strict=True):
            where = split.describe(n_outer, n_per_repeat)
            _say(verbose, 2, f"  {where}: {candidate.label}, ROC-AUC на внутренней проверке {_ru(tuned.inner_roc_auc)}")
            current.append(tuned)
            if len(current) == len(candidates):
                best = choose_candidate(current)
                _say(verbose, 1, f"{where}: лучший кандидат — {by_name[best.name].label} "
                     f"(ROC-AUC {_ru(best.inner_roc_auc)})")
                tuned_by_split.append(tuple(current))
                current = []

        _say(verbose, 1, "Калибровка выбранных моделей.")
        chosen = [choose_candidate(tuned) for tuned in tuned_by_split]
        models = list(
            parallel(
                delayed(fit_calibrated)(
                    by_name[best.name], best.params, X.iloc[split.train], y[split.train],
                    cv=inner_cv, method=calibration,
                )
                for split, best in zip(splits, chosen, strict=True)
            )
        )

    outcomes = []
    for split, tuned, best, model in zip(splits, tuned_by_split, chosen, models, strict=True):
        test_proba = model.predict_proba(X.iloc[split.test])[:, 1] if len(split.test) else np.array([])
        outcomes.append(SplitResult(split, tuned, best, model, test_proba))
    return tuple(outcomes)


def corrected_t_interval(
    scores: Sequence[float], *, test_fraction: float, confidence: float = 0.95
) -> tuple[float, float]:
    """Compute a confidence interval of the mean of repeated k-fold scores.

    Fold scores share most of their training data, so the plain t-interval
    is too narrow. The corrected resampled t-interval of Nadeau and Bengio
    (Machine Learning 52, 2003), extended to repeated k-fold by Bouckaert
    and Frank (PAKDD 2004), inflates the variance of the mean from
    ``s**2 / J`` to ``(1 / J + n_test / n_train) * s**2`` over ``J`` folds.

    Parameters
    ----------
    scores : sequence of float
        One score per outer fold; at least two.
    test_fraction : float
        Share of customers in each test fold, ``1 / n_splits`` for k-fold.
    confidence : float
        Two-sided coverage, e.g. 0.95.

    Returns
    -------
    (low, high) : tuple of float
    """
    values = np.asarray(scores, dtype=float)
    if len(values) < 2:
        raise ValueError("At least two fold scores are needed for an interval.")
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}.")
    count = len(values)
    ratio = test_fraction / (1.0 - test_fraction)
    standard_error = np.sqrt((1.0 / count + ratio) * values.var(ddof=1))
    margin = stats.t.ppf(0.5 + confidence / 2.0, df=count - 1) * standard_error
    mean = values.mean()
    return float(mean - margin), float(mean + margin)


def _ru(value: float) -> str:
    return f"{value:.3f}".replace(".", ",")


def _say(verbose: int, level: int, message: str) -> None:
    if verbose >= level:
        print(message, file=sys.stderr, flush=True)
