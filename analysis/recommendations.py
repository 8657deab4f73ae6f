"""Recommendations for the groups of customers that matter most, with numbers from the data."""

from __future__ import annotations

import pandas as pd

from analysis.display import escape, format_number, plural
from analysis.offers import assigned_offers
from analysis.segment_profiles import DEFAULT_PROMO_THRESHOLD, PROMO_FEATURE, focus_groups, profile_group
from analysis.segments import Segments

VALUABLE_GROUP = "Ценные под угрозой"
PROMO_GROUP = "Зависят от акций"
LOYALTY_OFFER = "Баллы вместо скидок"


def customers_phrase(count: int) -> str:
    """Return «1 клиент», «463 клиента», «1 297 клиентов»: the count with the agreeing noun."""
    return f"{format_number(count)} {plural(count, 'клиент', 'клиента', 'клиентов')}"


def _dative_customers(count: int) -> str:
    """Return «1 клиенту», «12 клиентам»: the count after «назначено»."""
    return f"{format_number(count)} {plural(count, 'клиенту', 'клиентам', 'клиентам')}"


def _count_offers(offers: pd.DataFrame, members: pd.Series) -> tuple[int, pd.Series]:
    """Count the group's customers in the offer list and how often each offer was given to them."""
    chosen = offers[offers["id"].isin(members[members].index)]
    return len(chosen), assigned_offers(chosen)["Предложение"].value_counts()


def _in_list_phrase(count: int) -> str:
    if count == 0:
        return "в списке предложений клиентов этой группы нет"
    return f"в списке предложений {customers_phrase(count)} этой группы"


def _valuable_item(features: pd.DataFrame, members: pd.Series, offers: pd.DataFrame) -> str:
    title = f"- **{VALUABLE_GROUP}.** "
    if not members.any():
        return title + "В этой группе (высокая прибыль и высокий риск) нет ни одного клиента."

    profile = profile_group(features, members)
    n_listed, offer_counts = _count_offers(offers, members)
    item = (
        f"{title}В группе {customers_phrase(int(members.sum()))}. Сильнее всего группа отличается признаком "
        f"«{escape(profile['Признак'].iloc[0])}»: {format_number(profile['В группе'].iloc[0], 2)} "
        f"против {format_number(profile['У остальных'].iloc[0], 2)} у остальных. Это главный кандидат "
        f"на удержание: {_in_list_phrase(n_listed)}"
    )
    if len(offer_counts):
        count = int(offer_counts.iloc[0])
        item += f", чаще всего назначено «{escape(offer_counts.index[0])}» ({customers_phrase(count)})."
    else:
        item += "."
    return item


def _promo_item(segments: Segments, features: pd.DataFrame, members: pd.Series, offers: pd.DataFrame) -> str:
    title = f"- **{PROMO_GROUP}.** "
    threshold = format_number(DEFAULT_PROMO_THRESHOLD, 2)
    if not members.any():
        return (
            f"{title}Среди клиентов с вероятностью снижения от {format_number(segments.risk_thresholds[0], 2)} "
            f"нет ни одного с долей покупок по акции от {threshold}, поэтому эта группа пуста."
        )

    profile = profile_group(features, members)
    n_listed, offer_counts = _count_offers(offers, members)
    loyalty = int(offer_counts.get(LOYALTY_OFFER, 0))
    mean_proba = segments.assignment.loc[members[members].index, "proba"].mean()
    return (
        f"{title}В группе {customers_phrase(int(members.sum()))}. Доля покупок по акции в группе — "
        f"{format_number(profile.loc[PROMO_FEATURE, 'В группе'], 2)} против "
        f"{format_number(profile.loc[PROMO_FEATURE, 'У остальных'], 2)} у остальных "
        f"(порог группы — {threshold}). Скидки они и так получают часто, а средняя вероятность снижения "
        f"в группе — {format_number(mean_proba, 2)}, поэтому им предлагаются баллы лояльности за покупки "
        f"по обычной цене, а не новые скидки. Помогут ли баллы, покажет только эксперимент "
        f"с контрольной группой: {_in_list_phrase(n_listed)}, «{LOYALTY_OFFER}» назначено "
        f"{_dative_customers(loyalty)}."
    )


def recommendations(segments: Segments, features: pd.DataFrame, offers: pd.DataFrame) -> tuple[str, ...]:
    """Return one Markdown list item per focus group (see `focus_groups`).

    Each item names the group's size, the feature on which the group differs
    most from the other customers, how many of its customers are in the offer
    list and the offer given to them most often. An empty group gets a
    sentence saying so instead of numbers. Labels are escaped for Markdown.
    """
    groups = focus_groups(segments, features)
    return (
        _valuable_item(features, groups[VALUABLE_GROUP], offers),
        _promo_item(segments, features, groups[PROMO_GROUP], offers),
    )
