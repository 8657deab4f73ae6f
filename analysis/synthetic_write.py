"""Append tables to the four files of a data folder in the real files' formats."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import IO

import pandas as pd

from analysis import synthetic_layout as layout

# The real money.csv writes 5.0 as "5" and 1.4 as "1,4". "%.15g" does the same
# for profits of at most two decimals, while the default format writes "5,0".
MONEY_FLOAT_FORMAT = "%.15g"


class StoreFileWriter:
    """Open the four files of a data folder and append chunks of rows to them.

    The header of each file is written with its first chunk. Use as a context
    manager so the files are closed when generation fails half-way.
    """

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.paths = {name: self.out_dir / name for name in layout.FILE_FORMATS}
        self._handles: dict[str, IO[str]] = {}
        self._header_written = False

    def __enter__(self) -> StoreFileWriter:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for name, path in self.paths.items():
            # newline="" keeps the "\r\n" that to_csv writes from being translated again.
            self._handles[name] = path.open("w", encoding=layout.ENCODING, newline="")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for handle in self._handles.values():
            handle.close()
        self._handles.clear()

    def write(self, tables: dict[str, pd.DataFrame]) -> None:
        """Append one chunk: a table for each file name of `layout.FILE_FORMATS`."""
        for name, csv_format in layout.FILE_FORMATS.items():
            tables[name].to_csv(
                self._handles[name],
                sep=csv_format.sep,
                decimal=csv_format.decimal,
                float_format=MONEY_FLOAT_FORMAT if name == layout.MONEY else None,
                index=False,
                header=not self._header_written,
                lineterminator=layout.LINE_TERMINATOR,
            )
        self._header_written = True
