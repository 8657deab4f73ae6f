"""Altair chart of the segment matrix: profit segments by risk bands."""

from __future__ import annotations

import altair as alt

from analysis.segments import COLUMNS, PROFIT_LABELS, RISK_LABELS, Segments


def segment_matrix_chart(segments: Segments) -> alt.LayerChart:
    """Heat map of the expected monthly profit at stake in each cell, with the cell's customers.

    Darker cells lose more profit if their customers' activity declines; the
    label of a cell shows the profit at stake and, below it, the customers.
    """
    profit, risk = COLUMNS["profit_segment"], COLUMNS["risk_band"]
    stake, customers = COLUMNS["expected_loss"], COLUMNS["customers"]
    matrix = segments.matrix.copy()
    matrix[profit] = matrix[profit].astype(str)
    matrix[risk] = matrix[risk].astype(str)

    base = alt.Chart(matrix).encode(
        x=alt.X(f"{risk}:N", sort=list(RISK_LABELS), title="группа риска", axis=alt.Axis(labelAngle=0)),
        y=alt.Y(f"{profit}:N", sort=list(reversed(PROFIT_LABELS)), title="сегмент прибыли"),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            f"{stake}:Q", scale=alt.Scale(scheme="oranges"), title="под угрозой", legend=alt.Legend(orient="bottom")
        ),
        tooltip=[
            alt.Tooltip(f"{COLUMNS['segment']}:N"),
            alt.Tooltip(f"{customers}:Q", format=",d"),
            alt.Tooltip(f"{COLUMNS['mean_proba']}:Q", format=".2f"),
            alt.Tooltip(f"{stake}:Q", format=",.1f"),
        ],
    )
    stake_text = base.mark_text(baseline="bottom", fontSize=14, fontWeight="bold").encode(
        text=alt.Text(f"{stake}:Q", format=",.0f")
    )
    customer_text = base.mark_text(baseline="top", dy=4, fontSize=11).encode(
        text=alt.Text(f"{customers}:Q", format=",d")
    )
    return (cells + stake_text + customer_text).properties(width="container", height=220)
