"""SHAP values of the final calibrated model on the probability scale, and each customer's reasons."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.permutation_shap import permutation_shap_values
from analysis.reasons import describe_reasons
from analysis.shap_background import summarise_background
from analysis.svm_speedup import with_fast_rbf_svm

# The fast SVM copy is used only when its probabilities match the original's
# this closely on the explained customers.
_FAST_MODEL_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Explanation:
    """SHAP values of a model for a set of customers.

    Attributes
    ----------
    values : pandas.DataFrame
        SHAP values, customers (index ``id``) by features, in units of the
        probability of decline; a positive value raises the probability.
    base_value : float or pandas.Series
        Model's mean probability over the background; for every customer
        ``values.sum(axis=1) + base_value == output`` up to rounding. A Series
        by ``id`` when customers were explained by different models (see
        `analysis.explain_oof`).
    feature_values : pandas.DataFrame
        The explained customers' raw feature values, same index and columns.
    output : pandas.Series
        The model's probability of decline for each customer.
    settings : dict
        Method, background size, permutations, seed and the measured time in seconds.
    """

    values: pd.DataFrame
    base_value: float | pd.Series
    feature_values: pd.DataFrame
    output: pd.Series
    settings: dict[str, Any] = field(default_factory=dict)

    def top_reasons(self, n: int = 3, ids: pd.Index | None = None) -> pd.DataFrame:
        """Return each customer's ``n`` features with the largest absolute SHAP values, as Russian phrases.

        Parameters
        ----------
        n
            Reasons per customer.
        ids
            Customers to describe; all explained customers when None.

        Returns
        -------
        pandas.DataFrame
            One row per (customer, rank), sorted by ``id`` and ``rank`` (1 is the
            strongest), with columns ``id``, ``rank``, ``feature``, ``value``,
            ``shap_value`` and ``reason``, e.g. «высокая доля покупок по акции,
            0,93, повышает риск».
        """
        drivers = top_drivers(self.values if ids is None else self.values.loc[ids], n)
        values = self.feature_values.loc[drivers["id"]]
        column_pos = self.feature_values.columns.get_indexer(drivers["feature"])
        drivers["value"] = _pick_values(values, column_pos)
        drivers["reason"] = describe_reasons(
            drivers["feature"], drivers["value"], drivers["shap_value"], self.feature_values
        )
        return drivers

    def save(self, directory: Path) -> None:
        """Write the explanation as CSV and JSON files into ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.values.to_csv(directory / "shap_values.csv", float_format="%.17g")
        self.feature_values.to_csv(directory / "shap_feature_values.csv", float_format="%.17g")
        self.output.to_csv(directory / "shap_output.csv", float_format="%.17g")
        if isinstance(self.base_value, pd.Series):
            self.base_value.rename("base_value").to_csv(directory / "shap_base_values.csv", float_format="%.17g")
        meta = {
            "base_value": float(np.mean(self.base_value)),
            "settings": self.settings,
            "feature_dtypes": {column: str(dtype) for column, dtype in self.feature_values.dtypes.items()},
        }
        (directory / "shap_meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), "utf-8")

    @classmethod
    def load(cls, directory: Path) -> Explanation:
        """Read an explanation written by `save`."""
        directory = Path(directory)
        meta = json.loads((directory / "shap_meta.json").read_text("utf-8"))
        values = pd.read_csv(directory / "shap_values.csv", index_col=0)
        dtypes = meta["feature_dtypes"]
        # Categories are read as text first, so that a label such as "1" stays a string.
        text_columns = {c: str for c, d in dtypes.items() if not _is_numeric_dtype_name(d)}
        feature_values = pd.read_csv(
            directory / "shap_feature_values.csv", index_col=0, dtype=text_columns, keep_default_na=False,
            na_values={c: [""] for c in dtypes if c not in text_columns},
        ).astype(dtypes)
        output = pd.read_csv(directory / "shap_output.csv", index_col=0).iloc[:, 0]
        base_value: float | pd.Series = float(meta["base_value"])
        if (directory / "shap_base_values.csv").is_file():
            base_value = pd.read_csv(directory / "shap_base_values.csv", index_col=0).iloc[:, 0]
        return cls(values, base_value, feature_values, output, meta["settings"])


def _is_numeric_dtype_name(name: str) -> bool:
    return name.startswith(("int", "Int", "float", "Float", "uint", "UInt", "bool"))


def _pick_values(frame: pd.DataFrame, column_pos: np.ndarray) -> np.ndarray:
    """Return ``frame.iat[i, column_pos[i]]`` for every row i without a Python loop per row."""
    result = np.empty(len(frame), dtype=object)
    for column in np.unique(column_pos):
        rows = np.flatnonzero(column_pos == column)
        result[rows] = frame.iloc[rows, column].to_numpy(dtype=object)
    return result


def top_drivers(values: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """Return each row's ``n`` columns with the largest absolute values, in a long table.

    Vectorised over rows. Columns of the result: ``id``, ``rank`` (1 is the
    largest), ``feature`` and ``shap_value``.
    """
    n = min(n, values.shape[1])
    array = values.to_numpy(dtype=float)
    # A stable sort of -|v| keeps the column order for ties, so results repeat.
    order = np.argsort(-np.abs(array), axis=1, kind="stable")[:, :n]
    rows = np.repeat(np.arange(len(values)), n)
    flat_order = order.reshape(-1)
    return pd.DataFrame(
        {
            "id": values.index.to_numpy()[rows],
            "rank": np.tile(np.arange(1, n + 1), len(values)),
            "feature": values.columns.to_numpy()[flat_order],
            "shap_value": array[rows, flat_order],
        }
    )


def _positive_proba(model: Any):
    classes = list(model.classes_)
    positive = classes.index(1) if 1 in classes else len(classes) - 1

    def predict(frame: pd.DataFrame) -> np.ndarray:
        return model.predict_proba(frame)[:, positive]

    return predict


def explain_model(
    model: Any,
    features: pd.DataFrame,
    *,
    background_size: int = 10,
    n_permutations: int = 2,
    random_state: int = 42,
    verbose: int = 0,
) -> Explanation:
    """Compute SHAP values of a fitted classifier's probability of decline for every customer.

    The method is model-agnostic permutation SHAP over the raw feature
    DataFrame (see `analysis.permutation_shap`), with a background of
    ``background_size`` k-means medoids weighted by cluster size. Binary RBF
    SVMs inside the model are evaluated with BLAS (`analysis.svm_speedup`)
    when that copy reproduces the model's probabilities within 1e-9.

    Cost: ``2 * (n_features - 1) * n_permutations * background_size`` model
    rows per customer, 680 with the defaults and 18 features. For 1296
    customers and a calibrated RBF SVM this took about 10 s on 2 cores
    (``benchmarks/bench_shap.py``).

    Parameters
    ----------
    model
        Fitted classifier with ``predict_proba`` on the raw feature DataFrame;
        the probability of ``classes_`` 1 (or of the last class) is explained.
    features
        Raw features of the customers, indexed by ``id``.
    background_size
        Background rows; the base value is their weighted mean probability.
    n_permutations
        Antithetic pairs of feature orders per customer.
    random_state
        Seed of the background clustering and of the feature orders.
    verbose
        0 prints nothing; 1 prints progress to stderr.
    """
    started = time.perf_counter()
    fast_model, replaced = with_fast_rbf_svm(model)
    predict = _positive_proba(model)
    if replaced:
        fast_predict = _positive_proba(fast_model)
        difference = np.max(np.abs(fast_predict(features) - predict(features)))
        if difference <= _FAST_MODEL_TOLERANCE:
            predict = fast_predict
        else:
            replaced = 0
            if verbose:
                print(f"Быстрый расчёт SVM расходится с моделью на {difference:.2g}; используется исходная модель",
                      file=sys.stderr)

    background = summarise_background(features, background_size, random_state=random_state)

    def report(done: int, total: int) -> None:
        if verbose:
            print(f"SHAP: {done} из {total} клиентов", file=sys.stderr)

    values, base_value, output = permutation_shap_values(
        predict, features, background,
        n_permutations=n_permutations, random_state=random_state, progress=report,
    )
    elapsed = time.perf_counter() - started
    settings = {
        "method": "permutation (antithetic), interventional, weighted k-means medoid background",
        "background_size": len(background.rows),
        "n_permutations": n_permutations,
        "random_state": random_state,
        "fast_svm": bool(replaced),
        "seconds": round(elapsed, 2),
    }
    return Explanation(
        values=pd.DataFrame(values, index=features.index, columns=features.columns),
        base_value=base_value,
        feature_values=features.copy(),
        output=pd.Series(output, index=features.index, name="proba"),
        settings=settings,
    )
