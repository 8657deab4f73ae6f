"""Show tables, charts and text in a report page the same way under both renderers.

Every output goes to the page as ``text/markdown``, with HTML wrapped in a
pandoc raw block (```` ```{=html} ````). Quarto adds require.js and jQuery
from a CDN to any page that has a ``text/html`` cell output (quarto-cli,
``src/core/jupyter/widgets.ts``), and the site must work offline, so no cell
may produce ``text/html``. The fallback renderer passes the same raw blocks
through pandoc unchanged.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
from pathlib import Path
from typing import Any

import altair as alt
from great_tables import GT
from IPython.display import Markdown, display

from analysis import config

VEGA_BUNDLE = Path("assets") / "vega-bundle.js"

# d3-format locale for Russian: decimal comma and a no-break space between thousands.
RU_FORMAT_LOCALE = {
    "decimal": ",",
    "thousands": "\u00a0",
    "grouping": [3],
    "currency": ["", "\u00a0₽"],
    "minus": "\u2212",
}

_pages_with_bundle: set[Path] = set()

# great-tables wraps a table without an id in `<div id="...">` with ten random letters.
_GT_RANDOM_ID = re.compile(r'\s*<div id="([a-z]{10})"')

# Characters that Markdown reads as emphasis, links, code, headings or tables.
_MARKDOWN_SPECIAL = "\\`*_[]#|"


def _raw_html_block(fragment: str) -> Markdown:
    # A fenced raw block ends at the first line that is only backticks, so the
    # fence is made longer than any run of backticks inside the fragment.
    fence = "`" * max(3, _longest_backtick_run(fragment) + 1)
    return Markdown(f"{fence}{{=html}}\n{fragment}\n{fence}\n")


def _longest_backtick_run(text: str) -> int:
    longest = current = 0
    for char in text:
        current = current + 1 if char == "`" else 0
        longest = max(longest, current)
    return longest


def show_markdown(text: str) -> None:
    """Display Markdown text; values taken from the data must be escaped with `escape`."""
    display(Markdown(text))


def escape(value: Any) -> str:
    """Escape a value from the data for Markdown and HTML, so that it shows as text."""
    text = html.escape(str(value), quote=True)
    return "".join("\\" + char if char in _MARKDOWN_SPECIAL else char for char in text)


def table_html(table: GT) -> str:
    """Return the table's HTML with Quarto's table processing turned off and a stable id.

    great-tables gives each table a random id unless one is set. Here the id
    is a hash of the table, so rebuilding an unchanged page gives the same HTML.
    """
    fragment = table.tab_options(quarto_disable_processing=True).as_raw_html()
    match = _GT_RANDOM_ID.match(fragment)
    if match is None:
        return fragment
    random_id = match.group(1)
    stable_id = "gt-" + hashlib.sha256(fragment.replace(random_id, "").encode()).hexdigest()[:10]
    return fragment.replace(random_id, stable_id)


def show_table(table: GT) -> None:
    """Display a great-tables table (see `table_html`)."""
    display(_raw_html_block(table_html(table)))


def _project_root(page_dir: Path) -> Path:
    """Return the nearest folder above the page that contains `_quarto.yml`."""
    for folder in (page_dir, *page_dir.parents):
        if (folder / "_quarto.yml").is_file():
            return folder
    return config.PROJECT_ROOT


def _bundle_script_tag() -> str:
    """Return the script tag of the local vega bundle, once per page (kernel working folder)."""
    page_dir = Path.cwd()
    if page_dir in _pages_with_bundle:
        return ""
    _pages_with_bundle.add(page_dir)
    relative = os.path.relpath(_project_root(page_dir) / VEGA_BUNDLE, page_dir)
    return f'<script src="{html.escape(Path(relative).as_posix())}"></script>\n'


def chart_html(chart: alt.TopLevelMixin) -> str:
    """Return an HTML fragment that draws an altair chart with the site's local vega bundle."""
    spec = chart.to_dict()
    spec_json = json.dumps(spec, ensure_ascii=False, sort_keys=True)
    chart_id = "vega-" + hashlib.sha256(spec_json.encode()).hexdigest()[:12]
    options = {"actions": False, "renderer": "svg", "formatLocale": RU_FORMAT_LOCALE}
    # Labels from the data may contain markup. Written as \u escapes, they are the
    # same strings for vega but can never close the script element.
    spec_js = spec_json.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
    return (
        f'<div id="{chart_id}" class="altair-chart" style="width:100%"></div>\n'
        f"<script>vegaEmbed('#{chart_id}', {spec_js}, {json.dumps(options)})"
        ".catch(function (error) { console.error(error); });</script>"
    )


def show_chart(chart: alt.TopLevelMixin) -> None:
    """Display an altair chart without any request to a CDN."""
    display(_raw_html_block(_bundle_script_tag() + chart_html(chart)))


def format_number(value: float, decimals: int = 0) -> str:
    """Format a number the Russian way: «12 345,6», «−5» (no-break space, decimal comma, minus sign)."""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",").replace("-", "\u2212")


def format_percent(share: float, decimals: int = 1) -> str:
    """Format a share of 1 as a Russian percentage: 0.381 -> «38,1 %»."""
    return format_number(100 * share, decimals) + "\u00a0%"


def plural(count: int, one: str, few: str, many: str) -> str:
    """Return the Russian noun form that agrees with ``count``: 1 клиент, 2 клиента, 5 клиентов.

    The form follows the last two digits: 11–14 take ``many``; otherwise a
    last digit of 1 takes ``one`` and 2–4 take ``few``.
    """
    last_two = abs(int(count)) % 100
    last = last_two % 10
    if 11 <= last_two <= 14:
        return many
    if last == 1:
        return one
    if 2 <= last <= 4:
        return few
    return many
