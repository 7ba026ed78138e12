"""Tables (CSV, JSON Lines) read strictly, one row at a time, every bad row explained.

- CSV: the delimiter is sniffed (``,``, ``;``, tab or ``|``) from the first lines; quotes are strict. A
  quoted cell may hold line breaks (a multi-line article); but a record that spans lines and is malformed
  (an unbalanced quote, a wrong number of fields, or quotes that do not pair up line by line as a CSV
  writer pairs them) is one malformed row naming the row where its quote closes (or that it never
  closes), and the lines after its first are read again as rows of their own, so one bad row never
  swallows others and row numbers stay true. A malformed header is a problem of the file, never a
  traceback.
- JSON Lines: one object per line; a line that is not an object is a malformed row saying what it is;
  a whole file that is one JSON document spread over lines is explained as such.
- Column and key names are matched ignoring case and surrounding spaces; duplicate names are reported
  (the first one is read). A row holding a NUL byte (binary data) or repeating the header is rejected.

Row numbers are 1-based data rows (the header is not a row); ``lines`` gives the physical lines.
"""
from __future__ import annotations

import csv
import io
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Iterator

__all__ = ["Row", "Table", "DELIMITERS", "read_csv", "read_jsonl", "names_key"]

csv.field_size_limit(2**31 - 1)

#: Delimiters tried when sniffing, in order of preference on a tie.
DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 20
#: Lines re-read after malformed multi-line records, at most: past it, the rest of the file is one reject.
REPLAY_BUDGET = 2_000_000
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


@dataclass
class Row:
    number: int  # 1-based data row
    lines: tuple[int, int]  # first and last physical line (1-based) of the row
    values: dict[str, str] | None  # normalised column name (see names_key) -> value; None when malformed
    problem: str | None = None
    notes: list[str] = field(default_factory=list)  # kept, but ...


@dataclass
class Table:
    header: list[str]  # column names as written
    rows: Iterator[Row]
    problem: str | None = None  # the file cannot be read as a table (malformed header, not JSON Lines, ...)
    notes: list[str] = field(default_factory=list)  # about the file, e.g. duplicate column names
    delimiter: str | None = None


def names_key(name: object) -> str:
    """How column and key names are compared: case and surrounding spaces ignored."""
    return str(name).strip().lower()


def _duplicates(names: list[str]) -> tuple[dict[str, int], list[str]]:
    """First position of each normalised name, and notes on the repeated ones."""
    first: dict[str, int] = {}
    notes = []
    for i, n in enumerate(names):
        k = names_key(n)
        if k in first:
            notes.append(f"duplicate column name {n!r} (columns {first[k] + 1} and {i + 1}): column {first[k] + 1} "
                         f"is read")
        else:
            first[k] = i
    return first, notes


# --------------------------------------------------------------------------- CSV

class _Lines:
    """Physical lines with their numbers; lines can be given back to be read again."""

    def __init__(self, source: Iterable[str]):
        self._src = iter(source)
        self._pending: deque[tuple[int, str]] = deque()
        self._next_no = 1
        self.taken: list[tuple[int, str]] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        if self._pending:
            no, line = self._pending.popleft()
        else:
            line = next(self._src)
            no = self._next_no
            self._next_no += 1
        self.taken.append((no, line))
        return line

    def give_back(self, lines: list[tuple[int, str]]) -> None:
        self._pending.extendleft(reversed(lines))

    def peek(self, n: int) -> list[str]:
        """The next ``n`` lines, left to be read."""
        got = []
        while len(self._pending) < n:
            try:
                line = next(self._src)
            except StopIteration:
                break
            self._pending.append((self._next_no, line))
            self._next_no += 1
        for no, line in list(self._pending)[:n]:
            got.append(line)
        return got


def _sniff(lines: list[str]) -> str:
    """The delimiter that splits the header into the most columns that the next lines agree with."""
    best, best_score = ",", (-1, -1)
    sample = "".join(lines)
    for d in DELIMITERS:
        try:
            rows = list(csv.reader(io.StringIO(sample, newline=""), delimiter=d))
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        n = len(rows[0])
        body = [r for r in rows[1:] if r]
        if len(lines) == _SNIFF_LINES and body:
            body = body[:-1]  # the last sampled line may be cut inside a quoted cell
        agree = sum(len(r) == n for r in body)
        score = (agree, n) if body else (0, n)
        if score > best_score:
            best, best_score = d, score
    return best


def _quotes_pair_up(lines: list[str], quote: str) -> bool:
    """Whether a record over several lines is one quoted cell with line breaks, as a CSV writer makes it:
    its first line opens the cell (an odd number of quotes), its last closes it (odd), and the lines
    between hold only doubled quotes (even). A quote that runs into the next row breaks this."""
    counts = [line.count(quote) for line in lines]
    return counts[0] % 2 == 1 and counts[-1] % 2 == 1 and all(c % 2 == 0 for c in counts[1:-1])


def read_csv(source: str | Iterable[str], *, delimiter: str | None = None) -> Table:
    """Read CSV from its decoded text or from an open text file (``newline=""``), as a stream."""
    lines = _Lines(io.StringIO(source, newline="") if isinstance(source, str) else source)
    d = delimiter or _sniff(lines.peek(_SNIFF_LINES))
    reader = csv.reader(lines, delimiter=d, strict=True)
    lines.taken = []
    try:
        header = next(reader)
    except StopIteration:
        return Table([], iter(()), problem="no header and no rows", delimiter=d)
    except csv.Error as exc:
        return Table([], iter(()), problem=f"malformed header (line 1): {exc}", delimiter=d)
    if len(lines.taken) > 1:
        return Table([], iter(()), problem=f"malformed header: a quote in the header runs over "
                                           f"{len(lines.taken)} lines", delimiter=d)
    if not any(h.strip() for h in header):
        return Table(header, iter(()), problem="blank header line: the first line must name the columns",
                     delimiter=d)
    first, notes = _duplicates(header)
    if d != ",":
        notes = [f"read as {_DELIMITER_NAMES[d]}-delimited"] + notes
    return Table(header, _csv_rows(reader, lines, header, first), notes=notes, delimiter=d)


def _csv_rows(reader, lines: _Lines, header: list[str], first: dict[str, int]) -> Iterator[Row]:
    n = len(header)
    header_key = [h.strip() for h in header]
    rowno = 0
    budget = REPLAY_BUDGET
    while True:
        lines.taken = []
        problem = None
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            values, problem = None, str(exc)
        taken = lines.taken
        if not taken:  # csv reports an error at the end of the data without taking a line
            return
        rowno += 1
        span = (taken[0][0], taken[-1][0])
        if values is not None and len(values) != n and not (not values and len(taken) == 1):
            problem = f"expected {n} fields, got {len(values)}"
        if not problem and len(taken) > 1 and not _quotes_pair_up([line for _, line in taken], reader.dialect.quotechar):
            problem = "its quotes do not pair up line by line"
        if problem and len(taken) > 1:
            # One record over several lines, and broken: a quote opened in this row. Read the lines after
            # its first again as rows of their own, so that nothing is swallowed and numbers stay true.
            where = ("never closes (the file ends inside it)" if problem == "unexpected end of data"
                     else f"closes only in row {rowno + len(taken) - 1} ({problem})")
            yield Row(rowno, (span[0], span[0]), None,
                      f"malformed row: a quote opened in this row {where}; the rows after it are read on their own")
            replay = taken[1:]
            budget -= len(replay)
            if budget < 0:
                yield Row(rowno + 1, (replay[0][0], replay[-1][0]), None,
                          f"malformed rows from row {rowno + 1} on: too many unbalanced quotes to recover; "
                          f"the rest of the file is not read")
                return
            lines.give_back(replay)
            continue
        if problem == "unexpected end of data":
            yield Row(rowno, span, None, "malformed row: a quote opened in this row never closes (the file ends "
                                         "inside it)")
        elif problem:
            yield Row(rowno, span, None, f"malformed row: {problem}")
        elif not any(v.strip() for v in values):
            yield Row(rowno, span, None, "empty row")
        elif any("\x00" in line for _, line in taken):
            yield Row(rowno, span, None, "binary data (NUL bytes) in this row")
        elif [v.strip() for v in values] == header_key:
            yield Row(rowno, span, None, "the header line repeated (files joined together?)")
        else:
            yield Row(rowno, span, {k: values[i] for k, i in first.items()})


# --------------------------------------------------------------------------- JSON Lines

class _Object(dict):
    """A JSON object that remembers the keys it was given twice (JSON keeps the last, silently)."""

    repeated: tuple = ()


def _pairs(pairs: list[tuple[str, object]]) -> _Object:
    out = _Object(pairs)
    if len(out) < len(pairs):
        seen: set = set()
        out.repeated = tuple(k for k, _ in pairs if k in seen or seen.add(k))
    return out


def _json_type(obj: object) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "true/false", type(None): "null",
            int: "a number", float: "a number"}.get(type(obj), type(obj).__name__)


def read_jsonl(text: str) -> Table:
    """Read JSON Lines from its decoded text. Keys are matched ignoring case (``text`` and ``Text``)."""
    rows: list[Row] = []
    objects = 0
    lines = text.split("\n")  # "\n" only: U+2028 and friends may stand unescaped inside JSON strings
    for no, line in enumerate(lines, start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        if "\x00" in line:
            rows.append(Row(no, (no, no), None, "binary data (NUL bytes) in this row"))
            continue
        try:
            obj = json.loads(line, object_pairs_hook=_pairs)
        except json.JSONDecodeError as exc:
            rows.append(Row(no, (no, no), None, f"malformed JSON: {exc.msg} at column {exc.colno}"))
            continue
        except (ValueError, RecursionError) as exc:
            rows.append(Row(no, (no, no), None, f"malformed JSON: {type(exc).__name__}: {str(exc)[:120]}"))
            continue
        if not isinstance(obj, dict):
            what = _json_type(obj)
            more = f" of {len(obj):,} items" if isinstance(obj, list) else ""
            rows.append(Row(no, (no, no), None, f"malformed row: expected a JSON object, got {what}{more} "
                                                f"(JSON Lines has one object per line)"))
            continue
        objects += 1
        notes = []
        if obj.repeated:
            notes.append(f"key {obj.repeated[0]!r} given twice: the last value is read")
        values: dict[str, str] = {}
        for k, v in obj.items():
            key = names_key(k)
            if key in values:
                notes.append(f"keys differing only in case ({k!r}): the first is read")
                continue
            if v is None or isinstance(v, str):
                values[key] = v
            elif isinstance(v, (list, dict)):
                values[key] = json.dumps(v, ensure_ascii=False)
            else:
                values[key] = json.dumps(v)
        if any(isinstance(v, str) and "\x00" in v for v in values.values()):
            rows.append(Row(no, (no, no), None, "binary data (NUL, written \\u0000) in this row"))
            continue
        rows.append(Row(no, (no, no), values, notes=notes))
    problem = None
    if rows and not objects and len(rows) > 1:
        try:
            whole = json.loads(text)
        except (ValueError, RecursionError):
            whole = None
        if whole is not None:
            problem = (f"not JSON Lines: the file is one JSON document ({_json_type(whole)}) over {len(lines):,} "
                       f"lines; JSON Lines has one object per line")
    header = list(dict.fromkeys(k for r in rows if r.values for k in r.values))
    return Table(header, iter(() if problem else rows), problem=problem)
