"""Altair charts of SHAP values with Russian labels: importance, beeswarm-style strips, dependence."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from analysis.explain import Explanation
from analysis.features import FEATURE_LABELS

# Charts show SHAP values ×100, in percentage points of the probability,
# as the summary page does.
POINTS = 100
SHAP_TITLE = "Вклад в вероятность снижения, п. п."
# Few ticks, so that signed labels such as «+45» do not run into each other
# on a phone screen.
TICK_COUNT = 5
# Pixels per feature band. Heights are given in pixels, not as alt.Step:
# with width="container" a step height makes vega-lite warn that it drops "fit-y".
BAR_PX = 20
STRIP_PX = 28


def _label(feature: str) -> str:
    label = FEATURE_LABELS.get(feature, feature)
    return label[:1].upper() + label[1:]


def feature_importance(explanation: Explanation) -> pd.Series:
    """Return the mean absolute SHAP value of each feature, largest first (probability units)."""
    return explanation.values.abs().mean().sort_values(ascending=False)


def importance_chart(explanation: Explanation, top: int | None = None) -> alt.Chart:
    """Draw the mean absolute SHAP value per feature as horizontal bars."""
    importance = feature_importance(explanation)
    if top is not None:
        importance = importance.iloc[:top]
    data = pd.DataFrame(
        {"Признак": [_label(f) for f in importance.index], "Важность": POINTS * importance.to_numpy()}
    )
    return (
        alt.Chart(data, title="Средний вклад признаков")
        .mark_bar()
        .encode(
            # "~r" drops trailing zeros and keeps each tick label distinct at any scale.
            x=alt.X(
                "Важность:Q",
                title=["Средний модуль вклада,", "процентные пункты вероятности"],
                axis=alt.Axis(format="~r", tickCount=TICK_COUNT),
            ),
            y=alt.Y("Признак:N", sort=None, title=None),
            tooltip=[alt.Tooltip("Признак:N"), alt.Tooltip("Важность:Q", title="Средний вклад, п. п.", format=".1f")],
        )
        .properties(width="container", height=BAR_PX * len(data))
    )


def beeswarm_chart(
    explanation: Explanation, top: int = 10, max_customers: int = 500, random_state: int = 42
) -> alt.Chart:
    """Draw one strip of customers' SHAP values per feature, coloured by the feature's value.

    Colour is the value's percentile rank within the feature (blue low, red
    high); categorical features among the ``top``, if any, are grey. Points
    are jittered vertically.
    At most ``max_customers`` customers, drawn at random with ``random_state``,
    keep the page small.
    """
    features = feature_importance(explanation).index[:top]
    values = explanation.values[features]
    if len(values) > max_customers:
        values = values.sample(max_customers, random_state=random_state)
    raw = explanation.feature_values.loc[values.index, features]
    rng = np.random.default_rng(random_state)

    frames = []
    for feature in features:
        column = raw[feature]
        numeric = pd.api.types.is_numeric_dtype(column)
        frames.append(
            pd.DataFrame(
                {
                    "Признак": _label(feature),
                    "Вклад": POINTS * values[feature].to_numpy(),
                    "Уровень": column.rank(pct=True).to_numpy() if numeric else np.nan,
                    "Значение": column.astype(str).to_numpy(),
                    "Сдвиг": rng.uniform(-1, 1, len(column)),
                }
            )
        )
    data = pd.concat(frames, ignore_index=True)
    order = [_label(f) for f in features]
    base = alt.Chart(data, title="Вклад признаков у каждого клиента").encode(
        x=alt.X("Вклад:Q", title=SHAP_TITLE, axis=alt.Axis(format="+~r", tickCount=TICK_COUNT)),
        y=alt.Y("Признак:N", sort=order, title=None),
        yOffset=alt.YOffset("Сдвиг:Q", title=None),
        tooltip=["Признак:N", "Значение:N", alt.Tooltip("Вклад:Q", title="Вклад, п. п.", format="+.1f")],
    )
    numeric_points = base.transform_filter("isValid(datum['Уровень'])").mark_circle(size=14, opacity=0.6).encode(
        color=alt.Color(
            "Уровень:Q",
            title="Значение признака",
            scale=alt.Scale(scheme="redblue", reverse=True, domain=[0, 1]),
            legend=alt.Legend(
                values=[0, 1], labelExpr="datum.value == 0 ? 'низкое' : 'высокое'", orient="bottom"
            ),
        )
    )
    layers = [numeric_points]
    # Categories have no low or high, so their points are grey. The layer is
    # added only when there are such points: an empty layer makes vega warn
    # about an infinite extent.
    if data["Уровень"].isna().any():
        layers.append(
            base.transform_filter("!isValid(datum['Уровень'])").mark_circle(size=14, opacity=0.6, color="#888888")
        )
    return alt.layer(*layers).properties(width="container", height=STRIP_PX * len(features))


def has_categorical(explanation: Explanation, top: int = 10) -> bool:
    """Tell whether `beeswarm_chart` with this ``top`` draws any categorical feature (grey points)."""
    features = feature_importance(explanation).index[:top]
    return not all(pd.api.types.is_numeric_dtype(explanation.feature_values[f]) for f in features)


def dependence_chart(explanation: Explanation, feature: str) -> alt.Chart:
    """Draw customers' SHAP values of one feature against its value (strips for a categorical feature)."""
    column = explanation.feature_values[feature]
    data = pd.DataFrame({"Значение": column.to_numpy(), "Вклад": POINTS * explanation.values[feature].to_numpy()})
    numeric = pd.api.types.is_numeric_dtype(column)
    x_type = "Q" if numeric else "N"
    return (
        alt.Chart(data, title=f"{_label(feature)}: значение и вклад")
        .mark_circle(size=16, opacity=0.5)
        .encode(
            x=alt.X(f"Значение:{x_type}", title=_label(feature), scale=alt.Scale(zero=False) if numeric else alt.Undefined),
            y=alt.Y("Вклад:Q", title=SHAP_TITLE, axis=alt.Axis(format="+~r", tickCount=TICK_COUNT)),
            color=alt.condition("datum['Вклад'] > 0", alt.value("#c0392b"), alt.value("#2e86c1")),
            tooltip=[alt.Tooltip("Значение:" + x_type), alt.Tooltip("Вклад:Q", title="Вклад, п. п.", format="+.1f")],
        )
        .properties(width="container", height=220)
    )
