"""The declared rules table: which risk driver triggers which offer, through which channel.

A rule fires for a customer when its feature is among that customer's top
SHAP drivers, raises the risk, and the value is on the rule's side of the
median (``high``: above it, ``low``: below it). Every offer has an on-site
variant, so customers without consent to messages can get it too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

import pandas as pd

ON_SITE = "сайт"
# Channels that send a message to the customer and need consent («Разрешить сообщать» = да).
MESSAGING_CHANNELS = frozenset({"e-mail", "SMS", "push"})


@dataclass(frozen=True)
class OfferRule:
    """One row of the rules table.

    Attributes
    ----------
    offer : str
        Offer name; a customer gets each offer at most once.
    feature : str
        Driver that triggers it, a column of the features.
    side : {"high", "low"}
        The customer's value must be above (high) or below (low) the median
        of all explained customers.
    channel : str
        ``сайт`` or one of `MESSAGING_CHANNELS`.
    text : str
        Russian text of the offer for this channel.
    """

    offer: str
    feature: str
    side: Literal["high", "low"]
    channel: str
    text: str


_CART = "Напоминание о корзине"
_POINTS = "Баллы вместо скидок"
_CATEGORIES = "Подборка из других категорий"
_CONTACT = "Больше полезных сообщений"
_SHOWCASE = "Персональная витрина"
_APOLOGY = "Извинение за сбои"

OFFER_RULES: tuple[OfferRule, ...] = (
    OfferRule(_CART, "Неоплаченные_продукты_штук_квартал", "high", "e-mail",
              "Товары ждут в корзине: оформите заказ, и доставка будет бесплатной от порога корзины."),
    OfferRule(_CART, "Неоплаченные_продукты_штук_квартал", "high", ON_SITE,
              "Баннер в корзине: бесплатная доставка при заказе от порога и напоминание об отложенных товарах."),
    OfferRule(_POINTS, "Акционные_покупки", "high", "push",
              "Двойные баллы лояльности за покупки по обычной цене вместо разовых скидок."),
    OfferRule(_POINTS, "Акционные_покупки", "high", ON_SITE,
              "Личный кабинет: баллы лояльности за покупки по обычной цене вместо разовых скидок."),
    OfferRule(_CATEGORIES, "Средний_просмотр_категорий_за_визит", "low", "e-mail",
              "Подборка товаров из категорий, которые клиент ещё не смотрел."),
    OfferRule(_CATEGORIES, "Средний_просмотр_категорий_за_визит", "low", ON_SITE,
              "Блок на главной странице: товары из других категорий."),
    OfferRule(_CONTACT, "Маркет_актив_6_мес", "low", "e-mail",
              "Регулярная рассылка о новинках и скидках в любимой категории."),
    OfferRule(_CONTACT, "Маркет_актив_тек_мес", "low", "e-mail",
              "Регулярная рассылка о новинках и скидках в любимой категории."),
    OfferRule(_CONTACT, "Маркет_актив_6_мес", "low", ON_SITE,
              "Лента новинок любимой категории на главной странице."),
    OfferRule(_CONTACT, "Маркет_актив_тек_мес", "low", ON_SITE,
              "Лента новинок любимой категории на главной странице."),
    OfferRule(_SHOWCASE, "Страниц_за_визит", "low", "push",
              "Напоминание о новинках любимой категории со ссылкой на персональную витрину."),
    OfferRule(_SHOWCASE, "Страниц_за_визит", "low", ON_SITE,
              "Персональная витрина на главной странице по истории просмотров."),
    OfferRule(_SHOWCASE, "минут_текущий_месяц", "low", "push",
              "Напоминание о новинках любимой категории со ссылкой на персональную витрину."),
    OfferRule(_SHOWCASE, "минут_текущий_месяц", "low", ON_SITE,
              "Персональная витрина на главной странице по истории просмотров."),
    OfferRule(_SHOWCASE, "минут_предыдущий_месяц", "low", ON_SITE,
              "Персональная витрина на главной странице по истории просмотров."),
    OfferRule(_APOLOGY, "Ошибка_сервиса", "high", "e-mail",
              "Извинение за сбои сервиса и промокод на следующий заказ."),
    OfferRule(_APOLOGY, "Ошибка_сервиса", "high", ON_SITE,
              "Сообщение в личном кабинете: извинение за сбои и промокод на следующий заказ."),
)


def rules_table(rules: tuple[OfferRule, ...] = OFFER_RULES) -> pd.DataFrame:
    """Return the rules as a DataFrame with columns ``offer``, ``feature``, ``side``, ``channel``, ``text``."""
    table = pd.DataFrame([asdict(rule) for rule in rules])
    unknown = set(table["channel"]) - MESSAGING_CHANNELS - {ON_SITE}
    if unknown:
        raise ValueError(f"unknown channels in the offer rules: {sorted(unknown)}")
    return table
