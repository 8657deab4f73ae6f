"""Tests of the recommendations text for the focus groups."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.offers import offer_columns
from analysis.recommendations import LOYALTY_OFFER, customers_phrase, recommendations
from analysis.segment_profiles import PROMO_FEATURE
from analysis.segments import build_segments

N_CUSTOMERS = 30


def _inputs(proba_values: np.ndarray, listed: int):
    """Build segments, features and an offers list whose first ``listed`` at-risk customers get the loyalty offer."""
    index = pd.Index(np.arange(1, N_CUSTOMERS + 1), name="id")
    proba = pd.Series(proba_values, index=index)
    profit = pd.Series(np.linspace(1.0, 10.0, N_CUSTOMERS), index=index)
    promo = np.where(np.arange(N_CUSTOMERS) % 2 == 0, 0.95, 0.2)
    features = pd.DataFrame(
        {PROMO_FEATURE: promo, "Страниц_за_визит": np.arange(N_CUSTOMERS, dtype=float)}, index=index
    )
    segments = build_segments(proba, profit)
    chosen = proba.index[proba >= segments.risk_thresholds[0]][:listed]
    offers = pd.DataFrame({"id": chosen})
    for slot in (1, 2):
        names = offer_columns(slot)
        offers[names["offer"]] = LOYALTY_OFFER if slot == 1 else ""
        offers[names["channel"]] = "сайт" if slot == 1 else ""
    return segments, features, offers


@pytest.mark.parametrize(
    ("proba_values", "listed", "expected"),
    [
        (np.full(N_CUSTOMERS, 0.1), 0, ("нет ни одного клиента", "эта группа пуста")),
        (np.full(N_CUSTOMERS, 0.9), 23, ("В группе 10 клиентов", "в списке предложений 3 клиента", "назначено 12 клиентам")),
    ],
    ids=["empty groups", "normal groups"],
)
def test_recommendations_group_sentences(proba_values, listed, expected):
    items = recommendations(*_inputs(proba_values, listed))
    text = "\n".join(items)
    assert len(items) == 2
    assert "nan" not in text
    for phrase in expected:
        assert phrase in text


def test_recommendations_avoid_causal_claim():
    text = "\n".join(recommendations(*_inputs(np.full(N_CUSTOMERS, 0.9), 5)))
    assert "удерживают" not in text
    assert "эксперимент" in text


@pytest.mark.parametrize(
    ("count", "expected"),
    [(1, "1 клиент"), (3, "3 клиента"), (11, "11 клиентов"), (463, "463 клиента"), (1297, "1\u00a0297 клиентов")],
)
def test_customers_phrase_agrees_with_count(count, expected):
    assert customers_phrase(count) == expected
