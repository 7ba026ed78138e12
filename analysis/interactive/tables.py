"""Searchable, sortable, filterable tables (DataTables through itables, offline): one text box searches
every column, one box under each column filters it, a click on a header sorts. Cells are shown as the
report formats them (thousands separators, dates, a dash for missing), numeric columns still sort as
numbers. Without JavaScript (an untrusted notebook, a plain viewer) the same rows show as a static table.
"""
from __future__ import annotations

import html
import itertools
from typing import Callable, Mapping

import pandas as pd

from ..checks import require_table
from . import assets
from .style import style_tag

__all__ = ["MAX_ROWS", "datatable_html", "numeric_columns"]

#: Rows a table carries into a page (beyond this, the table says so and the CSV export has them all).
MAX_ROWS = 5000
_IDS = itertools.count()


def numeric_columns(frame: pd.DataFrame) -> list[int]:
    """Positions of the numeric (not boolean) columns."""
    return [i for i, c in enumerate(frame.columns)
            if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c])]


def datatable_html(frame: pd.DataFrame, *, caption: str = "", page_length: int = 20, footer: str = "",
                   formatter: Callable[[object, str | None], str] | None = None,
                   formats: Mapping[str, str] | None = None, html_columns: tuple[str, ...] = (),
                   wide: Mapping[str, str] | None = None) -> str:
    """``frame`` as an interactive table (HTML with its script; DataTables inlined once per session).

    ``formatter(value, fmt)`` turns a cell into text (default ``str``), with ``formats`` by column;
    ``html_columns`` hold HTML already escaped by the caller (e.g. highlighted sentences), every other
    cell is escaped here. ``footer`` is a line under the table ("412 rows"). ``wide`` gives some columns a
    width (``{"sentence": "40%"}``); the table then spans the page."""
    from itables import to_html_datatable

    require_table(frame, [], "frame")
    if not isinstance(page_length, int) or isinstance(page_length, bool) or page_length < 1:
        raise ValueError(f"`page_length` must be a whole number of 1 or more; got {page_length!r}")
    formats = dict(formats or {})
    fmt = formatter or (lambda v, f: str(v))
    rows = frame.head(MAX_ROWS)
    num = numeric_columns(rows)
    shown = pd.DataFrame({
        str(c): [v if c in html_columns else html.escape(fmt(v, formats.get(c)))
                 for v in rows[c].tolist()]
        for c in rows.columns}, columns=[str(c) for c in rows.columns])
    cut = f" (the first {MAX_ROWS:,} of {len(frame):,} rows)" if len(frame) > MAX_ROWS else ""
    lengths = sorted({page_length, 10, 20, 50, 100})
    table_id = f"wbt{next(_IDS)}"
    body = to_html_datatable(
        shown, caption=caption or None, table_id=table_id, connected=False, allow_html=True, showIndex=False,
        column_filters="footer" if len(shown) > 1 else False, pageLength=page_length,
        lengthMenu=[lengths + [-1], [str(n) for n in lengths] + ["all"]], maxBytes=0, order=[],
        layout=({"topStart": "pageLength", "topEnd": "search", "bottomStart": "info", "bottomEnd": "paging"}
                if len(shown) > page_length else {"topStart": None, "topEnd": "search", "bottomStart": "info",
                                                  "bottomEnd": None}),
        classes="display compact cell-border", style="width:100%;margin:0" if wide else "width:auto;margin:0",
        autoWidth=not wide,
        columnDefs=([{"targets": num, "type": "num-fmt", "className": "dt-right"}] if num else [])
        + [{"targets": list(shown.columns).index(c), "width": w} for c, w in (wide or {}).items() if c in shown.columns],
    )
    note = f'<p class="wb-footer">{html.escape(footer + cut)}</p>' if footer or cut else ""
    return f'<div class="wb-table wb-datatable">{style_tag()}{assets.inline_once("datatables")}{body}{note}</div>'
