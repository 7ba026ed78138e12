"""Main text, reader comments and page metadata from one HTML page (decoded text in, fields out).

Extraction is done by trafilatura; scripts and styles are never executed or kept. Nothing here
reaches the network.
"""
from __future__ import annotations

__all__ = ["read_html"]


def read_html(raw: str) -> tuple[str, dict]:
    """(main text, fields) of one decoded HTML page; fields: title, author, date, source, url,
    comments (only those found)."""
    import trafilatura  # imported lazily: heavy, and only needed for HTML inputs

    doc = trafilatura.bare_extraction(
        raw,
        include_comments=True,
        include_tables=True,
        with_metadata=True,
        favor_precision=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if doc is None:
        return "", {}
    get = (lambda k: doc.get(k)) if isinstance(doc, dict) else (lambda k: getattr(doc, k, None))
    fields = {
        "title": get("title"),
        "author": get("author"),
        "date": get("date"),
        "source": get("sitename"),
        "url": get("url"),
        "comments": get("comments") or "",
    }
    return get("text") or "", {k: v for k, v in fields.items() if v}
