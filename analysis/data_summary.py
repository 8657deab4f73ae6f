"""Per-file summary of a data folder for the data chapter and the summary page."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis import config
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
