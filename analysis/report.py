"""What a notebook shows, in a form that reads like a report: tables rendered as HTML with readable headers,
formatted numbers and "showing 20 of 412"; findings as generated Markdown; a one-sentence note where an
analysis cannot run; figures with alt text.

Every object here has a plain-text ``repr`` (what nbval compares and a terminal prints) and an HTML or
Markdown one (what JupyterLab and the HTML reports show). None computes anything about the corpus: the
numbers come from the analysis modules, these only present them.
"""
from __future__ import annotations

import base64
import html
import io
import math
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .checks import require_table

__all__ = ["Table", "table", "Findings", "findings", "Note", "note", "Figure", "figure", "format_value",
           "plural", "short"]

DASH = "—"


def plural(n: int | float, word: str, words: str | None = None) -> str:
    """"1 document", "2 documents", "1,204 documents"."""
    count = f"{n:,}" if isinstance(n, (int, np.integer)) else f"{n:,.1f}"
    return f"{count} {word if n == 1 else (words or word + 's')}"


def short(text: object, width: int = 80) -> str:
    """``text`` on one line, cut to ``width`` characters with an ellipsis."""
    s = " ".join(str(text).split())
    return s if len(s) <= width else s[: width - 1].rstrip() + "…"


def format_value(value: object, fmt: str | None = None) -> str:
    """One cell as text: integers with thousands separators, floats with 2 decimals (or ``fmt``), dates
    without a midnight time, missing values as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT or value is pd.NA:
        return DASH
    if fmt is not None:
        try:
            return fmt.format(value)
        except (ValueError, TypeError):
            return str(value)
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        if float(value).is_integer() and abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:,.2f}" if abs(value) >= 0.01 or value == 0 else f"{value:.2g}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, pd.Period):
        return str(value)
    return str(value)


@dataclass
class Table:
    """A table to show: ``frame`` (already cut to the rows shown), ``total`` rows before the cut, a
    ``caption``, and per-column format strings."""

    frame: pd.DataFrame
    total: int
    caption: str = ""
    formats: Mapping[str, str] = field(default_factory=dict)
    full: pd.DataFrame | None = None  # every row, for the interactive view (search, sort, filter)

    @property
    def shown(self) -> int:
        return len(self.frame)

    def _footer(self) -> str:
        if self.total == 0:
            return "no rows"
        if self.shown < self.total:
            return f"showing {self.shown:,} of {self.total:,} rows"
        return plural(self.total, "row")

    def cells(self) -> list[list[str]]:
        return [[format_value(v, self.formats.get(c)) for c, v in zip(self.frame.columns, row)]
                for row in self.frame.itertuples(index=False, name=None)]

    def __repr__(self) -> str:
        head = f"{self.caption}\n" if self.caption else ""
        if self.frame.empty:
            return head + "(no rows)"
        text = pd.DataFrame(self.cells(), columns=[str(c) for c in self.frame.columns]).to_string(index=False)
        return f"{head}{text}\n({self._footer()})"

    def _repr_html_(self) -> str:
        """An interactive table (search, sort, filter; see ``analysis.interactive.tables``) holding every row,
        paged by the rows the text view shows."""
        from .interactive.tables import datatable_html

        rows = self.frame if self.full is None else self.full
        return datatable_html(rows, caption=self.caption, page_length=max(self.shown, 1), footer="" if len(rows) else "no rows",
                              formatter=format_value, formats=self.formats)

    def static_html(self) -> str:
        """The table as plain HTML (no script): the rows the text view shows."""
        cap = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        numeric = [pd.api.types.is_numeric_dtype(self.frame[c]) and not pd.api.types.is_bool_dtype(self.frame[c])
                   for c in self.frame.columns]
        head = "".join(f'<th class="{"num" if n else "txt"}">{html.escape(str(c))}</th>'
                       for c, n in zip(self.frame.columns, numeric))
        body = "".join("<tr>" + "".join(f'<td class="{"num" if n else "txt"}">{html.escape(v)}</td>'
                                        for v, n in zip(row, numeric)) + "</tr>" for row in self.cells())
        return (f'<div class="wb-table"><table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
                f'<p class="wb-footer">{html.escape(self._footer())}</p></div>')


def table(frame: pd.DataFrame, *, columns: Mapping[str, str] | Sequence[str] | None = None, rows: int | None = 20,
          caption: str = "", formats: Mapping[str, str] | None = None) -> Table:
    """``frame`` as a :class:`Table`: ``columns`` picks the columns to show (a mapping also renames them to
    readable headers, in its order), ``rows`` cuts to the first rows (None: all; the footer says "showing 20 of
    412"), ``formats`` gives format strings by (new) column name, e.g. ``{"npmi": "{:.3f}"}``."""
    require_table(frame, [], "frame")
    if rows is not None and (not isinstance(rows, (int, np.integer)) or isinstance(rows, bool) or rows < 0):
        raise ValueError(f"`rows` must be a whole number of 0 or more, or None; got {rows!r}")
    if columns is not None:
        wanted = list(columns)
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            raise ValueError(f"`columns` names column(s) {missing} that `frame` lacks; it has {list(frame.columns)}")
        frame = frame[wanted]
        if isinstance(columns, Mapping):
            frame = frame.rename(columns=dict(columns))
    total = len(frame)
    shown = frame if rows is None else frame.head(rows)
    return Table(shown.reset_index(drop=True), total, caption, dict(formats or {}), full=frame.reset_index(drop=True))


@dataclass
class Findings:
    """Generated statements about the corpus: Markdown bullets under a heading."""

    bullets: list[str]
    title: str = "What this corpus shows"

    def _repr_markdown_(self) -> str:
        items = "\n".join(f"- {b}" for b in self.bullets) if self.bullets else "- (nothing to report)"
        return f"## {self.title}\n\n{items}\n"

    def __repr__(self) -> str:
        return "\n".join([self.title] + [f"- {b.replace('**', '')}" for b in self.bullets])


def findings(bullets: Iterable[str], *, title: str = "What this corpus shows") -> Findings:
    """A :class:`Findings` block from generated statements (each a Markdown string)."""
    return Findings([b for b in bullets if b], title)


@dataclass
class Note:
    """One sentence saying that an analysis did not run, why, and what would enable it."""

    message: str

    def _repr_markdown_(self) -> str:
        return f"> **Not shown:** {self.message}\n"

    def __repr__(self) -> str:
        return f"Not shown: {self.message}"

    def __bool__(self) -> bool:
        return True


def note(message: str) -> Note:
    """A :class:`Note` (displayed as a quoted line in the reports)."""
    return Note(str(message))


@dataclass
class Figure:
    """A matplotlib figure with alt text (for screen readers and for the report's plain-text view)."""

    fig: object
    alt: str
    caption: str = ""
    dpi: int = 100

    def png(self, *, dpi: int | None = None) -> bytes:
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png", dpi=dpi or self.dpi, bbox_inches="tight")
        return buf.getvalue()

    def _repr_html_(self) -> str:
        data = base64.b64encode(self.png()).decode("ascii")
        cap = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return (f'<figure class="wb-figure"><img alt="{html.escape(self.alt, quote=True)}" '
                f'src="data:image/png;base64,{data}"/>{cap}</figure>')

    def __repr__(self) -> str:
        return f"[figure: {self.alt}]"


def figure(fig: object, *, alt: str, caption: str = "") -> Figure:
    """Wrap a Figure from ``analysis.plots`` with ``alt`` text (required: say what the figure shows)."""
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"`alt` must be a non-empty description of the figure; got {alt!r}")
    if not hasattr(fig, "savefig"):
        raise TypeError(f"`fig` must be a matplotlib Figure; got {type(fig).__name__}")
    return Figure(fig, alt.strip(), caption)
