"""Per-file summary of a data folder and the quality log as the data chapter shows them."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis import config
from analysis.display import format_number
from analysis.features import FEATURE_LABELS
from analysis.reading import read_table


def summarise_files(data_dir: Path) -> pd.DataFrame:
    """Return, per input file, its rows, distinct customers and detected format.

    The files are read again, without cleaning, so the counts are those of the
    files as delivered.
    """
    rows = []
    for name in config.DATA_FILES:
        table = read_table(Path(data_dir) / name)
        rows.append(
            {
                "Файл": name,
                "Строк": len(table.frame),
                "Клиентов": table.frame[config.ID_COLUMN].nunique(),
                "Формат": table.format.describe(),
            }
        )
    return pd.DataFrame(rows)


QUALITY_LOG_COLUMNS = ["Файл", "Столбец", "Строки", "Было", "Стало", "Количество", "Действие"]

# A value of the quality log that is a plain decimal number, such as «106862.2» or «0».
_NUMBER = re.compile(r"-?\d+(?:\.(\d+))?")


def format_log_value(value: object) -> str:
    """Format a Было/Стало value of the quality log for the page.

    The log stores values as text. A number keeps the decimals it was logged
    with but gets Russian marks, so «106862.2» becomes «106 862,2». A label
    such as «стандартт» is returned unchanged.
    """
    text = "" if pd.isna(value) else str(value)
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        return text
    decimals = len(match.group(1) or "")
    return format_number(float(text), decimals)


def quality_log_for_page(log: pd.DataFrame) -> pd.DataFrame:
    """Return the quality log's shown columns, with Russian feature labels and numbers.

    ``Столбец`` gets the label of :data:`analysis.features.FEATURE_LABELS`
    when the column is a model feature. File columns such as ``Выручка`` keep their name.
    """
    table = log[QUALITY_LOG_COLUMNS].copy()
    table["Столбец"] = table["Столбец"].map(lambda name: FEATURE_LABELS.get(name, name))
    for column in ("Было", "Стало"):
        table[column] = table[column].map(format_log_value)
    table["Количество"] = table["Количество"].astype("int64")
    return table
