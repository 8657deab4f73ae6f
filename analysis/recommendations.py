"""Recommendations for the groups of customers that matter most, with numbers from the data."""

from __future__ import annotations

import pandas as pd

from analysis.display import escape, format_number
from analysis.offers import offer_columns
from analysis.segment_profiles import DEFAULT_PROMO_THRESHOLD, PROMO_FEATURE, focus_groups, profile_group
from analysis.segments import Segments

LOYALTY_OFFER = "Баллы вместо скидок"


def _offers_given(offers: pd.DataFrame, members: pd.Series) -> tuple[int, pd.Series]:
    """Count the group's customers in the offer list and how often each offer was given to them."""
    chosen = offers[offers["id"].isin(members[members].index)]
    names = pd.concat([chosen[offer_columns(slot)["offer"]] for slot in (1, 2)])
    return len(chosen), names[names != ""].value_counts()


def recommendations(segments: Segments, features: pd.DataFrame, offers: pd.DataFrame) -> tuple[str, ...]:
    """Return one Markdown list item per focus group (see `focus_groups`).

    Each item names the feature on which the group differs most from the
    other customers, how many of its customers are in the offer list and the
    offer given to them most often. Labels are escaped for Markdown.
    """
    groups = focus_groups(segments, features)
    valuable = profile_group(features, groups["Ценные под угрозой"])
    promo = profile_group(features, groups["Зависят от акций"])
    n_valuable, valuable_offers = _offers_given(offers, groups["Ценные под угрозой"])
    n_promo, promo_offers = _offers_given(offers, groups["Зависят от акций"])

    valuable_item = (
        f"- **Ценные под угрозой.** Сильнее всего группа отличается признаком "
        f"«{escape(valuable['Признак'].iloc[0])}»: {format_number(valuable['В группе'].iloc[0], 2)} "
        f"против {format_number(valuable['У остальных'].iloc[0], 2)} у остальных. Это главный кандидат "
        f"на удержание: в списке предложений клиентов этой группы — {format_number(n_valuable)}"
    )
    if len(valuable_offers):
        valuable_item += (
            f", чаще всего им назначено «{escape(valuable_offers.index[0])}» "
            f"(клиентов — {format_number(valuable_offers.iloc[0])})."
        )
    else:
        valuable_item += "."

    promo_item = (
        f"- **Зависят от акций.** Доля покупок по акции в группе — "
        f"{format_number(promo.loc[PROMO_FEATURE, 'В группе'], 2)} против "
        f"{format_number(promo.loc[PROMO_FEATURE, 'У остальных'], 2)} у остальных "
        f"(порог группы — {format_number(DEFAULT_PROMO_THRESHOLD, 2)}). Скидки удерживают их плохо, "
        f"поэтому им предлагаются баллы лояльности за покупки по обычной цене: в списке клиентов "
        f"группы — {format_number(n_promo)}, «{LOYALTY_OFFER}» назначено "
        f"{format_number(promo_offers.get(LOYALTY_OFFER, 0))}."
    )
    return valuable_item, promo_item
