"""Plain-Russian phrases for SHAP drivers: what the value is, the value, and its effect on risk.

Example: «высокая доля покупок по акции, 0,93, повышает риск».
A numeric value is called low, usual or high by the terciles of that feature
over all explained customers. A change feature is described by its sign.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

RAISES_RISK = "повышает риск"
LOWERS_RISK = "снижает риск"


@dataclass(frozen=True)
class LevelPhrase:
    """Phrases for a numeric feature with a value below, between and above its terciles."""

    low: str
    middle: str
    high: str
    unit: str = ""


@dataclass(frozen=True)
class ChangePhrase:
    """Phrases for a change (current minus previous month) that fell, stayed or grew."""

    fell: str
    same: str
    grew: str
    unit: str = ""


@dataclass(frozen=True)
class CategoryPhrase:
    """Phrase template for a categorical feature; ``{value}`` is the customer's label."""

    template: str


REASON_PHRASES: dict[str, LevelPhrase | ChangePhrase | CategoryPhrase] = {
    "Тип сервиса": CategoryPhrase("тип сервиса «{value}»"),
    "Разрешить сообщать": CategoryPhrase("согласие на сообщения: «{value}»"),
    "Популярная_категория": CategoryPhrase("популярная категория «{value}»"),
    "Маркет_актив_6_мес": LevelPhrase(
        "мало маркетинговых контактов в последние полгода",
        "обычное число маркетинговых контактов в последние полгода",
        "много маркетинговых контактов в последние полгода",
        "в месяц",
    ),
    "Маркет_актив_тек_мес": LevelPhrase(
        "мало маркетинговых контактов в текущем месяце",
        "обычное число маркетинговых контактов в текущем месяце",
        "много маркетинговых контактов в текущем месяце",
    ),
    "Длительность": LevelPhrase(
        "недавняя регистрация", "средний срок с регистрации", "давняя регистрация", "дн."
    ),
    "Акционные_покупки": LevelPhrase(
        "низкая доля покупок по акции",
        "обычная доля покупок по акции",
        "высокая доля покупок по акции",
    ),
    "Средний_просмотр_категорий_за_визит": LevelPhrase(
        "мало категорий за визит", "обычное число категорий за визит", "много категорий за визит"
    ),
    "Неоплаченные_продукты_штук_квартал": LevelPhrase(
        "мало неоплаченных товаров в корзине за квартал",
        "обычное число неоплаченных товаров в корзине за квартал",
        "много неоплаченных товаров в корзине за квартал",
        "шт.",
    ),
    "Ошибка_сервиса": LevelPhrase(
        "мало сбоев сервиса", "обычное число сбоев сервиса", "много сбоев сервиса"
    ),
    "Страниц_за_визит": LevelPhrase(
        "мало страниц за визит", "обычное число страниц за визит", "много страниц за визит"
    ),
    "Выручка_текущий_месяц": LevelPhrase(
        "низкая выручка в текущем месяце",
        "обычная выручка в текущем месяце",
        "высокая выручка в текущем месяце",
    ),
    "Выручка_предыдущий_месяц": LevelPhrase(
        "низкая выручка в прошлом месяце",
        "обычная выручка в прошлом месяце",
        "высокая выручка в прошлом месяце",
    ),
    "Выручка_препредыдущий_месяц": LevelPhrase(
        "низкая выручка два месяца назад",
        "обычная выручка два месяца назад",
        "высокая выручка два месяца назад",
    ),
    "минут_текущий_месяц": LevelPhrase(
        "мало времени на сайте в текущем месяце",
        "обычное время на сайте в текущем месяце",
        "много времени на сайте в текущем месяце",
        "мин",
    ),
    "минут_предыдущий_месяц": LevelPhrase(
        "мало времени на сайте в прошлом месяце",
        "обычное время на сайте в прошлом месяце",
        "много времени на сайте в прошлом месяце",
        "мин",
    ),
    "Выручка_изменение": ChangePhrase(
        "выручка снизилась к прошлому месяцу",
        "выручка не изменилась к прошлому месяцу",
        "выручка выросла к прошлому месяцу",
    ),
    "минут_изменение": ChangePhrase(
        "время на сайте сократилось к прошлому месяцу",
        "время на сайте не изменилось к прошлому месяцу",
        "время на сайте выросло к прошлому месяцу",
        "мин",
    ),
}


def format_number_ru(values: pd.Series | np.ndarray) -> pd.Series:
    """Format numbers the Russian way: decimal comma, no-break space between thousands, at most 2 decimals.

    Whole numbers have no decimals: 5 → «5», 0.934 → «0,93», -1520.5 → «−1 520,5».
    """
    numbers = pd.Series(np.asarray(values, dtype=float))
    rounded = numbers.round(2)
    text = rounded.map(lambda x: f"{x:,.2f}".rstrip("0").rstrip(".") if np.isfinite(x) else "нет данных")
    return (
        text.str.replace(",", "\u00a0", regex=False)
        .str.replace(".", ",", regex=False)
        .str.replace("-", "\u2212", regex=False)
    )


def _fallback_phrase(feature: str, numeric: bool) -> LevelPhrase | CategoryPhrase:
    """Phrase for a feature missing from REASON_PHRASES, built from its label."""
    try:
        from analysis.features import FEATURE_LABELS
    except ImportError:
        FEATURE_LABELS = {}
    label = str(FEATURE_LABELS.get(feature, feature))
    label = label[:1].lower() + label[1:]
    if not numeric:
        return CategoryPhrase(f"{label}: «{{value}}»")
    return LevelPhrase(f"{label}: низкое значение", f"{label}: обычное значение", f"{label}: высокое значение")


def _with_unit(numbers: pd.Series, unit: str) -> pd.Series:
    return numbers + ("\u00a0" + unit if unit else "")


def describe_reasons(
    features: pd.Series,
    values: pd.Series,
    shap_values: pd.Series,
    reference: pd.DataFrame,
) -> np.ndarray:
    """Describe drivers as Russian phrases, vectorised over rows.

    Parameters
    ----------
    features
        Feature name of each driver.
    values
        The customer's raw value of that feature.
    shap_values
        SHAP value of the driver; positive raises the risk.
    reference
        Raw features of all explained customers; the terciles of each numeric
        column decide whether a value is called low, usual or high.

    Returns
    -------
    numpy.ndarray
        One phrase per row, e.g. «высокая доля покупок по акции, 0,93, повышает
        риск» or «популярная категория «Товары для детей», снижает риск». Labels
        from the data are inserted as they are, so callers escape them for HTML.
    """
    features = pd.Series(np.asarray(features, dtype=object))
    values = pd.Series(np.asarray(values, dtype=object))
    direction = np.where(np.asarray(shap_values, dtype=float) > 0, RAISES_RISK, LOWERS_RISK)
    result = np.empty(len(features), dtype=object)

    for feature in features.unique():
        rows = np.flatnonzero(features.to_numpy() == feature)
        column = reference[feature]
        numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
        phrase = REASON_PHRASES.get(feature) or _fallback_phrase(feature, numeric)
        if isinstance(phrase, LevelPhrase | ChangePhrase) and not numeric:
            phrase = _fallback_phrase(feature, numeric=False)
        value = values.iloc[rows]

        if isinstance(phrase, CategoryPhrase):
            head, tail = phrase.template.split("{value}", 1)
            text = head + value.astype(str) + tail
        else:
            number = value.astype(float).to_numpy()
            if isinstance(phrase, ChangePhrase):
                text = pd.Series(np.select([number < 0, number > 0], [phrase.fell, phrase.grew], phrase.same))
            else:
                low, high = column.quantile([1 / 3, 2 / 3]).to_numpy()
                # Ties with a tercile count as low or high, so that a feature with
                # few distinct values still has low and high customers.
                text = pd.Series(np.select([number <= low, number >= high], [phrase.low, phrase.high], phrase.middle))
            text = text + ", " + _with_unit(format_number_ru(number), phrase.unit)
        result[rows] = (text.reset_index(drop=True) + ", " + pd.Series(direction[rows])).to_numpy()
    return result
