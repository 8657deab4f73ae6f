"""Altair charts of the exploratory chapter, with Russian titles and labels."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from analysis.features import FEATURE_LABELS

CLASS_COLORS = alt.Scale(domain=["Снизилась", "Прежний уровень"], range=["#c0392b", "#2f6f9f"])


def _class_labels(target: pd.Series) -> pd.Series:
    return target.map({1: "Снизилась", 0: "Прежний уровень"}).rename("Активность")


def class_balance_chart(target: pd.Series) -> alt.Chart:
    """Bar chart of how many customers are in each class."""
    counts = _class_labels(target).value_counts().rename_axis("Активность").reset_index(name="Клиентов")
    return (
        alt.Chart(counts, title="Клиенты по покупательской активности")
        .mark_bar()
        .encode(
            x=alt.X("Клиентов:Q", title="клиентов", axis=alt.Axis(tickCount=6)),
            y=alt.Y("Активность:N", title=None),
            color=alt.Color("Активность:N", scale=CLASS_COLORS, legend=None),
            tooltip=["Активность", alt.Tooltip("Клиентов:Q", format=",d")],
        )
        .properties(width="container", height=90)
    )


# Integer features with at most this many levels get one bar per level instead of equal-width bins.
MAX_INTEGER_LEVELS = 40

# Facet panel size in pixels: two panels side by side fit the 1000 px text column,
# and on a phone the chart scrolls sideways in its container.
PANEL_WIDTH = 300
PANEL_HEIGHT = 170


def _bin_edges(values: np.ndarray, bins: int) -> np.ndarray:
    """Return histogram edges, one bin per integer level for small integer features.

    Equal-width bins over integer counts (pages per visit, service errors)
    leave empty bins between the levels and merge some levels into one bar.
    """
    low, high = values.min(), values.max()
    if np.all(values == np.round(values)) and high - low + 1 <= MAX_INTEGER_LEVELS:
        return np.arange(low - 0.5, high + 1.5)
    return np.histogram_bin_edges(values, bins=bins)


def _histograms(features: pd.DataFrame, target: pd.Series, columns: list[str], bins: int) -> pd.DataFrame:
    """Count customers per bin, feature and class, with bin edges shared by both classes.

    ``Доля`` is the bin's share of its class, so the two classes compare
    although the class sizes differ.
    """
    labels = _class_labels(target)
    rows = []
    for column in columns:
        values = features[column].to_numpy(dtype=float)
        edges = _bin_edges(values, bins)
        for label in labels.unique():
            class_values = values[(labels == label).to_numpy()]
            counts, _ = np.histogram(class_values, bins=edges)
            rows.append(
                pd.DataFrame(
                    {
                        "Признак": FEATURE_LABELS.get(column, column),
                        "Активность": label,
                        "от": edges[:-1],
                        "до": edges[1:],
                        "Клиентов": counts,
                        "Доля": counts / len(class_values),
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def distributions_chart(
    features: pd.DataFrame, target: pd.Series, columns: list[str], bins: int = 20
) -> alt.FacetChart:
    """Histograms of numeric features, one panel per feature, the two classes overlaid.

    The counts are computed here, so the page carries a few hundred bars
    instead of every customer's values. The x encoding is declared as already
    binned, so each bar spans its bin and rises from zero.
    """
    histograms = _histograms(features, target, columns, bins)
    return (
        alt.Chart(histograms)
        .mark_bar(opacity=0.55, binSpacing=0)
        .encode(
            x=alt.X("от:Q", bin="binned", title=None, axis=alt.Axis(tickCount=5)),
            x2="до:Q",
            y=alt.Y(
                "Доля:Q",
                stack=None,
                title="доля клиентов группы",
                axis=alt.Axis(format="%", tickCount=4),
            ),
            color=alt.Color(
                "Активность:N", scale=CLASS_COLORS, legend=alt.Legend(orient="top", title=None)
            ),
            tooltip=[
                "Признак",
                "Активность",
                alt.Tooltip("от:Q", format=",.4~f"),
                alt.Tooltip("до:Q", format=",.4~f"),
                alt.Tooltip("Клиентов:Q", format=",d"),
                alt.Tooltip("Доля:Q", format=".1%", title="доля группы"),
            ],
        )
        .properties(width=PANEL_WIDTH, height=PANEL_HEIGHT)
        .facet(
            facet=alt.Facet(
                "Признак:N",
                title=None,
                sort=[FEATURE_LABELS.get(column, column) for column in columns],
                header=alt.Header(labelFontSize=12, labelLimit=PANEL_WIDTH),
            ),
            columns=2,
        )
        .resolve_scale(x="independent", y="independent")
        .properties(title="Распределения признаков по группам активности")
    )


def category_share_chart(customers: pd.DataFrame, target: pd.Series, column: str) -> alt.LayerChart:
    """Share of customers with declining activity for each level of a categorical column.

    A dashed line marks the share among all customers, so a level above it
    declines more often than average.
    """
    frame = pd.DataFrame({"Значение": customers[column], "Снизилась": target})
    shares = frame.groupby("Значение", as_index=False).agg(
        Доля=("Снизилась", "mean"), Клиентов=("Снизилась", "size")
    )
    overall = pd.DataFrame({"Доля": [target.mean()]})
    share_axis = alt.Axis(format="%", tickCount=5)
    bars = (
        alt.Chart(shares)
        .mark_bar(color="#c0392b")
        .encode(
            x=alt.X("Доля:Q", axis=share_axis, title="доля клиентов со снижением"),
            y=alt.Y("Значение:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
            tooltip=[
                "Значение",
                alt.Tooltip("Доля:Q", format=".1%", title="доля со снижением"),
                alt.Tooltip("Клиентов:Q", format=",d"),
            ],
        )
    )
    average = (
        alt.Chart(overall)
        .mark_rule(color="#1f2933", strokeDash=[4, 3])
        .encode(x="Доля:Q", tooltip=[alt.Tooltip("Доля:Q", format=".1%", title="по всем клиентам")])
    )
    return (
        alt.layer(bars, average)
        .properties(
            width="container",
            # Anchored to the left edge of the whole chart, so a narrow screen does not cut the title.
            title=alt.TitleParams(
                f"Доля снижения активности: {FEATURE_LABELS.get(column, column)}", anchor="start", frame="bounds"
            ),
        )
    )


ASSOCIATION_TITLE = "сила связи (phi_K, от 0 до 1)"


def association_heatmap(associations: pd.DataFrame) -> alt.Chart:
    """Heat map of phi_K associations (0 — none, 1 — full)."""
    labels = {**FEATURE_LABELS}
    matrix = associations.rename(index=labels, columns=labels)
    order = list(matrix.columns)
    long = matrix.rename_axis("Признак 1").reset_index().melt(
        id_vars="Признак 1", var_name="Признак 2", value_name="Сила связи"
    )
    return (
        alt.Chart(long, title=f"Связь признаков друг с другом и со снижением активности: {ASSOCIATION_TITLE}")
        .mark_rect()
        .encode(
            x=alt.X("Признак 2:N", sort=order, title=None, axis=alt.Axis(labelAngle=-60, labelLimit=260)),
            y=alt.Y("Признак 1:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color(
                "Сила связи:Q",
                scale=alt.Scale(domain=[0, 1], scheme="blues"),
                title=["сила связи", "(phi_K)"],
                legend=alt.Legend(format=",.1f"),
            ),
            tooltip=["Признак 1", "Признак 2", alt.Tooltip("Сила связи:Q", format=",.2f")],
        )
        .properties(width=420, height=420)
    )
