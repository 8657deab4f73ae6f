"""The site's local copy of vega, vega-lite and vega-embed."""

from pathlib import Path

import vl_convert

from analysis.display import VEGA_BUNDLE


def ensure_vega_bundle(project_dir: Path) -> Path:
    """Write the JavaScript bundle that draws altair charts, unless it is there.

    vl-convert builds it offline from the copies it ships, so the site loads
    no script from a CDN. The bundle defines ``window.vegaEmbed``.
    """
    path = project_dir / VEGA_BUNDLE
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(vl_convert.javascript_bundle(), encoding="utf-8")
        tmp.replace(path)
    return path

