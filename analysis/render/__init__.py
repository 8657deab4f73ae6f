"""Fallback renderer: builds the Quarto website where the `quarto` command is missing.

It supports only what the chapters use: the front matter title, the `#|` cell
options echo, output, label, fig-cap and tbl-cap, callouts, and the page order
of the navbar in `_quarto.yml`.
"""

from analysis.render.site import render_site

__all__ = ["render_site"]
