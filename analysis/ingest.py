"""Read every input under the raw paths into raw records, or a reject with its reason.

Supported: ``.txt`` (any common encoding: see :mod:`analysis.decode`), ``.html``/``.htm`` (main text
and comments: :mod:`analysis.htmlpage`; a page with no markup is read as plain text, a page of link
labels only is navigation), ``.csv``, ``.tsv`` and ``.jsonl`` (one document a row, read strictly by
:mod:`analysis.tables`; column names detected from ``data/reference/columns.yaml`` or mapped
explicitly). Folders are read recursively in sorted order (:mod:`analysis.walk`). A file named
``metadata.csv`` at the top of a raw folder is the analyst's document register (see
:mod:`analysis.register`), never a corpus. Nothing here writes to the raw folders.

Every input file and row ends as a record or a :class:`Reject`. What is read with a change (bytes
replaced, a zero-filled tail dropped, control characters removed) is a reject entry too, whose reason
starts with "kept, but": the record is still made.

With several raw paths, each document's path starts with its root's name (``bbc/sport/001.txt``), so
that equal relative paths in two roots stay two documents.
"""
from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping

import yaml

from . import config, htmlpage, tables
from .decode import decode, decode_bytes, declared_charset, fix_text, remove_controls  # noqa: F401
from .walk import display_path, root_labels, walk  # noqa: F401  (root_labels: part of this API)

__all__ = ["FIELDS", "RawRecord", "Reject", "RegisterFile", "ColumnMappingError", "load_column_names",
           "read_inputs", "iter_file", "iter_entry", "iter_files", "root_labels", "fix_text", "decode_bytes"]

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
CSV_SUFFIXES = {".csv", ".tsv"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
TABLE_SUFFIXES = CSV_SUFFIXES | JSONL_SUFFIXES
FIELDS = tables.FIELDS
_ANCHOR_RE = re.compile(r"<a\b[^>]*>(.*?)</a\s*>", re.I | re.S)
_TAG_RE = re.compile(r"<[^>]*>")
_SEPARATOR_RE = re.compile(r"[\W_]+")
_MARKUP_RE = re.compile(r"<(?:[A-Za-z][A-Za-z0-9-]*[\s/>]|!--|!doctype)", re.I)


@dataclass
class RawRecord:
    """One input document before cleaning."""

    path: str  # "file.csv#row=12" for tabular rows; relative to the raw root, after the root's name if several
    stem: str  # default doc_id before de-duplication
    folder: str  # parent folder relative to the raw root ("" at the top), after the root's name if several
    kind: str  # "txt", "html" or "row"
    text: str  # decoded, repaired text (for html: the extracted main text)
    fields: dict = field(default_factory=dict)  # title, source, date, author, url, comments (html/rows)
    root: str = ""  # the root's name when there are several raw paths, else ""
    local: str = ""  # path relative to its own root (what that root's register names)


@dataclass
class Reject:
    path: str
    reason: str


@dataclass(frozen=True)
class RegisterFile:
    """A raw root's register ``metadata.csv``: where it is, and the root it applies to."""

    path: Path
    root: str  # the root's name as in RawRecord.root
    shown: str  # its path as rejects name it


class ColumnMappingError(ValueError):
    pass


def load_column_names(path: Path | None = None) -> dict[str, list[str]]:
    data = yaml.safe_load(Path(path or config.COLUMN_NAMES).read_text(encoding="utf-8")) or {}
    return {f: [tables.names_key(c) for c in data.get(f, [])] for f in FIELDS}


def _only_link_labels(body: str, page: str) -> bool:
    """Whether every line of the text extracted from ``page`` is the label of one of its links (or a
    separator such as "|"): a navigation page, not an article."""
    labels = {" ".join(html.unescape(_TAG_RE.sub(" ", m.group(1))).split()) for m in _ANCHOR_RE.finditer(page)}
    lines = [" ".join(line.split()) for line in body.split("\n")]
    words = [line for line in lines if line and not _SEPARATOR_RE.fullmatch(line)]
    return bool(labels) and all(line in labels for line in words)


def _match_columns(header: list[str], names: dict[str, list[str]], mapping: Mapping[str, str] | None) -> dict:
    """Field -> the normalised column name (see :func:`analysis.tables.names_key`) that holds it."""
    keys = {tables.names_key(h) for h in header}
    found = {}
    for f in FIELDS:
        if mapping and f in mapping:
            col = tables.names_key(mapping[f])
            if col not in keys:
                raise ColumnMappingError(
                    f"column mapping {f}={mapping[f]!r}: no such column; the file has {', '.join(map(str, header))}")
            found[f] = col
            continue
        cand = next((c for c in names[f] if c in keys), None)
        if cand is not None:
            found[f] = cand
    return found


def _table_records(rel: str, table: tables.Table, *, names, mapping, rejects: list[Reject],
                   line_notes: Mapping[int, str] | None = None) -> Iterator[RawRecord]:
    """Yield the records of a table's rows (one at a time: a table of a million rows is never held
    whole); the rejects of its file and rows are appended to ``rejects`` in file order."""
    if table.problem:
        rejects.append(Reject(rel, table.problem))
        return
    how = f" (read as {'tab' if table.delimiter == chr(9) else repr(table.delimiter)}-delimited)" \
        if table.delimiter and table.delimiter != "," else ""
    try:
        cols = _match_columns(table.header, names, mapping)
    except ColumnMappingError as exc:
        rejects.append(Reject(rel, f"{exc}{how}"))
        return
    if "text" not in cols:
        if table.header:
            rejects.append(Reject(rel, f"no text column: looked for {', '.join(names['text'])}; found "
                                       f"{', '.join(map(str, table.header))}{how} (map one with --column text=NAME)"))
            return
        seen = 0  # JSON Lines without one object: each row says what it is instead
        for row in table.rows:
            seen += 1
            if row.problem:
                rejects.append(Reject(f"{rel}#row={row.number}", row.problem))
        if not seen:
            rejects.append(Reject(rel, "no rows: only blank lines"))
        return
    rejects += [Reject(rel, f"kept, but {n}") for n in table.notes if n.startswith("duplicate")]
    stem = Path(rel).stem
    seen = 0
    for row in table.rows:
        seen += 1
        where = f"{rel}#row={row.number}"
        if row.problem:
            rejects.append(Reject(where, row.problem))
            continue
        for n in row.notes:
            rejects.append(Reject(where, f"kept, but {n}"))
        if line_notes:
            for ln in range(row.lines[0], row.lines[1] + 1):
                if ln in line_notes:
                    rejects.append(Reject(where, f"kept, but {line_notes[ln]}"))
        text = row.values.get(cols["text"])
        if not isinstance(text, str) or not text.strip():
            rejects.append(Reject(where, "empty text"))
            continue
        fields = {}
        for f in ("title", "source", "date", "author", "url"):
            v = row.values.get(cols[f]) if f in cols else None
            if v is not None and str(v).strip():
                fields[f] = fix_text(str(v)).strip()
        rid = row.values.get(cols["id"]) if "id" in cols else None
        rid = str(rid).strip() if rid is not None and str(rid).strip() else f"{stem}-{row.number}"
        yield RawRecord(where, rid, "", "row", fix_text(text), fields)
    if not seen:
        rejects.append(Reject(rel, "header only: no data rows"))


def _clean_utf8(path: Path) -> bool:
    """True when the whole file is UTF-8 without NUL bytes at either end or a UTF-16 byte-order mark
    (read in blocks, so the check holds no more than a block in memory)."""
    dec = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        with open(path, "rb") as fb:
            head = fb.read(8192)
            fb.seek(max(0, fb.seek(0, 2) - 4096))
            tail = fb.read()
            if not head or b"\x00" in head or b"\x00" in tail or head.startswith((b"\xff\xfe", b"\xfe\xff")):
                return False
            fb.seek(0)
            while block := fb.read(1 << 20):
                dec.decode(block)
            dec.decode(b"", final=True)
    except (UnicodeDecodeError, OSError):
        return False
    return True


def _stream_table(path: Path, rel: str, suffix: str, *, names, mapping, rejects: list[Reject]):
    """The records of a clean UTF-8 table, read as a stream (a row at a time), or None when the file is
    not clean UTF-8: the caller then decodes it whole."""
    if not _clean_utf8(path):
        return None

    def rows():
        with open(path, encoding="utf-8-sig", errors="strict", newline="") as f:
            table = tables.read_jsonl(f.read()) if suffix in JSONL_SUFFIXES else \
                tables.read_csv(f, delimiter="\t" if suffix == ".tsv" else None)
            yield from _table_records(rel, table, names=names, mapping=mapping, rejects=rejects)

    return rows()


def iter_file(path: Path, rel: str, folder: str, *, names, mapping, rejects: list[Reject]) -> Iterator[RawRecord]:
    """Yield the records of one input file (``rel``: its path as documents name it; ``folder``: its
    folder); its rejects, "kept, but" entries included, are appended to ``rejects`` in file order. A
    clean UTF-8 table is read as a stream."""
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES:
        rejects.append(Reject(rel, f"unsupported file type {suffix or '(none)'!r}: "
                                   f"expected .txt, .html, .htm, .csv, .tsv or .jsonl"))
        return
    if suffix in TABLE_SUFFIXES:
        streamed = _stream_table(path, rel, suffix, names=names, mapping=mapping, rejects=rejects)
        if streamed is not None:
            yield from streamed
            return
    try:
        data = path.read_bytes()
    except OSError as exc:
        rejects.append(Reject(rel, f"unreadable: {exc.strerror or exc}"))
        return
    if suffix in TABLE_SUFFIXES:
        d = decode(data, repair=False)
        del data
        if d.problem:
            rejects.append(Reject(rel, d.problem))
            return
        # bytes replaced or read in another encoding are named by row; those of the header by the file
        rejects += [Reject(rel, f"kept, but {n}") for n in d.notes if not n.startswith(("not valid UTF-8", "lines in"))]
        if 1 in d.line_notes:
            rejects.append(Reject(rel, f"kept, but the header line: {d.line_notes[1]}"))
        if suffix in JSONL_SUFFIXES:
            table = tables.read_jsonl(d.text)
        else:
            table = tables.read_csv(d.text, delimiter="\t" if suffix == ".tsv" else None)
        yield from _table_records(rel, table, names=names, mapping=mapping, rejects=rejects, line_notes=d.line_notes)
        return
    got, rej = _read_document(path, rel, folder, suffix, data)
    rejects += rej
    yield from got


def _read_document(path: Path, rel: str, folder: str, suffix: str, data: bytes
                   ) -> tuple[list[RawRecord], list[Reject]]:
    """The record (or none) and the rejects of one text or HTML file."""
    declared = declared_charset(data[:4096]) if suffix in HTML_SUFFIXES else None
    d = decode(data, repair=suffix not in HTML_SUFFIXES, declared=declared)
    del data
    if d.problem:
        return [], [Reject(rel, d.problem)]
    kept = [Reject(rel, f"kept, but {n}") for n in d.notes]
    text, n_ctrl = remove_controls(d.text)
    if n_ctrl:
        kept.append(Reject(rel, f"kept, but control characters: {n_ctrl:,} removed"))
    if not text.strip():
        return [], [Reject(rel, "blank file (only white space)")]
    stem = Path(rel).stem
    if suffix in TEXT_SUFFIXES:
        return [RawRecord(rel, stem, folder, "txt", text)], kept
    repair = d.encoding.startswith("utf")  # mojibake is UTF-8 read as cp1252 and saved again as UTF-8
    if not _MARKUP_RE.search(text):  # a ".html" file with no markup at all is plain text
        kept.append(Reject(rel, "kept, but no HTML markup: read as plain text"))
        return [RawRecord(rel, stem, folder, "txt", fix_text(text, repair=repair))], kept
    try:
        body, fields = htmlpage.read_html(text)
    except Exception as exc:  # a broken page must not stop the build
        return [], [Reject(rel, f"HTML extraction failed: {type(exc).__name__}: {exc}")]
    if not body.strip():
        return [], [Reject(rel, "no main text found in HTML")]
    if _only_link_labels(body, text):
        return [], [Reject(rel, "no main text found in HTML: only navigation (every line is a link label)")]
    if fields.get("comments"):
        fields["comments"] = fix_text(fields["comments"], repair=repair)
    return [RawRecord(rel, stem, folder, "html", fix_text(body, repair=repair), fields)], kept


def iter_entry(path: Path, rel: str, *, label: str, names, mapping, rejects: list[Reject],
               name_escaped: bool = False) -> Iterator[RawRecord]:
    """Yield the records of one file a walk found (``rel``: its path relative to its root, as
    :class:`analysis.walk.Entry` shows it; ``label``: its root's label, see :func:`root_labels`), named
    as the build names them; its rejects are appended to ``rejects`` (a file name that is not valid
    UTF-8 is a "kept, but" entry before them, when the file gives a record)."""
    prefix = f"{label}/" if label else ""
    rel = prefix + rel
    folder = (prefix + rel[len(prefix):].rpartition("/")[0]).rstrip("/")
    own: list[Reject] = []
    first = True
    for r in iter_file(path, rel, folder, names=names, mapping=mapping, rejects=own):
        if first and name_escaped:
            own.insert(0, Reject(rel, f"kept, but file name not valid UTF-8: shown as {rel!r}"))
        first = False
        r.root = label
        r.local = r.path[len(prefix):]
        if r.kind == "row":
            r.folder = folder
        yield r
    rejects += own


def iter_files(root: Path) -> list[Path]:
    """The files under ``root`` that the build reads (or tries to): for fingerprints and sizes."""
    return [e.path for e in walk(root) if e.problem is None]


def read_inputs(raw_paths: Iterable[Path | str], *, columns: Mapping[str, str] | None = None,
                column_names: dict[str, list[str]] | None = None
                ) -> tuple[list[RawRecord], list[Reject], list[RegisterFile]]:
    """Read all inputs. Returns (records, rejects, registers), registers being each root's metadata.csv."""
    if columns:
        bad = set(columns) - set(FIELDS)
        if bad:
            raise ColumnMappingError(f"`columns` keys must be among {', '.join(FIELDS)}; got {', '.join(sorted(bad))}")
    names = column_names or load_column_names()
    records: list[RawRecord] = []
    rejects: list[Reject] = []
    registers: list[RegisterFile] = []
    roots = [Path(p) for p in raw_paths]
    for root in roots:
        if not root.exists():
            raise FileNotFoundError(f"raw path not found: {root}")
    for root, label in zip(roots, root_labels(roots)):
        prefix = f"{label}/" if label else ""
        for entry in walk(root):
            rel = prefix + entry.rel
            if entry.problem:
                rejects.append(Reject(rel, entry.problem))
                continue
            if root.is_dir() and entry.rel == config.REGISTER_NAME:
                registers.append(RegisterFile(entry.path, label, rel))
                continue
            records.extend(iter_entry(entry.path, entry.rel, label=label, names=names, mapping=columns,
                                      rejects=rejects, name_escaped=entry.name_escaped))
    return records, rejects, registers
