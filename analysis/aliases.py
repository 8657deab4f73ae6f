"""Declared misspellings of labels and the normalisation that fixes them.

A label is compared after trimming spaces, collapsing inner runs of spaces and
ignoring case, so ``" Премиум "`` becomes the declared ``"премиум"``. A
misspelling listed in :data:`LABEL_ALIASES` becomes its declared fix. A label
that is neither declared nor an alias is kept (in its first spelling seen).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.errors import MAX_LISTED, format_listed
from analysis.schema import QUALITY_LOG_COLUMNS, ColumnSpec

# Column -> {misspelling: declared label}. Keys are compared ignoring case and
# extra spaces. Add a pair here when a new export brings a new misspelling.
LABEL_ALIASES: dict[str, dict[str, str]] = {
    "Тип сервиса": {"стандартт": "стандарт"},
    "Период": {"предыдцщий_месяц": "предыдущий_месяц"},
    "Популярная_категория": {"Косметика и аксесуары": "Косметика и аксессуары"},
}

ACTION_ALIAS = "исправлена опечатка в значении"
ACTION_SPELLING = "приведены регистр и пробелы в значении"


@dataclass(frozen=True)
class NormalisedLabels:
    """Result of :func:`normalise_labels` for one file.

    Attributes
    ----------
    frame : pandas.DataFrame
        Copy of the input with label columns normalised; other columns unchanged.
    log : pandas.DataFrame
        One row per distinct change, with the columns of ``QUALITY_LOG_COLUMNS``.
    unknown_rows : dict of (str, str) to pandas.Index
        (column, label) -> line numbers of the rows whose label is neither
        declared nor an alias, after normalisation.
    """

    frame: pd.DataFrame
    log: pd.DataFrame
    unknown_rows: dict[tuple[str, str], pd.Index]


def _format_ids(ids: pd.Series) -> str:
    # Ids are float64 here because validation has not cast them yet.
    first_ids = [int(value) if pd.notna(value) else "?" for value in ids.iloc[:MAX_LISTED]]
    return format_listed(first_ids, total=len(ids))


def _key(label: str) -> str:
    return " ".join(label.split()).casefold()


def normalise_labels(
    frame: pd.DataFrame,
    file: str,
    columns: tuple[ColumnSpec, ...],
    ids: pd.Series | None = None,
) -> NormalisedLabels:
    """Normalise the label columns of one file: case, spaces and declared misspellings.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows indexed by spreadsheet line number.
    file : str
        File name for the log.
    columns : tuple of ColumnSpec
        Declared columns present in ``frame``; only ``kind == "label"`` ones change.
    ids : pandas.Series or None
        Customer ids aligned with ``frame``, listed in the log when given.

    Returns
    -------
    NormalisedLabels
        The normalised copy, the log of changes and the unknown labels.

    Notes
    -----
    The mapping is built over distinct values only, so the cost is one hash
    lookup per row whatever the number of rows.
    """
    frame = frame.copy()
    log_rows: list[dict[str, object]] = []
    unknown_rows: dict[tuple[str, str], pd.Index] = {}

    for spec in columns:
        if spec.kind != "label":
            continue
        values = frame[spec.name].astype("str")
        declared = {_key(label): label for label in spec.labels}
        aliases = {_key(wrong): right for wrong, right in LABEL_ALIASES.get(spec.name, {}).items()}

        mapping: dict[str, str] = {}
        actions: dict[str, str] = {}
        first_spelling: dict[str, str] = {}
        for raw in values.dropna().unique():
            key = _key(raw)
            if key in declared:
                mapping[raw] = declared[key]
                actions[raw] = ACTION_SPELLING
            elif key in aliases:
                mapping[raw] = aliases[key]
                actions[raw] = ACTION_ALIAS
            else:
                # An undeclared label keeps the spelling seen first, with its case variants merged into it.
                mapping[raw] = first_spelling.setdefault(key, " ".join(raw.split()))
                actions[raw] = ACTION_SPELLING

        normalised = values.map(mapping)
        frame[spec.name] = normalised

        for raw, fixed in mapping.items():
            if raw == fixed:
                continue
            rows = values.index[values == raw]
            log_rows.append(
                {
                    "Файл": file,
                    "Столбец": spec.name,
                    "Строки": format_listed(rows),
                    "id": _format_ids(ids.loc[rows]) if ids is not None else "",
                    "Было": raw,
                    "Стало": fixed,
                    "Количество": len(rows),
                    "Действие": actions[raw],
                }
            )
        for fixed in set(mapping.values()):
            if _key(fixed) not in declared:
                unknown_rows[(spec.name, fixed)] = normalised.index[normalised == fixed]

    log = pd.DataFrame(log_rows, columns=list(QUALITY_LOG_COLUMNS))
    return NormalisedLabels(frame=frame, log=log, unknown_rows=unknown_rows)
