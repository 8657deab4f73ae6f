"""Execute a page's Python cells in a real Jupyter kernel."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from analysis.render.errors import RenderError
from analysis.render.qmd import CodeCell, QmdPage

CELL_TIMEOUT_S = 600

# Colour codes of IPython tracebacks; the message goes to a terminal or a log file.
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def execute_page(page: QmdPage, env: dict[str, str]) -> nbformat.NotebookNode:
    """Run every code cell of ``page`` in a fresh kernel whose working folder is the page's folder.

    Parameters
    ----------
    page
        The parsed page.
    env
        Environment variables added for the kernel (the data folder, for example).

    Returns
    -------
    nbformat.NotebookNode
        A notebook with one code cell per page cell, in order, holding the outputs.

    Raises
    ------
    RenderError
        If a cell raises: the message names the page and the error.
    """
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell(block.source) for block in page.blocks if isinstance(block, CodeCell)
    ]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}

    client = NotebookClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        kernel_name="python3",
        # The kernel's start-up notes (such as its TCP transport warning) are not the page's output.
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
        resources={"metadata": {"path": str(page.path.parent)}},
    )
    try:
        # The kernel gets this process's environment plus ``env``; os.environ
        # itself is left alone, so pages can run in parallel threads.
        client.execute(env={**os.environ, **env})
    except CellExecutionError as error:
        message = _ANSI_ESCAPE.sub("", str(error))
        raise RenderError(f"Страница {page.path.name}: ячейка завершилась с ошибкой.\n{message}") from None
    return notebook
