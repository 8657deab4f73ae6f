"""SHAP values for modelled customers, each from a copy of the model that did not see them."""

from __future__ import annotations

import sys
import time
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from analysis.explain import Explanation, explain_model


def explain_out_of_fold(
    model: Any,
    features: pd.DataFrame,
    target: pd.Series,
    *,
    n_splits: int = 5,
    random_state: int = 42,
    verbose: int = 0,
) -> Explanation:
    """Explain every customer with a clone of ``model`` refitted without that customer's fold.

    The final model has seen every modelled customer. A model that memorises
    its training rows (k-NN with distance weights gives each customer its own
    label back) would then be explained on memorised labels, so the reasons
    and offers would rest on in-sample outputs. Here the customers are split
    into ``n_splits`` stratified folds. For each fold, a clone of ``model``
    (same estimator and hyperparameters, calibration included) is fitted on
    the other folds and explained on this one with `explain_model`. The
    out-of-fold probabilities shown in the report come from the same idea.

    Returns
    -------
    Explanation
        Customers in ``features`` order. ``base_value`` is a Series by ``id``
        because each fold's model has its own mean output. ``output`` contains
        each customer's out-of-fold probability from its fold's model.
    """
    started = time.perf_counter()
    folds = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    parts: list[Explanation] = []
    for number, (train, test) in enumerate(folds.split(features, target), start=1):
        if verbose:
            print(f"SHAP вне выборки: блок {number} из {n_splits}", file=sys.stderr)
        fold_model = clone(model).fit(features.iloc[train], target.iloc[train])
        parts.append(explain_model(fold_model, features.iloc[test], random_state=random_state))

    order = features.index
    base_value = pd.concat(
        [pd.Series(part.base_value, index=part.values.index) for part in parts]
    ).loc[order].rename("base_value")
    settings = dict(parts[0].settings)
    settings.update(
        {
            "out_of_fold": True,
            "n_splits": n_splits,
            "fast_svm": bool(np.all([part.settings.get("fast_svm", False) for part in parts])),
            "seconds": round(time.perf_counter() - started, 2),
        }
    )
    return Explanation(
        values=pd.concat([part.values for part in parts]).loc[order],
        base_value=base_value,
        feature_values=features.copy(),
        output=pd.concat([part.output for part in parts]).loc[order],
        settings=settings,
    )
