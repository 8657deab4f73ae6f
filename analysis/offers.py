"""Offers for customers at risk: up to two per customer, triggered by their own SHAP drivers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.explain import Explanation
from analysis.features import FEATURE_LABELS
from analysis.offer_rules import MESSAGING_CHANNELS, OFFER_RULES, OfferRule, rules_table
from analysis.segments import Segments

CONSENT_COLUMN = "Разрешить сообщать"
CONSENT_YES = "да"
CATEGORY_COLUMN = "Популярная_категория"
SERVICE_COLUMN = "Тип сервиса"

PROBA = "Вероятность снижения"
PROFIT = "Прибыль"
EXPECTED_LOSS = "Ожидаемая прибыль под угрозой"
REASONS = "Причины"

# Defaults of `build_offers`; the report's text quotes them.
DEFAULT_N_DRIVERS = 3
DEFAULT_MAX_OFFERS = 2


def offer_columns(slot: int) -> dict[str, str]:
    """Return the export column names of offer number ``slot`` (1-based)."""
    return {
        "offer": f"Предложение {slot}",
        "channel": f"Канал {slot}",
        "text": f"Текст предложения {slot}",
        "reason": f"Причина предложения {slot}",
        "feature": f"Признак предложения {slot}",
    }


def assigned_offers(offers: pd.DataFrame, max_offers: int = DEFAULT_MAX_OFFERS) -> pd.DataFrame:
    """Return one row per offer given, with ``id``, «Предложение» and «Канал», from the offers list."""
    slots = [
        offers[["id", offer_columns(slot)["offer"], offer_columns(slot)["channel"]]].set_axis(
            ["id", "Предложение", "Канал"], axis=1
        )
        for slot in range(1, max_offers + 1)
    ]
    assigned = pd.concat(slots, ignore_index=True)
    return assigned[assigned["Предложение"] != ""].reset_index(drop=True)


def at_risk_ids(proba: pd.Series, segments: Segments) -> pd.Index:
    """Return the ids whose probability reaches the lowest risk threshold of ``segments``."""
    return proba.index[proba.to_numpy() >= segments.risk_thresholds[0]]


def count_without_offer(proba: pd.Series, segments: Segments, offers: pd.DataFrame) -> int:
    """Count the customers at risk who are not in the offers list.

    Without a budget these are the customers none of whose top drivers fired
    an offer rule (or who have no SHAP values). With a budget the count also
    includes the customers cut by it.
    """
    return int((~at_risk_ids(proba, segments).isin(offers["id"])).sum())


def _side_ok(feature_values: pd.DataFrame, reference: pd.DataFrame, rules: pd.DataFrame) -> np.ndarray:
    """Return (customers, rules): whether each customer's value is on the rule's side of the median."""
    result = np.zeros((len(feature_values), len(rules)), dtype=bool)
    for r, rule in enumerate(rules.itertuples()):
        if rule.feature not in feature_values.columns:
            continue
        median = reference[rule.feature].median()
        value = feature_values[rule.feature].to_numpy(dtype=float)
        result[:, r] = value > median if rule.side == "high" else value < median
    return result


def _choose_offers(
    shap: np.ndarray,
    driver: np.ndarray,
    side_ok: np.ndarray,
    consent: np.ndarray,
    rules: pd.DataFrame,
    feature_pos: np.ndarray,
    max_offers: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Pick up to ``max_offers`` distinct offers per customer, strongest trigger first.

    Returns the chosen rule row per (customer, slot), -1 where there is none,
    and the trigger's SHAP value.
    """
    n = shap.shape[0]
    known = feature_pos >= 0
    safe_pos = np.where(known, feature_pos, 0)
    messaging = rules["channel"].isin(MESSAGING_CHANNELS).to_numpy()
    eligible = driver[:, safe_pos] & side_ok & known & (consent[:, None] | ~messaging)
    score = np.where(eligible, shap[:, safe_pos], -np.inf)

    offers = rules["offer"].unique()
    best_rule = np.empty((n, len(offers)), dtype=int)
    best_score = np.empty((n, len(offers)))
    for k, offer in enumerate(offers):
        rows = np.flatnonzero(rules["offer"].to_numpy() == offer)
        # argmax keeps the first of equal scores, so a messaging row declared
        # before the on-site row of the same feature wins for consenting customers.
        pick = np.argmax(score[:, rows], axis=1)
        best_rule[:, k] = rows[pick]
        best_score[:, k] = score[np.arange(n), rows[pick]]

    slots = min(max_offers, len(offers))
    order = np.argsort(-best_score, axis=1, kind="stable")[:, :slots]
    chosen_score = np.take_along_axis(best_score, order, axis=1)
    chosen_rule = np.where(np.isfinite(chosen_score), np.take_along_axis(best_rule, order, axis=1), -1)
    return chosen_rule, chosen_score


def build_offers(
    proba: pd.Series,
    profit: pd.Series,
    customers: pd.DataFrame,
    explanation: Explanation,
    segments: Segments,
    *,
    budget: int | None = None,
    n_drivers: int = DEFAULT_N_DRIVERS,
    max_offers: int = DEFAULT_MAX_OFFERS,
    rules: tuple[OfferRule, ...] = OFFER_RULES,
) -> pd.DataFrame:
    """Build the ranked list of customers at risk with up to two offers each.

    A customer is at risk when the probability reaches the lowest risk
    threshold of ``segments`` (bands «средний» and «высокий» by default). An
    offer is triggered only by a feature that is among the customer's
    ``n_drivers`` largest absolute SHAP values and raises the risk (see
    `analysis.offer_rules`). Customers without consent to messages get
    on-site offers only. Customers at risk with no triggered offer are left
    out (`count_without_offer` counts them). The list is sorted by expected profit at stake (probability ×
    profit), then by ``id``, and cut to ``budget`` customers.

    Vectorised over all customers; the reason phrases are built only for the
    customers kept.

    Parameters
    ----------
    proba
        Out-of-fold probability of decline by ``id``.
    profit
        Monthly profit by ``id``.
    customers
        Cleaned market_file rows by ``id`` with «Разрешить сообщать»
        (only «да» counts as consent), «Популярная_категория» and «Тип сервиса».
    explanation
        SHAP values of the customers; customers it does not cover get no offer.
    segments
        Segments of the same customers.
    budget
        How many customers the store can treat; None keeps all.
    n_drivers
        Top drivers per customer that may trigger offers and are shown as reasons.
    max_offers
        Offers per customer.
    rules
        Rules table.

    Returns
    -------
    pandas.DataFrame
        One row per customer, columns ``id``, «Место», «Вероятность снижения»,
        «Прибыль», «Ожидаемая прибыль под угрозой», «Сегмент», «Согласие на
        сообщения», «Популярная категория», «Тип сервиса», «Причины», then
        for each offer slot the columns of `offer_columns` (empty when the
        customer has fewer offers). «Признак предложения» contains the feature's
        Russian label from `FEATURE_LABELS`, not the column name.
    """
    if budget is not None and budget < 0:
        raise ValueError(f"budget must be a non-negative number of customers, got {budget}")
    missing = {CONSENT_COLUMN, CATEGORY_COLUMN, SERVICE_COLUMN} - set(customers.columns)
    if missing:
        raise KeyError(f"customers table has no columns {sorted(missing)}")

    at_risk = at_risk_ids(proba, segments).intersection(explanation.values.index)
    expected_loss = proba.loc[at_risk] * profit.reindex(at_risk)
    ranked = (
        pd.DataFrame({"id": at_risk, "loss": expected_loss.to_numpy()})
        .sort_values(["loss", "id"], ascending=[False, True], kind="stable")["id"]
    )
    ranked = pd.Index(ranked)

    table = rules_table(rules)
    shap_frame = explanation.values.loc[ranked]
    shap = shap_frame.to_numpy(dtype=float)
    top = np.argsort(-np.abs(shap), axis=1, kind="stable")[:, :n_drivers]
    driver = np.zeros_like(shap, dtype=bool)
    np.put_along_axis(driver, top, True, axis=1)
    driver &= shap > 0

    consent = (customers[CONSENT_COLUMN].reindex(ranked).astype(str).str.strip().str.lower() == CONSENT_YES).to_numpy()
    side_ok = _side_ok(explanation.feature_values.loc[ranked], explanation.feature_values, table)
    feature_pos = shap_frame.columns.get_indexer(table["feature"])
    chosen, _ = _choose_offers(shap, driver, side_ok, consent, table, feature_pos, max_offers)

    keep = chosen[:, 0] >= 0
    if budget is not None:
        keep &= np.cumsum(keep) <= budget
    selected = ranked[keep]
    chosen = chosen[keep]
    return _offer_table(selected, chosen, table, proba, profit, customers, explanation, segments, n_drivers)


def _offer_table(
    selected: pd.Index,
    chosen: np.ndarray,
    table: pd.DataFrame,
    proba: pd.Series,
    profit: pd.Series,
    customers: pd.DataFrame,
    explanation: Explanation,
    segments: Segments,
    n_drivers: int,
) -> pd.DataFrame:
    reasons = explanation.top_reasons(n_drivers, ids=selected)
    joined = reasons.groupby("id", sort=False)["reason"].agg("; ".join).reindex(selected)
    consent = customers[CONSENT_COLUMN].reindex(selected).astype(str).str.strip().str.lower() == CONSENT_YES

    result = pd.DataFrame(
        {
            "id": selected.to_numpy(),
            "Место": np.arange(1, len(selected) + 1),
            PROBA: proba.reindex(selected).to_numpy(dtype=float),
            PROFIT: profit.reindex(selected).to_numpy(dtype=float),
        }
    )
    result[EXPECTED_LOSS] = result[PROBA] * result[PROFIT]
    result["Сегмент"] = segments.assignment["segment"].reindex(selected).astype(str).to_numpy()
    result["Согласие на сообщения"] = np.where(consent.to_numpy(), "да", "нет")
    result["Популярная категория"] = customers[CATEGORY_COLUMN].reindex(selected).to_numpy()
    result["Тип сервиса"] = customers[SERVICE_COLUMN].reindex(selected).to_numpy()
    result[REASONS] = joined.to_numpy()

    reason_by_feature = reasons.set_index(["id", "feature"])["reason"]
    for slot in range(chosen.shape[1]):
        names = offer_columns(slot + 1)
        rule_rows = chosen[:, slot]
        has = rule_rows >= 0
        picked = table.iloc[np.where(has, rule_rows, 0)].reset_index(drop=True)
        feature = picked["feature"].where(has, None)
        result[names["offer"]] = picked["offer"].where(has, "")
        result[names["channel"]] = picked["channel"].where(has, "")
        result[names["text"]] = picked["text"].where(has, "")
        keys = pd.MultiIndex.from_arrays([result["id"], feature.fillna("")])
        result[names["reason"]] = reason_by_feature.reindex(keys).fillna("").to_numpy()
        labels = picked["feature"].map(lambda name: FEATURE_LABELS.get(name, name))
        result[names["feature"]] = np.where(has, labels, "")
    return result
