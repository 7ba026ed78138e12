"""Read every input under the raw paths into raw records, or a reject with its reason.

Supported: ``.txt`` (any common encoding, detected; mojibake repaired with ftfy), ``.html``/``.htm``
(main text and comments: :mod:`analysis.htmlpage`),
``.csv`` and ``.jsonl`` (one document a row; column names detected from
``data/reference/columns.yaml`` or mapped explicitly). Folders are read recursively in sorted
order. A file named ``metadata.csv`` at the top of a raw folder is the analyst's document register
(see :mod:`analysis.metadata`), never a corpus. Nothing here writes to the raw folders.
"""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import charset_normalizer
import ftfy
import yaml

from . import config, htmlpage

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TABLE_SUFFIXES = {".csv", ".jsonl", ".ndjson"}
FIELDS = ("id", "title", "text", "source", "date", "author", "url")

csv.field_size_limit(2**31 - 1)


@dataclass
class RawRecord:
    """One input document before cleaning."""

    path: str  # relative to its raw root; "file.csv#row=12" for tabular rows
    stem: str  # default doc_id before de-duplication
    folder: str  # parent folder relative to the raw root ("" at the top)
    kind: str  # "txt", "html" or "row"
    text: str  # decoded, repaired text (for html: the extracted main text)
    fields: dict = field(default_factory=dict)  # title, source, date, author, url, comments (html/rows)


@dataclass
class Reject:
    path: str
    reason: str


class ColumnMappingError(ValueError):
    pass


def load_column_names(path: Path | None = None) -> dict[str, list[str]]:
    data = yaml.safe_load(Path(path or config.COLUMN_NAMES).read_text(encoding="utf-8")) or {}
    return {f: [str(c).strip().lower() for c in data.get(f, [])] for f in FIELDS}


def fix_text(text: str, *, repair: bool = True) -> str:
    """Repair mojibake (``Hayâ€™at`` -> ``Hay’at``), normalise to NFC and unify line ends.

    Curly quotes are kept: they are part of the source text. ``repair=False`` skips the mojibake
    repair: for text decoded from a legacy 8-bit encoding, where "£" must stay "£"."""
    if repair and not text.isascii():
        text = ftfy.fix_text(text, uncurl_quotes=False, fix_latin_ligatures=False, normalization="NFC")
    else:
        text = unicodedata.normalize("NFC", text)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes) -> tuple[str | None, str | None]:
    """(text, None) or (None, reason). UTF-8 (with or without BOM) first, then detection."""
    text, problem, _ = decode_with_encoding(data)
    return text, problem


def decode_with_encoding(data: bytes) -> tuple[str | None, str | None, str | None]:
    """(text, None, encoding) or (None, reason, None)."""
    if not data:
        return None, "empty file", None
    head = data[:8192]
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return None, "binary file (NUL bytes)", None
    try:
        return data.decode("utf-8-sig"), None, "utf-8"
    except UnicodeDecodeError:
        pass
    # A few high bytes in otherwise ASCII text is Western text in cp1252/latin-1 (e.g. a lone
    # "\xa3" for £); statistical detectors misread such files as East Asian code pages.
    high = len(data.translate(None, bytes(range(128))))  # bytes >= 0x80
    if high <= max(8, len(data) // 50):
        for enc in ("cp1252", "latin-1"):
            try:
                return data.decode(enc), None, enc
            except UnicodeDecodeError:
                continue
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None, "undecodable: no text encoding fits", None
    text = str(best)
    # Control characters other than whitespace mean the bytes were not text after all.
    controls = sum(1 for ch in text[:4096] if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f")
    if controls > 4:
        return None, f"binary file (decoded as {best.encoding} but full of control characters)", None
    return text, None, best.encoding


def _match_columns(header: list[str], names: dict[str, list[str]], mapping: Mapping[str, str] | None):
    lower = {h.strip().lower(): h for h in header}
    found = {}
    for f in FIELDS:
        if mapping and f in mapping:
            col = mapping[f]
            if col not in header and col.strip().lower() not in lower:
                raise ColumnMappingError(
                    f"column mapping {f}={col!r}: no such column; the file has {', '.join(header)}"
                )
            found[f] = col if col in header else lower[col.strip().lower()]
            continue
        for cand in names[f]:
            if cand in lower:
                found[f] = lower[cand]
                break
    return found


def _rows_to_records(rel: str, rows: Iterable[tuple[int, dict | None, str | None]], header, names, mapping,
                     rejects: list[Reject]) -> list[RawRecord]:
    cols = _match_columns(header, names, mapping)
    if "text" not in cols:
        rejects.append(Reject(rel, f"no text column: looked for {', '.join(names['text'])}; "
                                   f"found {', '.join(map(str, header))} (map one with --column text=NAME)"))
        return []
    out = []
    stem = Path(rel).stem
    for rowno, row, problem in rows:
        where = f"{rel}#row={rowno}"
        if problem:
            rejects.append(Reject(where, problem))
            continue
        text = row.get(cols["text"])
        if not isinstance(text, str) or not text.strip():
            rejects.append(Reject(where, "empty text"))
            continue
        fields = {}
        for f in ("title", "source", "date", "author", "url"):
            v = row.get(cols[f]) if f in cols else None
            if v is not None and str(v).strip():
                fields[f] = fix_text(str(v)).strip()
        rid = row.get(cols["id"]) if "id" in cols else None
        rid = str(rid).strip() if rid is not None and str(rid).strip() else f"{stem}-{rowno}"
        out.append(RawRecord(where, rid, "", "row", fix_text(text), fields))
    return out


def _csv_rows(text):
    """``text``: the decoded file, or an open text file (read as a stream)."""
    # strict: an unbalanced quote is a malformed row, not a silent merge with the next rows
    reader = csv.reader(io.StringIO(text, newline="") if isinstance(text, str) else text, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return [], []
    n = len(header)

    def gen():
        rowno = 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                rowno += 1
                yield rowno, None, f"malformed row: {exc}"
                continue
            rowno += 1
            if not any(v.strip() for v in values):
                yield rowno, None, "empty row"
            elif len(values) != n:
                yield rowno, None, f"malformed row: expected {n} fields, got {len(values)}"
            else:
                yield rowno, dict(zip(header, values)), None

    return header, gen()


def _jsonl_rows(text: str):
    parsed = []
    keys: dict[str, None] = {}
    # split on "\n" only: U+2028 and friends may stand unescaped inside JSON strings
    for rowno, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            parsed.append((rowno, None, f"malformed JSON: {exc.msg} at column {exc.colno}"))
            continue
        except (ValueError, RecursionError) as exc:
            parsed.append((rowno, None, f"malformed JSON: {type(exc).__name__}"))
            continue
        if not isinstance(obj, dict):
            parsed.append((rowno, None, f"malformed row: expected a JSON object, got {type(obj).__name__}"))
            continue
        obj = {k: (v if isinstance(v, str) or v is None else json.dumps(v) if isinstance(v, (list, dict)) else str(v))
               for k, v in obj.items()}
        keys.update(dict.fromkeys(obj))
        parsed.append((rowno, obj, None))
    return list(keys), parsed


def _read_table_streaming(path: Path, rel: str, suffix: str, names, columns, rejects: list[Reject]):
    """Read a UTF-8 table as a stream, without holding the whole file in memory twice. Returns
    None (and adds nothing) when the file is not clean UTF-8: the caller then decodes it whole."""
    try:
        with open(path, "rb") as fb:
            head = fb.read(8192)
        if not head or (b"\x00" in head):
            return None
        local: list[Reject] = []
        with open(path, encoding="utf-8-sig", errors="strict", newline="") as f:
            if suffix in {".jsonl", ".ndjson"}:
                header, rows = _jsonl_rows(f.read())
            else:
                header, rows = _csv_rows(f)
            if not header:
                return None
            out = _rows_to_records(rel, rows, header, names, columns, local)
    except (UnicodeDecodeError, OSError):
        return None
    except ColumnMappingError as exc:
        rejects.append(Reject(rel, str(exc)))
        return []
    rejects.extend(local)
    return out


def iter_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted((p for p in root.rglob("*") if p.is_file()), key=lambda p: p.relative_to(root).as_posix())


def read_inputs(raw_paths: Iterable[Path | str], *, columns: Mapping[str, str] | None = None,
                column_names: dict[str, list[str]] | None = None) -> tuple[list[RawRecord], list[Reject], list[Path]]:
    """Read all inputs. Returns (records, rejects, registers) where registers are metadata.csv paths."""
    if columns:
        bad = set(columns) - set(FIELDS)
        if bad:
            raise ColumnMappingError(f"`columns` keys must be among {', '.join(FIELDS)}; got {', '.join(sorted(bad))}")
    names = column_names or load_column_names()
    records: list[RawRecord] = []
    rejects: list[Reject] = []
    registers: list[Path] = []
    for root in map(Path, raw_paths):
        if not root.exists():
            raise FileNotFoundError(f"raw path not found: {root}")
        base = root if root.is_dir() else root.parent
        label = "" if root.is_dir() else ""
        for path in iter_files(root):
            rel = label + path.relative_to(base).as_posix()
            folder = path.parent.relative_to(base).as_posix()
            folder = "" if folder == "." else folder
            if path.name == config.REGISTER_NAME and path.parent == base:
                registers.append(path)
                continue
            if any(part.startswith(".") for part in path.relative_to(base).parts):
                rejects.append(Reject(rel, "hidden file or folder (e.g. .ipynb_checkpoints), not read"))
                continue
            suffix = path.suffix.lower()
            if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES | TABLE_SUFFIXES:
                rejects.append(Reject(rel, f"unsupported file type {suffix or '(none)'!r}: "
                                           f"expected .txt, .html, .htm, .csv or .jsonl"))
                continue
            if suffix in TABLE_SUFFIXES:
                streamed = _read_table_streaming(path, rel, suffix, names, columns, rejects)
                if streamed is not None:
                    for r in streamed:
                        r.folder = folder
                    records.extend(streamed)
                    continue
            try:
                data = path.read_bytes()
            except OSError as exc:
                rejects.append(Reject(rel, f"unreadable: {exc.strerror or exc}"))
                continue
            text, problem, encoding = decode_with_encoding(data)
            repair = encoding == "utf-8"  # mojibake is UTF-8 read as cp1252 and saved again as UTF-8
            if problem:
                rejects.append(Reject(rel, problem))
                continue
            if not text.strip():
                rejects.append(Reject(rel, "blank file (only white space)"))
                continue
            if suffix in TEXT_SUFFIXES:
                records.append(RawRecord(rel, path.stem, folder, "txt", fix_text(text, repair=repair)))
            elif suffix in HTML_SUFFIXES:
                try:
                    body, fields = htmlpage.read_html(text)
                except Exception as exc:  # a broken page must not stop the build
                    rejects.append(Reject(rel, f"HTML extraction failed: {type(exc).__name__}: {exc}"))
                    continue
                if not body.strip():
                    rejects.append(Reject(rel, "no main text found in HTML"))
                    continue
                if fields.get("comments"):
                    fields["comments"] = fix_text(fields["comments"], repair=repair)
                records.append(RawRecord(rel, path.stem, folder, "html", fix_text(body, repair=repair), fields))
            else:
                header, rows = _jsonl_rows(text) if suffix in {".jsonl", ".ndjson"} else _csv_rows(text)
                if not header:
                    rejects.append(Reject(rel, "no rows"))
                    continue
                try:
                    got = _rows_to_records(rel, rows, header, names, columns, rejects)
                except ColumnMappingError as exc:
                    rejects.append(Reject(rel, str(exc)))
                    continue
                for r in got:
                    r.folder = folder
                records.extend(got)
    return records, rejects, registers
