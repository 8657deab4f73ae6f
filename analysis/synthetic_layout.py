"""File layout of the store's data folder, shared by the synthetic-data fit and writer.

The formats are those of the real files in ``data/``: UTF-8 without BOM, CRLF
line endings, ``,`` as separator in the three ``market_*`` files and ``;`` with
a decimal comma in ``money.csv``.
"""

from __future__ import annotations

from dataclasses import dataclass

from analysis import config
from analysis.aliases import LABEL_ALIASES


@dataclass(frozen=True)
class CsvFormat:
    """Separator and decimal mark of one CSV file."""

    sep: str
    decimal: str


ENCODING = "utf-8"
LINE_TERMINATOR = "\r\n"

MARKET_FILE = "market_file.csv"
MARKET_MONEY = "market_money.csv"
MARKET_TIME = "market_time.csv"
MONEY = "money.csv"

FILE_FORMATS = {
    MARKET_FILE: CsvFormat(sep=",", decimal="."),
    MARKET_MONEY: CsvFormat(sep=",", decimal="."),
    MARKET_TIME: CsvFormat(sep=",", decimal="."),
    MONEY: CsvFormat(sep=";", decimal=","),
}

PERIOD_COLUMN = "Период"
REVENUE_COLUMN = "Выручка"
MINUTES_COLUMN = "минут"

# Periods in the order the synthetic files list them for each customer.
REVENUE_PERIODS = ("препредыдущий_месяц", "предыдущий_месяц", "текущий_месяц")
MINUTES_PERIODS = ("предыдущий_месяц", "текущий_месяц")

# Label columns of market_file.csv besides the target.
CATEGORY_COLUMNS = ("Тип сервиса", "Разрешить сообщать", "Популярная_категория")

# Column -> {misspelling: correct label}: the project's declared misspellings,
# which include those of the real files. The fit maps them to the correct
# spelling, and `dirt=True` writes them back.
LABEL_TYPOS = LABEL_ALIASES

TARGET_COLUMN = config.TARGET_COLUMN
ID_COLUMN = config.ID_COLUMN
PROFIT_COLUMN = config.PROFIT_COLUMN
# Order of the classes in fitted models: index 0 is the positive class.
CLASS_LABELS = (config.POSITIVE_LABEL, config.NEGATIVE_LABEL)
