"""The analyst's document register ``metadata.csv``: curated metadata for documents, one row each, keyed by
``path`` (relative to its raw folder, or a bare file name when only one document has it) or ``doc_id``.

It is validated like data, and every problem is a reject naming the register row:

- a malformed CSV row (an unbalanced quote never swallows the rows after it, see :mod:`analysis.tables`);
- a row with neither ``path`` nor ``doc_id``; a bad date (the row's other fields are still used); a date
  that cannot be a publication date (:func:`analysis.dates.check_range`: before 1990, after the build);
- a key that matches no document; a bare file name shared by documents in two folders (applied to none);
  a ``path`` and a ``doc_id`` in one row naming two different documents;
- two rows for one document (by the same key, or one by ``path`` and one by ``doc_id``): the rows are
  merged; where they disagree the first row's value is kept, and the later row is reported.

Each raw root's register applies to that root's documents only.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Sequence

from . import tables
from .dates import check_range, parse_date
from .decode import decode
from .ingest import RawRecord, RegisterFile, Reject
from .metadata import REGISTER_COLUMNS

__all__ = ["REGISTER_COLUMNS", "RegisterRow", "load_register", "apply_registers"]

DATE_COLUMNS = ("published", "republished")


@dataclass
class RegisterRow:
    row: int  # 1-based data row of the register
    path: str | None  # as written, "/"-separated, without a leading "./"
    doc_id: str | None
    fields: dict = field(default_factory=dict)  # outlet ... notes; dates as datetime.date


def _norm_path(value: str) -> str:
    value = value.strip().replace("\\", "/")
    while value.startswith("./"):
        value = value[2:]
    return value


def load_register(path: Path | str, *, shown: str | None = None) -> tuple[list[RegisterRow], list[Reject]]:
    """The register's usable rows, and rejects naming the rows (``metadata.csv#row=N``) that are not,
    or not wholly, usable. ``shown``: the register's path as rejects name it (default: its file name)."""
    path = Path(path)
    name = shown or path.name
    today = date.today()
    try:
        d = decode(path.read_bytes(), repair=False)
    except OSError as exc:
        return [], [Reject(name, f"register not read: {exc.strerror or exc}")]
    if d.problem:
        return [], [Reject(name, f"register not read: {d.problem}")]
    table = tables.read_csv(d.text)
    if table.problem:
        return [], [Reject(name, f"register not read: {table.problem}")]
    header = [tables.names_key(h) for h in table.header]
    rejects: list[Reject] = []
    if not {"path", "doc_id"} & set(header):
        return [], [Reject(name, f"register not read: needs a `path` or `doc_id` column; got {', '.join(header)}")]
    unknown = [h for h in header if h not in REGISTER_COLUMNS]
    if unknown:
        rejects.append(Reject(name, f"register columns ignored: {', '.join(unknown)} "
                                    f"(known: {', '.join(REGISTER_COLUMNS)})"))
    rejects += [Reject(name, f"register columns: {n}") for n in table.notes if n.startswith("duplicate")]
    rows: list[RegisterRow] = []
    for row in table.rows:
        where = f"{name}#row={row.number}"
        if row.problem == "empty row":
            continue
        if row.problem:
            rejects.append(Reject(where, f"register row malformed: {row.problem.removeprefix('malformed row: ')}"))
            continue
        values = {k: (v or "").strip() for k, v in row.values.items()}
        key_path, doc_id = _norm_path(values.get("path", "")) or None, values.get("doc_id") or None
        if not key_path and not doc_id:
            rejects.append(Reject(where, "register row has neither path nor doc_id"))
            continue
        fields = {k: v for k, v in values.items() if k in REGISTER_COLUMNS and v and k not in ("path", "doc_id")}
        for k in DATE_COLUMNS:
            if k not in fields:
                continue
            value = fields.pop(k)
            day = parse_date(value)
            if day is None:
                rejects.append(Reject(where, f"register `{k}` is not a date: {value!r} (use YYYY-MM-DD); "
                                             f"the row's other fields are used"))
            elif why := check_range(day, today=today):
                rejects.append(Reject(where, f"register `{k}` cannot be a publication date: {value!r} is {why}; "
                                             f"the row's other fields are used"))
            else:
                fields[k] = day
        rows.append(RegisterRow(row.number, key_path, doc_id, fields))
    return rows, rejects


def _describe(row: RegisterRow) -> str:
    return " and ".join(f"{k} {v!r}" for k, v in (("path", row.path), ("doc_id", row.doc_id)) if v)


def apply_registers(registers: Sequence[RegisterFile], records: Sequence[RawRecord], ids: Sequence[str]
                    ) -> tuple[list[dict | None], list[Reject]]:
    """The register entry of each record (None when it has none), and the registers' rejects. Each
    register applies only to the records of its own raw root; ``ids`` are the records' doc_ids."""
    entries: list[dict | None] = [None] * len(records)
    rejects: list[Reject] = []
    for reg in registers:
        rows, rej = load_register(reg.path, shown=reg.shown)
        rejects += rej
        mine = [i for i, r in enumerate(records) if r.root == reg.root]
        by_local = {records[i].local: i for i in mine}
        by_name: dict[str, list[int]] = defaultdict(list)
        by_id: dict[str, list[int]] = defaultdict(list)
        for i in mine:
            if records[i].kind != "row":
                by_name[PurePosixPath(records[i].local).name].append(i)
            by_id[ids[i]].append(i)
        claims: dict[int, list[RegisterRow]] = defaultdict(list)
        for row in rows:
            where = f"{reg.shown}#row={row.row}"
            by_path: list[int] = []
            if row.path:
                if row.path in by_local:
                    by_path = [by_local[row.path]]
                elif "/" not in row.path:
                    by_path = by_name.get(row.path, [])
                    if len(by_path) > 1:
                        shown = ", ".join(records[i].path for i in by_path[:4])
                        rejects.append(Reject(where, f"register path {row.path!r} is ambiguous: it names "
                                                     f"{len(by_path)} documents ({shown}); give the path from the "
                                                     f"raw folder. Row not applied"))
                        continue
            by_doc = by_id.get(row.doc_id, []) if row.doc_id else []
            if by_path and by_doc and by_path != by_doc:
                rejects.append(Reject(where, f"register path {row.path!r} and doc_id {row.doc_id!r} name two "
                                             f"documents ({records[by_path[0]].path}, {records[by_doc[0]].path}). "
                                             f"Row not applied"))
                continue
            target = by_path or by_doc
            if not target:
                rejects.append(Reject(where, f"register row matches no input document ({_describe(row)})"))
                continue
            claims[target[0]].append(row)
        for i, rows_i in claims.items():
            entries[i] = _merge(rows_i, records[i].path, reg.shown, rejects)
    return entries, rejects


def _merge(rows: list[RegisterRow], doc: str, shown: str, rejects: list[Reject]) -> dict:
    """One document's register entry from its rows: the first row's values win; later rows add what
    the first did not say, and each later row is reported."""
    merged: dict = {}
    source: dict[str, int] = {}
    first = rows[0].row
    for row in rows:
        conflicts = []
        for k, v in row.fields.items():
            if k not in merged:
                merged[k], source[k] = v, row.row
            elif merged[k] != v:
                conflicts.append(f"`{k}` {str(v)!r} (row {source[k]} says {str(merged[k])!r})")
        if row.row == first:
            continue
        where = f"{shown}#row={row.row}"
        if conflicts:
            rejects.append(Reject(where, f"register row describes {doc} again (row {first}) and disagrees on "
                                         f"{'; '.join(conflicts)}: the earlier values are kept"))
        else:
            rejects.append(Reject(where, f"register row describes {doc} again (row {first}): merged, no conflict"))
    return merged
