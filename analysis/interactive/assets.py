"""The JavaScript and CSS the interactive views need, read from the installed packages and inlined into the
page: DataTables (from itables' offline bundle), vis-network (shipped with pyvis) and plotly.js (shipped
with plotly). Nothing is ever loaded from the network.

A library is inlined into the first output of a kernel session that needs it; later outputs of the same
session find it on the page (``window``), so a report carries each library once. Every view also shows a
static fallback until its library is there (a table stays a readable table), so a Lab page reloaded
without re-running keeps its content. ``reset()`` forgets what was inlined (the next output inlines again).
"""
from __future__ import annotations

import base64
import json
import os
from functools import lru_cache
from pathlib import Path

__all__ = ["ASSETS", "inline_once", "reset", "for_report", "script_json"]

#: The libraries, by name.
ASSETS = ("datatables", "vis-network", "plotly")

_INLINED: set[str] = set()


def reset() -> None:
    """Forget which libraries this session has inlined."""
    _INLINED.clear()


def for_report() -> bool:
    """True while ``analysis.publish`` renders a report (it sets ``WORKBOOK_REPORTS``): views whose
    library JupyterLab renders natively (plotly) then inline it, so the report works offline."""
    return bool(os.environ.get("WORKBOOK_REPORTS", "").strip())


def script_json(value: object) -> str:
    """``value`` as JSON that is safe inside a <script> element."""
    return (json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
            .replace("</", "<\\/").replace("<!--", "<\\!--"))


@lru_cache(maxsize=None)
def _site_file(package: str, *parts: str) -> Path:
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the package {package!r} is not installed (run `make env`)")
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing from the installed {package!r} package")
    return path


def _umd(code: str) -> str:
    """A UMD library as a plain script that defines its global, whatever loader the page has (require.js
    in classic Notebook, none in JupyterLab and the reports)."""
    return ("<script>(function(define, module, exports){\n" + code.replace("</script", "<\\/script")
            + "\n}).call(window, undefined, undefined, undefined);</script>")


@lru_cache(maxsize=None)
def _library(name: str) -> str:
    if name == "datatables":
        from itables import options
        from itables.javascript import generate_init_offline_itables_html

        return generate_init_offline_itables_html(options.dt_bundle)
    if name == "vis-network":
        js = _site_file("pyvis", "lib", "vis-9.1.2", "vis-network.min.js").read_text(encoding="utf-8")
        css = _site_file("pyvis", "lib", "vis-9.1.2", "vis-network.css").read_text(encoding="utf-8")
        css_b64 = base64.b64encode(css.encode("utf-8")).decode("ascii")
        style = (f"<script>(function(){{var s=document.createElement('style');s.textContent=atob('{css_b64}');"
                 f"document.head.appendChild(s);}})();</script>")
        return style + _umd(js)
    if name == "plotly":
        js = _site_file("plotly", "package_data", "plotly.min.js").read_text(encoding="utf-8")
        return "<script>window.PlotlyConfig = {MathJaxConfig: 'local'};</script>" + _umd(js)
    raise ValueError(f"`name` must be one of {', '.join(map(repr, ASSETS))}; got {name!r}")


def inline_once(name: str) -> str:
    """The library ``name`` as inline HTML the first time this session asks for it, else ''."""
    if name not in ASSETS:
        raise ValueError(f"`name` must be one of {', '.join(map(repr, ASSETS))}; got {name!r}")
    if name in _INLINED:
        return ""
    html = _library(name)
    _INLINED.add(name)
    return html
