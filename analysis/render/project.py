"""Read the parts of `_quarto.yml` that the fallback renderer uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

import yaml

from analysis.render.errors import RenderError


@dataclass(frozen=True)
class NavLink:
    """One entry of the site's navigation bar."""

    source: Path  # the `.qmd` file, relative to the project folder
    text: str

    @property
    def html_path(self) -> Path:
        return self.source.with_suffix(".html")


@dataclass(frozen=True)
class SiteProject:
    """The website settings: title, page order, output folder and UI strings."""

    root: Path
    title: str
    pages: tuple[NavLink, ...]
    output_dir: Path
    resources: tuple[str, ...]
    language: Mapping[str, str]
    echo: bool
    code_summary: str


def read_project(root: Path) -> SiteProject:
    """Read `_quarto.yml` in ``root``; the page order is the navbar's order."""
    config_path = root / "_quarto.yml"
    if not config_path.is_file():
        raise RenderError(f"Не найден файл проекта Quarto: {config_path}.")
    config: dict[str, Any] = yaml.safe_load(config_path.read_text(encoding="utf-8"))

    website = config.get("website", {})
    links = website.get("navbar", {}).get("left", [])
    pages = tuple(NavLink(Path(link["href"]), str(link["text"])) for link in links)
    for page in pages:
        if not (root / page.source).is_file():
            raise RenderError(f"_quarto.yml ссылается на несуществующую страницу {page.source}.")

    project = config.get("project", {})
    html_format = config.get("format", {}).get("html", {})
    return SiteProject(
        root=root,
        title=str(website.get("title", "")),
        pages=pages,
        output_dir=root / project.get("output-dir", "_site"),
        resources=tuple(project.get("resources", [])),
        language=MappingProxyType(dict(config.get("language", {}))),
        echo=bool(config.get("execute", {}).get("echo", False)),
        code_summary=str(html_format.get("code-summary", "Code")),
    )
