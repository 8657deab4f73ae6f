"""Read one CSV export, detecting its encoding, separator, decimal mark and line endings.

Spreadsheets and databases export the same table in different ways: UTF-8 with
or without a byte-order mark or Windows-1251, ``,``/``;``/tab separators,
decimal point or comma, CRLF or LF. :func:`read_table` detects these per file
from the bytes, records what it found, and never writes to the file.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import DataValidationError, make_problem

SEPARATORS = (",", ";", "\t")
SEPARATOR_NAMES = {",": "запятая", ";": "точка с запятой", "\t": "табуляция"}
DECIMAL_NAMES = {".": "точка", ",": "запятая"}

UTF8_BOM = b"\xef\xbb\xbf"

# The decimal mark is decided from this many leading characters of the data,
# which keeps detection fast on million-row files. A minority of values with the
# other mark later in the file then fails the numeric check with its line number.
DECIMAL_SAMPLE_CHARS = 200_000

_COMMA_NUMBER = re.compile(r"(?<![\d.,])-?\d+,\d+(?![\d.,])")
_POINT_NUMBER = re.compile(r"(?<![\d.,])-?\d+\.\d+(?![\d.,])")
_PARSER_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


@dataclass(frozen=True)
class FileFormat:
    """Detected format of one CSV file.

    Attributes
    ----------
    encoding : str
        ``"utf-8"``, ``"utf-8-sig"`` (UTF-8 with a byte-order mark) or ``"cp1251"``.
    separator : str
        Column separator: ``","``, ``";"`` or ``"\\t"``.
    decimal : str
        Decimal mark of numbers: ``"."`` or ``","``.
    line_ending : str
        ``"CRLF"`` or ``"LF"``, taken from the header line.
    """

    encoding: str
    separator: str
    decimal: str
    line_ending: str

    def describe(self) -> str:
        """Return the format in Russian, e.g. ``UTF-8, разделитель «;», ...``."""
        encoding = {
            "utf-8": "UTF-8",
            "utf-8-sig": "UTF-8 с BOM",
            "cp1251": "Windows-1251",
        }[self.encoding]
        return (
            f"{encoding}, разделитель — {SEPARATOR_NAMES[self.separator]}, "
            f"десятичный знак — {DECIMAL_NAMES[self.decimal]}, концы строк {self.line_ending}"
        )


@dataclass(frozen=True)
class Table:
    """One file as read, before any check of its columns or values.

    Attributes
    ----------
    name : str
        File name inside the data folder.
    frame : pandas.DataFrame
        Columns as in the file (names stripped of spaces), values with types
        that pandas inferred. The index is the spreadsheet line number of each
        row, so the first data row has index 2. Fully empty lines are dropped.
    format : FileFormat
        Detected format.
    sha256 : str
        Hex SHA-256 of the file's bytes.
    """

    name: str
    frame: pd.DataFrame
    format: FileFormat
    sha256: str


def read_table(path: str | Path) -> Table:
    """Read one CSV file of the store's export after detecting its format.

    Parameters
    ----------
    path : str or Path
        The file. It is opened read-only and never modified.

    Returns
    -------
    Table
        The rows with spreadsheet line numbers as the index, and the detected format.

    Raises
    ------
    DataValidationError
        With one problem when the file is missing, empty, has only a header, is in
        an unknown encoding, has no recognisable separator, or has rows with
        more fields than the header.
    """
    path = Path(path)
    name = path.name
    if not path.is_file():
        raise DataValidationError(
            [make_problem(name, None, f"файл не найден в папке {path.parent}", f"файл {name} в папке данных")]
        )

    content = path.read_bytes()
    sha256 = hashlib.sha256(content).hexdigest()
    if not content.strip(UTF8_BOM + b" \t\r\n"):
        raise DataValidationError(
            [make_problem(name, None, "файл пуст", "строка заголовка и хотя бы одна строка данных")]
        )

    encoding, text = _decode(name, content)
    header, _, body = text.partition("\n")
    line_ending = "CRLF" if header.endswith("\r") else "LF"
    header = header.rstrip("\r")
    if not body.strip():
        raise DataValidationError(
            [make_problem(name, None, "в файле только строка заголовка, данных нет", "хотя бы одна строка данных", rows=[1])]
        )

    separator = _detect_separator(name, header)
    decimal = _detect_decimal(body, separator)
    frame = _parse(name, content, encoding, separator, decimal)
    file_format = FileFormat(encoding=encoding, separator=separator, decimal=decimal, line_ending=line_ending)
    return Table(name=name, frame=frame, format=file_format, sha256=sha256)


def _decode(name: str, content: bytes) -> tuple[str, str]:
    if content.startswith(UTF8_BOM):
        try:
            return "utf-8-sig", content[len(UTF8_BOM) :].decode("utf-8")
        except UnicodeDecodeError as error:
            raise _encoding_error(name, content, error) from None
    try:
        return "utf-8", content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Windows-1251 maps every byte but 0x98 to a character, so any non-UTF-8
    # Cyrillic export decodes. NOTE: text in another 8-bit encoding (KOI8-R,
    # Latin-1) also decodes, to wrong letters, and then fails the column-name check.
    try:
        return "cp1251", content.decode("cp1251")
    except UnicodeDecodeError as error:
        raise _encoding_error(name, content, error) from None


def _encoding_error(name: str, content: bytes, error: UnicodeDecodeError) -> DataValidationError:
    line = content.count(b"\n", 0, error.start) + 1
    return DataValidationError(
        [make_problem(name, None, "не удалось определить кодировку файла", "UTF-8 (с BOM или без) или Windows-1251", rows=[line])]
    )


def _detect_separator(name: str, header: str) -> str:
    counts = {separator: header.count(separator) for separator in SEPARATORS}
    separator = max(counts, key=counts.__getitem__)
    if counts[separator] == 0:
        raise DataValidationError(
            [
                make_problem(
                    name,
                    None,
                    "в заголовке нет разделителя столбцов",
                    "столбцы, разделённые запятой, точкой с запятой или табуляцией",
                    rows=[1],
                    values=[header[:80]],
                )
            ]
        )
    return separator


def _detect_decimal(body: str, separator: str) -> str:
    # An unquoted decimal comma cannot occur in a comma-separated file.
    if separator == ",":
        return "."
    sample = body[:DECIMAL_SAMPLE_CHARS]
    commas = len(_COMMA_NUMBER.findall(sample))
    points = len(_POINT_NUMBER.findall(sample))
    return "," if commas > points else "."


def _parse(name: str, content: bytes, encoding: str, separator: str, decimal: str) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", pd.errors.ParserWarning)
            # Bytes with an explicit encoding parse several times faster than a text buffer.
            frame = pd.read_csv(
                io.BytesIO(content),
                encoding=encoding,
                sep=separator,
                decimal=decimal,
                skip_blank_lines=False,
                skipinitialspace=True,
            )
    except pd.errors.ParserError as error:
        match = _PARSER_LINE.search(str(error))
        if match is None:
            raise DataValidationError(
                [make_problem(name, None, f"файл не читается как CSV ({error})", "таблица CSV")]
            ) from None
        expected_fields, line, seen = (int(group) for group in match.groups())
        raise DataValidationError(
            [
                make_problem(
                    name,
                    None,
                    f"в строке {seen} полей вместо {expected_fields}",
                    "столько же полей, сколько столбцов в заголовке; "
                    "проверьте разделитель и десятичный знак",
                    rows=[line],
                )
            ]
        ) from None

    # pandas makes the first column the index when every data row has one field
    # more than the header, e.g. a decimal comma in a comma-separated file.
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        raise DataValidationError(
            [
                make_problem(
                    name,
                    None,
                    "в строках данных больше полей, чем столбцов в заголовке",
                    "столько же полей, сколько столбцов в заголовке; "
                    "проверьте разделитель и десятичный знак",
                    rows=[2],
                )
            ]
        )

    # NOTE: line numbers assume one line per row; a quoted value that spans
    # several lines shifts the numbers of the rows after it.
    frame.index = pd.RangeIndex(2, len(frame) + 2, name="Строка")
    frame.columns = [str(column).strip() for column in frame.columns]
    return frame.dropna(how="all")
