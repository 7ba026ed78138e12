"""The analyst's document register ``metadata.csv``: curated metadata for documents, one row each,
keyed by ``path`` (relative to the raw folder, or a bare file name) or ``doc_id``.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from .ingest import Reject, decode_bytes
from .metadata import parse_date

__all__ = ["REGISTER_COLUMNS", "load_register"]

REGISTER_COLUMNS = ("path", "doc_id", "outlet", "publisher", "author", "title", "published", "republished",
                    "url", "notes")


def load_register(path: Path) -> tuple[dict[str, dict], list[Reject]]:
    """The analyst's document register: one row per document, keyed by ``path`` (relative to the
    raw folder, or a file name) or ``doc_id``. Empty cells say nothing. Returns (entries by key,
    rejects for rows that cannot be used)."""
    text, problem = decode_bytes(Path(path).read_bytes())
    name = Path(path).name
    if problem:
        return {}, [Reject(name, f"register not read: {problem}")]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in (reader.fieldnames or [])]
    rejects: list[Reject] = []
    if not {"path", "doc_id"} & set(header):
        return {}, [Reject(name, f"register not read: needs a `path` or `doc_id` column; got {', '.join(header)}")]
    unknown = [h for h in header if h not in REGISTER_COLUMNS]
    if unknown:
        rejects.append(Reject(name, f"register columns ignored: {', '.join(unknown)} "
                                    f"(known: {', '.join(REGISTER_COLUMNS)})"))
    entries: dict[str, dict] = {}
    for rowno, row in enumerate(reader, start=1):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k}
        key = row.get("path") or row.get("doc_id")
        if not key:
            rejects.append(Reject(f"{name}#row={rowno}", "register row has neither path nor doc_id"))
            continue
        entry = {k: v for k, v in row.items() if k in REGISTER_COLUMNS and v and k not in ("path", "doc_id")}
        bad = False
        for k in ("published", "republished"):
            if k in entry:
                d = parse_date(entry[k])
                if d is None:
                    rejects.append(Reject(f"{name}#row={rowno}", f"register `{k}` is not a date: {entry[k]!r} "
                                                                 f"(use YYYY-MM-DD)"))
                    bad = True
                entry[k] = d
        if not bad:
            entries[key] = entry
    return entries, rejects
