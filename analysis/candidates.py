"""Candidate models: scikit-learn pipelines with their preprocessing and search grids."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

CANDIDATE_NAMES = (
    "logistic_regression",
    "knn",
    "decision_tree",
    "svm",
    "gradient_boosting",
    "random_forest",
)


@dataclass(frozen=True)
class Candidate:
    """One model family to tune: an unfitted pipeline and its hyperparameter grid.

    Attributes
    ----------
    name : str
        Stable English identifier, used in files and metrics.
    label : str
        Russian name shown in the report.
    pipeline : Pipeline
        Unfitted pipeline with steps ``preprocess`` and ``model``.
    param_grid : dict
        Grid for :class:`~sklearn.model_selection.GridSearchCV`; keys use the
        ``model__`` prefix.
    """

    name: str
    label: str
    pipeline: Pipeline
    param_grid: dict[str, list[Any]]


def build_preprocessor(
    categorical: Sequence[str], numeric: Sequence[str], *, scale: bool
) -> ColumnTransformer:
    """Build the column transformer shared by all candidates.

    Categories not seen in training are encoded as all zeros
    (``handle_unknown="ignore"``), so new customers with a new category
    can still be scored. Numeric columns are standardised when ``scale``
    is true; trees get them unchanged so that split thresholds stay in the
    data's units.
    """
    numeric_step = StandardScaler() if scale else "passthrough"
    return ColumnTransformer(
        [
            ("categorical", OneHotEncoder(handle_unknown="ignore", sparse_output=False), list(categorical)),
            ("numeric", numeric_step, list(numeric)),
        ],
        remainder="drop",
        verbose_feature_names_out=False,
    )


def build_candidates(
    categorical: Sequence[str],
    numeric: Sequence[str],
    *,
    random_state: int = 42,
    names: Sequence[str] | None = None,
) -> tuple[Candidate, ...]:
    """Build the candidate pipelines and their grids.

    The grids are small on purpose, because the whole nested procedure must
    fit in 90 s on 2 cores. The ranges come from a 5-fold cross-validation on
    the 1297 customers in ``data/``, where each family's ROC-AUC changed by
    less than 0.01 across the values tried.

    Parameters
    ----------
    categorical, numeric : sequence of str
        Feature columns by type; every other column of the input is dropped.
    random_state : int
        Seed of every randomised estimator.
    names : sequence of str, optional
        Subset of :data:`CANDIDATE_NAMES` to build, in that order; all when None.

    Returns
    -------
    tuple of Candidate
        In the order of :data:`CANDIDATE_NAMES`.
    """
    requested = CANDIDATE_NAMES if names is None else tuple(names)
    unknown = sorted(set(requested) - set(CANDIDATE_NAMES))
    if unknown:
        raise ValueError(f"Unknown candidate names {unknown}; expected some of {CANDIDATE_NAMES}.")

    def pipeline(model: Any, *, scale: bool = True) -> Pipeline:
        return Pipeline([("preprocess", build_preprocessor(categorical, numeric, scale=scale)), ("model", model)])

    specs = {
        "logistic_regression": (
            "Логистическая регрессия",
            pipeline(LogisticRegression(max_iter=2000)),
            {"model__C": [0.01, 0.1, 1.0]},
        ),
        # Distance weighting with many neighbours gave the best k-NN ranking;
        # fewer than 30 neighbours overfit.
        "knn": (
            "k ближайших соседей",
            pipeline(KNeighborsClassifier(weights="distance")),
            {"model__n_neighbors": [31, 61, 91]},
        ),
        "decision_tree": (
            "Дерево решений",
            pipeline(DecisionTreeClassifier(random_state=random_state), scale=False),
            {"model__max_depth": [4, 6], "model__min_samples_leaf": [10, 30]},
        ),
        # The SVM has no predict_proba here: SVC(probability=True) is
        # deprecated in scikit-learn 1.9, and the search ranks by
        # decision_function while CalibratedClassifierCV maps it to probabilities.
        "svm": (
            "Метод опорных векторов (RBF)",
            pipeline(SVC(kernel="rbf", gamma="scale")),
            {"model__C": [0.1, 0.3, 1.0]},
        ),
        "gradient_boosting": (
            "Градиентный бустинг",
            pipeline(
                HistGradientBoostingClassifier(max_iter=150, l2_regularization=1.0, random_state=random_state),
                scale=False,
            ),
            {"model__learning_rate": [0.03, 0.06], "model__max_depth": [2, 3]},
        ),
        "random_forest": (
            "Случайный лес",
            pipeline(RandomForestClassifier(n_estimators=100, random_state=random_state, n_jobs=1), scale=False),
            {"model__min_samples_leaf": [2, 5]},
        ),
    }
    return tuple(
        Candidate(name=name, label=specs[name][0], pipeline=specs[name][1], param_grid=specs[name][2])
        for name in CANDIDATE_NAMES
        if name in requested
    )
