"""Write the offers list as offers.xlsx and offers.csv, safe to open in a spreadsheet."""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

# A cell starting with one of these is read as a formula by Excel and
# LibreOffice (tab and carriage return too, per OWASP's CSV injection advice).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")

_MAX_WIDTH = 60
# Decimals kept for fractional numbers (probabilities, profit at stake): four
# are more than a manager reads, and 16 float digits only clutter the CSV.
_DECIMALS = 4


@dataclass(frozen=True)
class ExportPaths:
    """Files written by `export_offers`."""

    xlsx: Path
    csv: Path


def neutralise_formula(value: object) -> object:
    """Prefix an apostrophe to a string that a spreadsheet would run as a formula.

    A string starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return
    that is not a number gets a leading ``'``. Numbers such as ``-5`` or
    ``+3,5`` and all non-strings are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.match(value.strip()):
        return "'" + value
    return value


def _neutralised(offers: pd.DataFrame) -> pd.DataFrame:
    safe = offers.copy()
    for column in safe.columns:
        if pd.api.types.is_float_dtype(safe[column]):
            safe[column] = safe[column].round(_DECIMALS)
        elif not pd.api.types.is_numeric_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_formula).astype(object)
    safe.columns = [neutralise_formula(str(column)) for column in safe.columns]
    return safe


def _atomic_target(path: Path):
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=path.suffix)
    os.close(handle)
    return Path(temp)


def _write_csv(safe: pd.DataFrame, path: Path) -> None:
    # UTF-8 with BOM, ";" and decimal comma open correctly in a Russian Excel.
    temp = _atomic_target(path)
    try:
        safe.to_csv(temp, sep=";", decimal=",", index=False, encoding="utf-8-sig")
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def _number_format(column: str) -> str:
    if column.startswith("Вероятность"):
        return "0.00"
    if column in ("id", "Место"):
        return "0"
    # "," is Excel's thousands-separator placeholder; Excel shows the reader's
    # locale separator in its place (a space in a Russian Excel).
    return "#,##0.00"


def _write_xlsx(safe: pd.DataFrame, path: Path) -> None:
    temp = _atomic_target(path)
    try:
        options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
        with xlsxwriter.Workbook(temp, options) as book:
            sheet = book.add_worksheet("Предложения")
            header = book.add_format({"bold": True, "text_wrap": True, "valign": "top",
                                      "bg_color": "#DDEBF7", "border": 1})
            for col, name in enumerate(safe.columns):
                sheet.write_string(0, col, name, header)
                values = safe.iloc[:, col]
                if pd.api.types.is_numeric_dtype(values):
                    cell = book.add_format({"num_format": _number_format(name)})
                    for row, number in enumerate(values.to_numpy(dtype=float), start=1):
                        if np.isfinite(number):
                            sheet.write_number(row, col, number, cell)
                    width = max(len(name), 10)
                else:
                    texts = values.fillna("").astype(str)
                    for row, text in enumerate(texts, start=1):
                        sheet.write_string(row, col, text)
                    width = max([len(name), *texts.str.len().head(1000).tolist()])
                sheet.set_column(col, col, min(width + 2, _MAX_WIDTH))
            sheet.set_row(0, 45)
            sheet.freeze_panes(1, 0)
            sheet.autofilter(0, 0, len(safe), len(safe.columns) - 1)
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def export_offers(offers: pd.DataFrame, out_dir: Path) -> ExportPaths:
    """Write ``offers`` to ``out_dir`` as offers.xlsx and offers.csv, each atomically.

    Each file is written to a temporary file in ``out_dir`` and then renamed
    over the target, so a reader never sees a half-written file. Text cells
    that a spreadsheet would run as formulas are neutralised with
    `neutralise_formula`. The xlsx also stores every text with ``write_string``
    and has formula conversion turned off. Fractional numbers are rounded to
    four decimals in both files. The xlsx has a styled, frozen header
    row, an autofilter and column widths fitted to the text (at most 60
    characters). The CSV is UTF-8 with BOM, ``;``-separated, with decimal comma.

    Parameters
    ----------
    offers
        The table of `analysis.offers.build_offers`.
    out_dir
        Output folder; created when missing.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    safe = _neutralised(offers)
    paths = ExportPaths(out_dir / "offers.xlsx", out_dir / "offers.csv")
    _write_xlsx(safe, paths.xlsx)
    _write_csv(safe, paths.csv)
    return paths
