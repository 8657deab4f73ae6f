"""Differences between a group of customers and the others, feature by feature."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.features import FEATURE_LABELS
from analysis.segments import Segments

PROMO_FEATURE = "Акционные_покупки"
# The share of promo purchases is bimodal in the store's data: most customers
# buy up to about 0.4 on promo, a separate group buys 0.9 and more.
DEFAULT_PROMO_THRESHOLD = 0.5


def focus_groups(
    segments: Segments, features: pd.DataFrame, *, promo_threshold: float = DEFAULT_PROMO_THRESHOLD
) -> dict[str, pd.Series]:
    """Return the groups the report describes, as boolean Series by ``id``.

    «Ценные под угрозой» is the cell of high profit and high risk; «Зависят от
    акций» are customers at risk (probability at least the lowest risk
    threshold) whose share of promo purchases is at least ``promo_threshold``.
    """
    assignment = segments.assignment
    top_profit = assignment["profit_segment"].cat.categories[-1]
    top_risk = assignment["risk_band"].cat.categories[-1]
    valuable = (assignment["profit_segment"] == top_profit) & (assignment["risk_band"] == top_risk)
    at_risk = assignment["proba"] >= segments.risk_thresholds[0]
    promo = features[PROMO_FEATURE].reindex(assignment.index) >= promo_threshold
    return {"Ценные под угрозой": valuable, "Зависят от акций": at_risk & promo}


def profile_group(features: pd.DataFrame, in_group: pd.Series) -> pd.DataFrame:
    """Compare a group with all other customers on every numeric feature.

    Returns one row per feature, sorted by the absolute standardised
    difference. Columns: «Признак» (Russian label), «В группе» and
    «У остальных» (means), «Разница» (group minus others) and «Разница в
    стандартных отклонениях» (difference divided by the feature's standard
    deviation over all customers; 0 for a constant feature).
    """
    in_group = in_group.reindex(features.index, fill_value=False).astype(bool)
    numeric = features.select_dtypes("number")
    group_mean = numeric[in_group].mean()
    other_mean = numeric[~in_group].mean()
    spread = numeric.std().replace(0, np.nan)
    difference = group_mean - other_mean
    table = pd.DataFrame(
        {
            "Признак": [FEATURE_LABELS.get(c, c) for c in numeric.columns],
            "В группе": group_mean.to_numpy(),
            "У остальных": other_mean.to_numpy(),
            "Разница": difference.to_numpy(),
            "Разница в стандартных отклонениях": (difference / spread).fillna(0).to_numpy(),
        },
        index=pd.Index(numeric.columns, name="feature"),
    )
    return table.reindex(table["Разница в стандартных отклонениях"].abs().sort_values(ascending=False).index)
