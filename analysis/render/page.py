"""Turn a parsed page and its executed cells into one HTML page of the site."""

from __future__ import annotations

import base64
import html
import os
import re
from pathlib import Path

import nbformat
import pypandoc

from analysis.render.project import SiteProject
from analysis.render.qmd import CodeCell, MarkdownBlock, QmdPage

_CALLOUT_OPEN = re.compile(
    r'^:::\s*\{\.callout-(note|tip|warning|important|caution)(?:\s+title="([^"]*)")?\s*\}\s*$',
    re.MULTILINE,
)


def _raw_html(fragment: str) -> str:
    return f"\n\n```{{=html}}\n{fragment}\n```\n\n"


def _callouts(markdown: str, project: SiteProject) -> str:
    """Rewrite Quarto callouts as fenced divs with a visible title, as Quarto shows them."""

    def replace(match: re.Match[str]) -> str:
        kind, title = match.group(1), match.group(2)
        title = title or project.language.get(f"callout-{kind}-title", kind)
        return (
            f"::: {{.callout .callout-{kind}}}\n"
            + _raw_html(f'<div class="callout-title">{html.escape(title)}</div>')
        )

    return _CALLOUT_OPEN.sub(replace, markdown)


def _output_markdown(output: nbformat.NotebookNode, as_is: bool) -> str:
    if output.output_type == "stream":
        if output.name != "stdout":
            return ""  # warnings go to stderr; the site hides them, as `warning: false` does
        return output.text if as_is else _raw_html(f"<pre>{html.escape(output.text)}</pre>")
    if output.output_type not in ("display_data", "execute_result"):
        return ""
    data = output.data
    if "text/markdown" in data:
        return "\n\n" + data["text/markdown"] + "\n\n"
    if "image/svg+xml" in data:
        return _raw_html(data["image/svg+xml"])
    if "image/png" in data:
        png = data["image/png"]
        png = png if isinstance(png, str) else base64.b64encode(png).decode()
        return _raw_html(f'<img src="data:image/png;base64,{png}" alt="">')
    if "text/html" in data:
        return _raw_html(data["text/html"])
    if "text/plain" in data:
        return _raw_html(f"<pre>{html.escape(data['text/plain'])}</pre>")
    return ""


def _cell_markdown(cell: CodeCell, executed: nbformat.NotebookNode, project: SiteProject) -> str:
    parts = []
    if cell.options.get("echo", project.echo):
        code = html.escape(cell.source)
        parts.append(
            _raw_html(
                f'<details class="code-fold"><summary>{html.escape(project.code_summary)}</summary>'
                f'<pre class="sourceCode"><code class="language-python">{code}</code></pre></details>'
            )
        )
    output_option = cell.options.get("output", True)
    if output_option is not False:
        if "tbl-cap" in cell.options:
            parts.append(_raw_html(f'<p class="table-caption">{html.escape(str(cell.options["tbl-cap"]))}</p>'))
        for output in executed.outputs:
            parts.append(_output_markdown(output, as_is=output_option == "asis"))
        if "fig-cap" in cell.options:
            parts.append(_raw_html(f'<p class="figure-caption">{html.escape(str(cell.options["fig-cap"]))}</p>'))
    body = "".join(parts)
    if "label" in cell.options:
        body = f"\n\n::: {{#{cell.options['label']} .cell}}\n{body}\n:::\n\n"
    return body


def page_markdown(page: QmdPage, notebook: nbformat.NotebookNode, project: SiteProject) -> str:
    """Join the page's Markdown and its cells' outputs into one Markdown document."""
    executed_cells = iter(notebook.cells)
    parts = []
    for block in page.blocks:
        if isinstance(block, MarkdownBlock):
            parts.append(_callouts(block.text, project))
        else:
            parts.append(_cell_markdown(block, next(executed_cells), project))
    return "".join(parts)


def _navbar(page_path: Path, project: SiteProject) -> str:
    depth_prefix = os.path.relpath(project.root, (project.root / page_path).parent)
    prefix = "" if depth_prefix == "." else depth_prefix + "/"
    items = []
    for link in project.pages:
        current = ' aria-current="page" class="active"' if link.source == page_path else ""
        href = html.escape(prefix + link.html_path.as_posix())
        items.append(f'<li><a href="{href}"{current}>{html.escape(link.text)}</a></li>')
    home = html.escape(prefix + "index.html")
    return (
        f'<nav class="navbar"><a class="navbar-title" href="{home}">{html.escape(project.title)}</a>'
        f'<ul>{"".join(items)}</ul></nav>'
    )


def render_page_html(page: QmdPage, page_path: Path, notebook: nbformat.NotebookNode, project: SiteProject) -> str:
    """Return the complete HTML document of one page."""
    body = pypandoc.convert_text(
        page_markdown(page, notebook, project),
        "html5",
        format="markdown",
        extra_args=["--wrap=none", "--syntax-highlighting=none"],
    )
    depth_prefix = os.path.relpath(project.root, (project.root / page_path).parent)
    css = ("" if depth_prefix == "." else depth_prefix + "/") + "site_libs/fallback/site.css"
    title = html.escape(page.title)
    return f"""<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="analysis.render (запасной сборщик без Quarto)">
<title>{title} – {html.escape(project.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="{css}">
</head>
<body>
{_navbar(page_path, project)}
<main class="content">
<h1 class="title">{title}</h1>
{body}
</main>
</body>
</html>
"""
