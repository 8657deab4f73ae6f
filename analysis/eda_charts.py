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
            x=alt.X("Клиентов:Q", title="клиентов"),
            y=alt.Y("Активность:N", title=None),
            color=alt.Color("Активность:N", scale=CLASS_COLORS, legend=None),
            tooltip=["Активность", alt.Tooltip("Клиентов:Q", format=",d")],
        )
        .properties(width="container", height=90)
    )


def _histograms(features: pd.DataFrame, target: pd.Series, columns: list[str], bins: int) -> pd.DataFrame:
    """Count customers per bin, feature and class; the edges are shared by both classes."""
    labels = _class_labels(target)
    rows = []
    for column in columns:
        values = features[column].to_numpy(dtype=float)
        edges = np.histogram_bin_edges(values, bins=bins)
        for label in labels.unique():
            counts, _ = np.histogram(values[(labels == label).to_numpy()], bins=edges)
            rows.append(
                pd.DataFrame(
                    {
                        "Признак": FEATURE_LABELS.get(column, column),
                        "Активность": label,
                        "от": edges[:-1],
                        "до": edges[1:],
                        "Клиентов": counts,
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def distributions_chart(
    features: pd.DataFrame, target: pd.Series, columns: list[str], bins: int = 20
) -> alt.FacetChart:
    """Histograms of numeric features, one panel per feature, the two classes overlaid.

    The counts are computed here, so the page carries a few hundred bars
    instead of every customer's values.
    """
    histograms = _histograms(features, target, columns, bins)
    return (
        alt.Chart(histograms)
        .mark_bar(opacity=0.55)
        .encode(
            x=alt.X("от:Q", title=None),
            x2="до:Q",
            y=alt.Y("Клиентов:Q", stack=None, title="клиентов"),
            color=alt.Color("Активность:N", scale=CLASS_COLORS, legend=alt.Legend(orient="top")),
            tooltip=["Признак", "Активность", "от", "до", "Клиентов"],
        )
        .properties(width=150, height=110)
        .facet(facet=alt.Facet("Признак:N", title=None), columns=2)
        .resolve_scale(x="independent", y="independent")
        .properties(title="Распределения признаков по классам")
    )


def category_share_chart(customers: pd.DataFrame, target: pd.Series, column: str) -> alt.Chart:
    """Share of customers with declining activity for each level of a categorical column."""
    frame = pd.DataFrame({"Значение": customers[column], "Снизилась": target})
    shares = frame.groupby("Значение", as_index=False).agg(
        Доля=("Снизилась", "mean"), Клиентов=("Снизилась", "size")
    )
    return (
        alt.Chart(shares, title=f"Доля снижения активности: {FEATURE_LABELS.get(column, column)}")
        .mark_bar(color="#c0392b")
        .encode(
            x=alt.X("Доля:Q", axis=alt.Axis(format="%"), title="доля клиентов со снижением"),
            y=alt.Y("Значение:N", sort="-x", title=None),
            tooltip=["Значение", alt.Tooltip("Доля:Q", format=".0%"), alt.Tooltip("Клиентов:Q", format=",d")],
        )
        .properties(width="container")
    )


def association_heatmap(associations: pd.DataFrame) -> alt.Chart:
    """Heat map of phi_K associations (0 — none, 1 — full)."""
    labels = {**FEATURE_LABELS}
    matrix = associations.rename(index=labels, columns=labels)
    order = list(matrix.columns)
    long = matrix.rename_axis("Признак 1").reset_index().melt(
        id_vars="Признак 1", var_name="Признак 2", value_name="phi_K"
    )
    return (
        alt.Chart(long, title="Связь признаков друг с другом и со снижением активности (phi_K)")
        .mark_rect()
        .encode(
            x=alt.X("Признак 2:N", sort=order, title=None, axis=alt.Axis(labelAngle=-60, labelLimit=160)),
            y=alt.Y("Признак 1:N", sort=order, title=None, axis=alt.Axis(labelLimit=200)),
            color=alt.Color("phi_K:Q", scale=alt.Scale(domain=[0, 1], scheme="blues"), title="phi_K"),
            tooltip=["Признак 1", "Признак 2", alt.Tooltip("phi_K:Q", format=".2f")],
        )
        .properties(width=420, height=420)
    )
