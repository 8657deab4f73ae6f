"""Parse a `.qmd` page into front matter, Markdown blocks and Python cells."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from analysis.render.errors import RenderError

# The `#|` cell options the fallback renderer understands. Any other option
# is rejected, so chapters use no Quarto feature this renderer cannot show.
SUPPORTED_CELL_OPTIONS = frozenset({"echo", "output", "label", "fig-cap", "tbl-cap"})

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_CODE_CELL = re.compile(r"^```\{python\}[ \t]*\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
_OPTION_LINE = re.compile(r"^#\|\s*([\w-]+)\s*:\s*(.*)$")


@dataclass(frozen=True)
class MarkdownBlock:
    """Markdown text between code cells."""

    text: str


@dataclass(frozen=True)
class CodeCell:
    """A Python cell with its `#|` options removed from the source."""

    source: str
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class QmdPage:
    """A parsed page: its front matter and its blocks in order."""

    path: Path
    front_matter: Mapping[str, Any]
    blocks: tuple[MarkdownBlock | CodeCell, ...]

    @property
    def title(self) -> str:
        return str(self.front_matter.get("title", self.path.stem))


def _parse_cell(source: str, path: Path, line: int) -> CodeCell:
    options: dict[str, Any] = {}
    code_lines = []
    for text in source.splitlines():
        match = _OPTION_LINE.match(text)
        if match is None:
            code_lines.append(text)
            continue
        name, value = match.groups()
        if name not in SUPPORTED_CELL_OPTIONS:
            raise RenderError(
                f"{path}, строка {line}: параметр ячейки «#| {name}» не поддерживается "
                f"запасным сборщиком; допустимы: {', '.join(sorted(SUPPORTED_CELL_OPTIONS))}."
            )
        options[name] = yaml.safe_load(value)
    return CodeCell(source="\n".join(code_lines).strip("\n"), options=MappingProxyType(options))


def parse_qmd(path: Path) -> QmdPage:
    """Parse a `.qmd` file.

    Raises
    ------
    RenderError
        If the page uses a cell option that the fallback renderer does not support.
    """
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    front_matter: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        front_matter = yaml.safe_load(match.group(1)) or {}
        text = text[match.end():]

    blocks: list[MarkdownBlock | CodeCell] = []
    position = 0
    for cell in _CODE_CELL.finditer(text):
        blocks.append(MarkdownBlock(text[position:cell.start()]))
        line = text.count("\n", 0, cell.start()) + 1
        blocks.append(_parse_cell(cell.group(1), path, line))
        position = cell.end()
    blocks.append(MarkdownBlock(text[position:]))

    blocks = [b for b in blocks if not (isinstance(b, MarkdownBlock) and not b.text.strip())]
    return QmdPage(path=path, front_matter=MappingProxyType(front_matter), blocks=tuple(blocks))
