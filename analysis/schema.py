"""Declared columns, types, ranges and labels of the four input files, as pandera schemas.

Each file is described by a tuple of :class:`ColumnSpec`. :func:`build_schema`
turns it into a ``pandera`` schema that checks values after the numeric columns
were converted to numbers and the labels normalised (see ``analysis.aliases``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from analysis import config

MONEY_PERIODS = ("препредыдущий_месяц", "предыдущий_месяц", "текущий_месяц")
TIME_PERIODS = ("предыдущий_месяц", "текущий_месяц")
PERIOD_COLUMN = "Период"
REVENUE_COLUMN = "Выручка"
MINUTES_COLUMN = "минут"


@dataclass(frozen=True)
class ColumnSpec:
    """Declared content of one column.

    Attributes
    ----------
    name : str
        Column name exactly as in the file.
    kind : {"int", "float", "label"}
        ``"int"`` for whole numbers, ``"float"`` for any number, ``"label"`` for text.
    minimum, maximum : float or None
        Inclusive range of numbers; None for no bound.
    labels : tuple of str
        Known labels of a ``"label"`` column, spelled as after normalisation.
    closed : bool
        True when a label outside ``labels`` is an error (target, period);
        False when it is a new category, kept with a warning.
    unit : str
        Unit or meaning shown in messages, in Russian.
    """

    name: str
    kind: str
    minimum: float | None = None
    maximum: float | None = None
    labels: tuple[str, ...] = ()
    closed: bool = False
    unit: str = ""


def _count(name: str, unit: str) -> ColumnSpec:
    return ColumnSpec(name, "int", minimum=0, unit=unit)


ID_SPEC = ColumnSpec(config.ID_COLUMN, "int", minimum=0, unit="номер клиента")
TARGET_SPEC = ColumnSpec(
    config.TARGET_COLUMN,
    "label",
    labels=(config.POSITIVE_LABEL, config.NEGATIVE_LABEL),
    closed=True,
)

FILE_SPECS: dict[str, tuple[ColumnSpec, ...]] = {
    "market_file.csv": (
        ID_SPEC,
        TARGET_SPEC,
        ColumnSpec("Тип сервиса", "label", labels=("стандарт", "премиум")),
        ColumnSpec("Разрешить сообщать", "label", labels=("да", "нет")),
        ColumnSpec("Маркет_актив_6_мес", "float", minimum=0, unit="маркетинговых контактов в месяц"),
        _count("Маркет_актив_тек_мес", "маркетинговых контактов"),
        _count("Длительность", "дней с регистрации"),
        ColumnSpec("Акционные_покупки", "float", minimum=0, maximum=1, unit="доля"),
        ColumnSpec(
            "Популярная_категория",
            "label",
            labels=(
                "Товары для детей",
                "Домашний текстиль",
                "Косметика и аксессуары",
                "Техника для красоты и здоровья",
                "Мелкая бытовая техника и электроника",
                "Кухонная посуда",
            ),
        ),
        _count("Средний_просмотр_категорий_за_визит", "категорий"),
        _count("Неоплаченные_продукты_штук_квартал", "товаров"),
        _count("Ошибка_сервиса", "сбоев"),
        _count("Страниц_за_визит", "страниц"),
    ),
    "market_money.csv": (
        ID_SPEC,
        ColumnSpec(PERIOD_COLUMN, "label", labels=MONEY_PERIODS, closed=True),
        ColumnSpec(REVENUE_COLUMN, "float", minimum=0, unit="рублей"),
    ),
    "market_time.csv": (
        ID_SPEC,
        ColumnSpec(PERIOD_COLUMN, "label", labels=TIME_PERIODS, closed=True),
        _count(MINUTES_COLUMN, "минут"),
    ),
    "money.csv": (
        ID_SPEC,
        # Profit may be negative in principle, so it has no range.
        ColumnSpec(config.PROFIT_COLUMN, "float", unit="тысяч рублей"),
    ),
}

# Files with several rows per customer, one per period.
PERIOD_FILES: dict[str, tuple[str, ...]] = {
    "market_money.csv": MONEY_PERIODS,
    "market_time.csv": TIME_PERIODS,
}


def expected_text(spec: ColumnSpec) -> str:
    """Describe in Russian what values a column must contain."""
    if spec.kind == "label":
        return "одно из значений: " + ", ".join(f"«{label}»" for label in spec.labels)
    text = "целое число" if spec.kind == "int" else "число"
    if spec.minimum is not None and spec.maximum is not None:
        text += f" от {spec.minimum:g} до {spec.maximum:g}"
    elif spec.minimum is not None:
        text += f" не меньше {spec.minimum:g}"
    if spec.unit:
        text += f" ({spec.unit})"
    return text


def _is_whole(series: pd.Series) -> pd.Series:
    return series % 1 == 0


def build_schema(file: str, columns: tuple[ColumnSpec, ...]) -> pa.DataFrameSchema:
    """Build the pandera schema of one file from its declared columns.

    Parameters
    ----------
    file : str
        File name, used as the schema name.
    columns : tuple of ColumnSpec
        The columns to check; pass only those present in the frame.

    Returns
    -------
    pandera.pandas.DataFrameSchema
        A schema whose every check carries, as its ``error``, the Russian text of
        what was expected. Numeric columns must already be ``float64``; missing
        and non-numeric values are reported before this schema runs, so columns
        are nullable here. Closed labels are checked with ``isin``; open labels
        are not checked because a new category is only a warning.
    """
    pandera_columns = {}
    for spec in columns:
        checks = []
        expected = expected_text(spec)
        if spec.kind in ("int", "float"):
            if spec.minimum is not None:
                checks.append(pa.Check.ge(spec.minimum, error=expected))
            if spec.maximum is not None:
                checks.append(pa.Check.le(spec.maximum, error=expected))
            if spec.kind == "int":
                checks.append(pa.Check(_is_whole, error=expected))
            pandera_columns[spec.name] = pa.Column("float64", checks=checks, nullable=True)
        else:
            if spec.closed:
                checks.append(pa.Check.isin(spec.labels, error=expected))
            pandera_columns[spec.name] = pa.Column(checks=checks, nullable=False)

    # Rows of one customer: the id alone in market_file and money, id and period elsewhere.
    unique = [config.ID_COLUMN, PERIOD_COLUMN] if file in PERIOD_FILES else [config.ID_COLUMN]
    present = {spec.name for spec in columns}
    return pa.DataFrameSchema(
        pandera_columns,
        name=file,
        unique=unique if set(unique) <= present else None,
        report_duplicates="all",
    )

# Columns of the data-quality log, in Russian because the report shows it as is.
QUALITY_LOG_COLUMNS = ("Файл", "Столбец", "Строки", "id", "Было", "Стало", "Количество", "Действие")
