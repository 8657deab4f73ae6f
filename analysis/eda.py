"""Exploratory statistics: association of every feature with the target, and outliers."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import phik  # noqa: F401  (registers DataFrame.phik_matrix)

from analysis.dataset import Dataset
from analysis.features import NUMERIC_FEATURES

TARGET_NAME = "Снижение активности"

# Tukey's fences: a value more than 1.5 interquartile ranges outside the quartiles.
TUKEY_FACTOR = 1.5


@dataclass(frozen=True)
class Exploration:
    """Associations between features (phi_K, 0–1) and per-feature outlier counts."""

    associations: pd.DataFrame
    outliers: pd.DataFrame

    def save(self, directory: Path) -> None:
        self.associations.to_csv(directory / "associations.csv")
        self.outliers.to_csv(directory / "outliers.csv", index=False)
        (directory / "exploration.json").write_text(json.dumps({"version": 1}))

    @classmethod
    def load(cls, directory: Path) -> "Exploration":
        return cls(
            associations=pd.read_csv(directory / "associations.csv", index_col=0),
            outliers=pd.read_csv(directory / "outliers.csv"),
        )


def _outliers(features: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for column in NUMERIC_FEATURES:
        values = features[column]
        low, high = values.quantile([0.25, 0.75])
        if high == low:
            # With half the values on one level (a count such as 4 contacts a month)
            # the fences collapse and every other level would count as an outlier.
            rows.append({"Признак": column, "Выбросов": None, "Доля": None})
            continue
        spread = TUKEY_FACTOR * (high - low)
        outside = (values < low - spread) | (values > high + spread)
        rows.append({"Признак": column, "Выбросов": int(outside.sum()), "Доля": float(outside.mean())})
    return pd.DataFrame(rows)


def explore(dataset: Dataset) -> Exploration:
    """Compute phi_K associations of all features and the target, and Tukey outlier counts.

    phi_K (Baak et al., 2020) measures association between categorical,
    ordinal and interval variables on one 0–1 scale, so revenue, shares and
    labels enter the same matrix. It needs a target, so ``dataset.target``
    must not be None.
    """
    frame = dataset.features.copy()
    frame[TARGET_NAME] = dataset.target.map({1: "Снизилась", 0: "Прежний уровень"})
    with warnings.catch_warnings():
        # phik warns about columns it bins with few distinct values; the binning is intended.
        warnings.simplefilter("ignore")
        associations = frame.phik_matrix(interval_cols=list(NUMERIC_FEATURES), verbose=False)
    return Exploration(associations=associations, outliers=_outliers(dataset.features))
