"""Exceptions and warnings whose messages are shown to users, in Russian."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Maximum number of rows or values that one message lists; the rest is only counted.
MAX_LISTED = 10


class AnalysisError(Exception):
    """Base class of errors that the command line reports without a traceback."""


def format_listed(items: Sequence[object], limit: int = MAX_LISTED, total: int | None = None) -> str:
    """Join the first ``limit`` items with commas and count the rest in Russian.

    ``total`` is the full count when ``items`` holds only the first ones.
    """
    listed = ", ".join(str(item) for item in items[:limit])
    hidden = (len(items) if total is None else total) - limit
    if hidden > 0:
        listed += f" и ещё {hidden}"
    return listed


@dataclass(frozen=True)
class Problem:
    """One invalid part of an input file.

    Attributes
    ----------
    file : str
        File name inside the data folder, e.g. ``"money.csv"``.
    column : str or None
        Column name as in the file, or None when the problem concerns the whole file.
    rows : tuple of int
        Line numbers as a spreadsheet shows them: the header is line 1 and the
        first data row is line 2. Empty when the problem concerns no row.
    values : tuple of str
        Offending values, in the order of ``rows`` when both are given.
    issue : str
        What is wrong, in Russian.
    expected : str
        What the file should contain instead, in Russian.
    """

    file: str
    column: str | None
    rows: tuple[int, ...]
    values: tuple[str, ...]
    issue: str
    expected: str

    def __str__(self) -> str:
        place = self.file
        if self.column is not None:
            place += f", столбец «{self.column}»"
        if self.rows:
            noun = "строка" if len(self.rows) == 1 else "строки"
            place += f", {noun} {format_listed(self.rows)}"
        text = f"{place}: {self.issue}"
        if self.values:
            text += f" (найдено: {format_listed([repr(v) for v in self.values])})"
        return f"{text}. Ожидалось: {self.expected}."


def make_problem(
    file: str,
    column: str | None,
    issue: str,
    expected: str,
    rows: Iterable[int] = (),
    values: Iterable[object] = (),
) -> Problem:
    """Build a :class:`Problem`, converting rows to ``int`` and values to ``str``."""
    return Problem(
        file=file,
        column=column,
        rows=tuple(int(row) for row in rows),
        values=tuple(_format_value(value) for value in values),
        issue=issue,
        expected=expected,
    )


def _format_value(value: object) -> str:
    # Whole numbers read as float (ids, counts) are shown without ".0".
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class DataValidationError(AnalysisError):
    """Input files that cannot be used, with every problem found in them.

    Parameters
    ----------
    problems : sequence of Problem
        All problems found, in the order of the files and columns checked.
    """

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self._format())

    def _format(self) -> str:
        lines = [f"файлы данных не прошли проверку, проблем: {len(self.problems)}."]
        lines += [f"  {number}. {problem}" for number, problem in enumerate(self.problems, 1)]
        lines.append("Исправьте файлы и запустите проверку снова: python -m analysis validate --data ПАПКА")
        return "\n".join(lines)


class DataQualityWarning(UserWarning):
    """Input that was accepted but changed or ignored; the message explains how to fix it."""


class UnknownLabelWarning(DataQualityWarning):
    """A category that neither the schema nor the alias table declares; it is kept as is."""


class ExtraColumnWarning(DataQualityWarning):
    """A column that the schema does not declare; it is dropped."""


class DataFolderNotFoundError(AnalysisError):
    """The data folder itself is missing or is a file."""

    def __init__(self, data_dir: object) -> None:
        super().__init__(
            f"папка данных {data_dir} не найдена или это не папка. Укажите папку, в которой лежат "
            "файлы market_file.csv, market_money.csv, market_time.csv и money.csv."
        )
