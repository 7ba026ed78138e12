"""Bytes -> text a reader would trust, and a count of every byte that could not be read as sent.

- A byte-order mark (UTF-8, UTF-16, UTF-32) decides the encoding and is removed; UTF-16 and UTF-32
  without one are recognised by where their zero bytes fall.
- Valid UTF-8 is UTF-8. A file with invalid bytes is read line by line: a line that is overwhelmingly
  valid UTF-8 stays UTF-8 and each bad byte becomes U+FFFD (counted); a line with no UTF-8 beyond ASCII
  is in the file's legacy encoding (cp1252 for Western text with a few accented letters, the charset an
  HTML page declares, else what charset-normalizer detects); a line mixing both keeps its UTF-8 and reads
  the bad bytes in the legacy encoding. A file with no valid UTF-8 at all is read whole in its legacy
  encoding, as before.
- Mojibake (UTF-8 read as cp1252 and saved again: ``Hayâ€™at``) is repaired with ftfy on lines that were
  UTF-8, never on lines read from a legacy encoding (where ``£`` must stay ``£``).
- A zero-filled tail (an incomplete download) is dropped and counted; bytes full of control characters are
  not text. Control characters are left in the text: :func:`remove_controls` takes them out where a
  caller wants that (a table row with a NUL is rejected instead, see :mod:`analysis.tables`).

Invisible format characters (Unicode category Cf: ZWJ, ZWNJ, soft hyphen, RLM) are kept: they are part of
the source text, and group matching ignores them (:mod:`analysis.groups`).
"""
from __future__ import annotations

import codecs
import io
import re
import threading
import unicodedata
from dataclasses import dataclass, field

import charset_normalizer
import ftfy
from charset_normalizer.md import mess_ratio
import ftfy.bad_codecs  # noqa: F401  (registers "sloppy-windows-1252": cp1252 that decodes every byte)

__all__ = ["Decoded", "decode", "decode_bytes", "declared_charset", "fix_text", "remove_controls",
           "count_controls", "BINARY_CONTROL_SHARE"]

#: Byte-order marks, longest first (the UTF-32-LE mark starts with the UTF-16-LE one).
BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
#: Control characters that are not white space (C0 but tab, newline, vertical tab, form feed, return; DEL).
CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
#: Text with more control characters than this share (and more than 4) is binary data.
BINARY_CONTROL_SHARE = 0.005
#: A line is UTF-8 with some damage when its valid non-ASCII characters outnumber its bad bytes this much.
UTF8_MAJORITY = 4
#: charset-normalizer's measure of a jumble of scripts and symbols past which decoded text is not text.
MESS_THRESHOLD = 0.2
#: ... and past which it is a jumble (binary data, an East Asian code page read as cp1252), not odd text.
JUMBLE_THRESHOLD = 1.0
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0e, 0x20), 0x7f])
_ESCAPED_RE = re.compile("[\udc80-\udcff]+")  # bytes that were not UTF-8, kept by "surrogateescape"
_HIGH_RE = re.compile("[^\x00-\x7f]")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_XML_ENCODING_RE = re.compile(rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""", re.I)
_SAMPLE = 65536
_FTFY = {"uncurl_quotes": False, "fix_latin_ligatures": False, "normalization": "NFC"}


@dataclass(frozen=True)
class Decoded:
    """The result of :func:`decode`: ``text`` (None when the bytes are not text, with ``problem`` saying
    why), the ``encoding`` read ("utf-8", "utf-16-le", "cp1252", "utf-8+cp1252" for a mixed file, ...),
    ``notes`` (what was kept with a change, for a "kept, but ..." entry) and ``line_notes`` (the same per
    1-based physical line, so that a table can name its rows)."""

    text: str | None
    encoding: str | None = None
    problem: str | None = None
    notes: tuple[str, ...] = ()
    line_notes: dict[int, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- small public helpers

def fix_text(text: str, *, repair: bool = True) -> str:
    """Repair mojibake (``Hayâ€™at`` -> ``Hay’at``), normalise to NFC and unify line ends.

    Curly quotes are kept: they are part of the source text. ``repair=False`` skips the mojibake
    repair: for text decoded from a legacy 8-bit encoding, where "£" must stay "£"."""
    return _line_ends(_repair(text, repair=repair))


def _repair(text: str, *, repair: bool) -> str:
    if repair and not text.isascii():
        return ftfy.fix_text(text, **_FTFY)
    return unicodedata.normalize("NFC", text)


def _line_ends(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def count_controls(text: str) -> int:
    """Control characters in ``text`` that are not white space."""
    return sum(1 for _ in CONTROL_RE.finditer(text))


def remove_controls(text: str) -> tuple[str, int]:
    """``text`` without its non-white-space control characters, and how many there were."""
    n = count_controls(text)
    return (CONTROL_RE.sub("", text), n) if n else (text, 0)


def declared_charset(head: bytes) -> str | None:
    """The 8-bit charset an HTML ``<meta>`` or XML declaration in ``head`` names, as a Python codec
    name; None when none is declared, the name is unknown, or it names a Unicode encoding (those are
    recognised from the bytes). As in browsers, ``iso-8859-1`` and ``us-ascii`` mean windows-1252."""
    m = _META_CHARSET_RE.search(head) or _XML_ENCODING_RE.search(head)
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    if name.startswith("utf"):
        return None
    return "cp1252" if name in ("latin-1", "iso8859-1", "ascii") else name


def decode_bytes(data: bytes) -> tuple[str | None, str | None]:
    """(text, None) or (None, reason): :func:`decode` without repair, for callers that only need text."""
    d = decode(data, repair=False)
    return d.text, d.problem


# --------------------------------------------------------------------------- decoding

def decode(data: bytes, *, repair: bool = True, declared: str | None = None) -> Decoded:
    """Decode ``data`` (see the module docstring). ``repair``: repair mojibake on UTF-8 lines and
    normalise (NFC, ``\\n`` line ends; see :func:`fix_text`); ``declared``: the legacy encoding an HTML page
    names for itself (:func:`declared_charset`), used for the bytes that are not UTF-8."""
    if not data:
        return Decoded(None, problem="empty file")
    start, codec = 0, None
    for bom, name in BOMS:
        if data.startswith(bom):
            start, codec = len(bom), name
            break
    if codec is None:
        codec = _wide_guess(data[:_SAMPLE])
    unit = 4 if codec and codec.startswith("utf-32") else 2 if codec and codec.startswith("utf-16") else 1
    end = _end_of_content(data, start, unit)
    notes: list[str] = []
    if end < len(data):
        notes.append(f"a zero-filled tail: {_n(len(data) - end, 'trailing NUL byte')} dropped (an incomplete download?)")
    if end == start:
        what = f"only a {codec.upper()} byte-order mark" if start else "only NUL bytes"
        return Decoded(None, problem=f"empty file ({what})")
    body = memoryview(data)[start:end]
    if codec is None:
        head = data[:min(end, _SAMPLE)]  # control bytes mean the same in every ASCII-based encoding
        ctrl = len(head) - len(head.translate(None, _CONTROL_BYTES))
        if ctrl > 4 and ctrl > BINARY_CONTROL_SHARE * len(head):
            nul = head.count(0)
            return Decoded(None, problem=f"binary file ({ctrl:,} control bytes in the first {len(head):,}"
                                         f"{f', {nul:,} of them NUL' if nul else ''})")
    if codec and codec != "utf-8":  # UTF-16 or UTF-32, by its mark or its zero bytes
        text, bad = _decode_counting(body, codec)
        if bad:
            notes.append(f"not valid {codec.upper()}: {_n(bad, 'byte')} replaced by U+FFFD")
        if _binary(text):
            return Decoded(None, problem=_binary_reason(text, codec.upper()))
        return _done(fix_text(text) if repair else text, codec, notes, {})
    try:
        text = str(body, "utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if _binary(text):
            return Decoded(None, problem=_binary_reason(text))
        return _done(fix_text(text, repair=repair) if repair else text, "utf-8", notes, {})
    return _decode_mixed(bytes(body), repair=repair, declared=declared, notes=notes)


def _done(text: str, encoding: str, notes: list[str], line_notes: dict[int, str]) -> Decoded:
    if not text:
        return Decoded(None, encoding, "empty file", tuple(notes), line_notes)
    return Decoded(text, encoding, None, tuple(notes), line_notes)


def _binary(text: str) -> bool:
    n = count_controls(text)
    return n > 4 and n > BINARY_CONTROL_SHARE * len(text)


def _binary_reason(text: str, encoding: str | None = None) -> str:
    n = count_controls(text)
    nul = text.count("\x00")
    what = f"{n:,} control characters, {nul:,} of them NUL" if nul else f"{n:,} control characters"
    return f"binary file ({what} in {len(text):,} characters{f' read as {encoding}' if encoding else ''})"


def _end_of_content(data: bytes, start: int, unit: int) -> int:
    """The end of ``data`` without its zero-filled tail, on a code-unit boundary after ``start``."""
    end = len(data)
    step = 1 << 20
    while end > start:  # walk back over whole blocks of zeros without copying the data
        lo = max(start, end - step)
        block = data[lo:end]
        kept = len(block.rstrip(b"\x00"))
        if kept:
            end = lo + kept
            break
        end = lo
    if unit > 1 and end > start:
        end = min(len(data), start + -(-(end - start) // unit) * unit)  # the last unit may end in zeros
    return end


def _wide_guess(head: bytes) -> str | None:
    """UTF-32 or UTF-16 without a byte-order mark, recognised by where the zero bytes fall; None when
    the bytes do not look like either."""
    head = head.rstrip(b"\x00")
    n = len(head) - len(head) % 4
    if n < 8 or head.count(0) < n // 20:
        return None
    q = n // 4
    zeros = [head[i:n:4].count(0) for i in range(4)]
    guesses = []
    if zeros[3] == q and zeros[2] >= 0.9 * q and zeros[0] < 0.5 * q:
        guesses.append("utf-32-le")
    if zeros[0] == q and zeros[1] >= 0.9 * q and zeros[3] < 0.5 * q:
        guesses.append("utf-32-be")
    even, odd = zeros[0] + zeros[2], zeros[1] + zeros[3]  # spaces and ASCII put zeros on one side only
    if odd >= max(3, 0.1 * 2 * q) and even * 8 <= odd:
        guesses.append("utf-16-le")
    if even >= max(3, 0.1 * 2 * q) and odd * 8 <= even:
        guesses.append("utf-16-be")
    for codec in guesses:
        unit = 4 if codec.startswith("utf-32") else 2
        try:
            sample = head[:len(head) - len(head) % unit].decode(codec)
        except UnicodeDecodeError:
            sample = head[:len(head) - len(head) % unit - 2].decode(codec, errors="replace")  # cut pair
            if sample.count("\ufffd") > 1:
                continue
        if not _binary(sample) and _mostly_text(sample):
            return codec
    return None


def _mostly_text(sample: str) -> bool:
    """Letters, marks, numbers, punctuation and spaces make up nearly all of ``sample``."""
    bad = sum(1 for ch in sample if unicodedata.category(ch)[0] == "C" and ch not in "\t\n\r\f\v")
    return bad <= 0.02 * len(sample)


_COUNTER = threading.local()


def _count_errors(exc: UnicodeDecodeError) -> tuple[str, int]:
    _COUNTER.n += exc.end - exc.start
    return "\ufffd", exc.end


def _decode_counting(data, codec: str) -> tuple[str, int]:
    """Decode with every undecodable byte replaced by U+FFFD; (text, how many bytes were replaced)."""
    try:
        codecs.lookup_error("analysis.count")
    except LookupError:
        codecs.register_error("analysis.count", _count_errors)
    _COUNTER.n = 0
    text = codecs.decode(data, codec, "analysis.count")
    return text, _COUNTER.n


def _legacy_encoding(sample: bytes, declared: str | None, *, western_unless: float = MESS_THRESHOLD) -> str | None:
    """The 8-bit encoding of the bytes that are not UTF-8: cp1252 unless it reads as a mess of at least
    ``western_unless`` (or cannot read them), else what charset-normalizer finds."""
    if declared:
        return declared
    # A few high bytes in otherwise ASCII text is Western text in cp1252 (e.g. a lone "\xa3" for £);
    # statistical detectors misread such text as East Asian code pages.
    high = len(sample.translate(None, bytes(range(128))))
    if high <= max(8, len(sample) // 50):
        return "sloppy-windows-1252"
    # Western text with many accents: charset-normalizer guesses among Latin code pages from little
    # evidence (French in cp1252 comes out as mac_latin2); cp1252 wins when it reads as clean text.
    try:
        western = sample[:_SAMPLE].decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and mess_ratio(western, western_unless) < western_unless:
        return "sloppy-windows-1252"
    best = charset_normalizer.from_bytes(sample).best()
    if best is None or best.encoding.startswith("utf"):
        return None
    return best.encoding


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _line_list(numbers: list[int], limit: int = 5) -> str:
    shown = ", ".join(map(str, numbers[:limit]))
    more = f" and {len(numbers) - limit:,} more" if len(numbers) > limit else ""
    return f"line{'s' if len(numbers) > 1 else ''} {shown}{more}"


def _codec_label(codec: str) -> str:
    return "cp1252" if codec == "sloppy-windows-1252" else codec


def _decode_legacy(data: bytes, *, repair: bool, declared: str | None, notes: list[str]) -> Decoded:
    codec = _legacy_encoding(data, declared)
    if codec is None:
        return Decoded(None, problem="undecodable: no text encoding fits")
    text, bad = _decode_counting(data, codec)
    if _binary(text):
        return Decoded(None, problem=_binary_reason(text, _codec_label(codec)))
    if bad:
        notes.append(f"not valid {_codec_label(codec)}: {_n(bad, 'byte')} replaced by U+FFFD")
    return _done(fix_text(text, repair=False) if repair else text, _codec_label(codec), notes, {})


def _decode_mixed(data: bytes, *, repair: bool, declared: str | None, notes: list[str]) -> Decoded:
    """Bytes that are not valid UTF-8: line by line when some lines are UTF-8, else whole in the
    legacy encoding. Lines end at ``\n``, ``\r`` or ``\r\n``, as for the CSV reader."""
    u = data.decode("utf-8", "surrogateescape")
    lines = io.StringIO(u, newline="").readlines()
    kind: list[str] = []  # per line: "ascii", "utf8", "fffd", "legacy" or "runs"
    bad_of: dict[int, int] = {}
    legacy_parts: list[bytes] = []
    utf8_evidence = 0
    for i, line in enumerate(lines):
        if line.isascii():
            kind.append("ascii")
            continue
        bad = sum(m.end() - m.start() for m in _ESCAPED_RE.finditer(line))
        good = sum(1 for _ in _HIGH_RE.finditer(line)) - bad
        if not bad:
            kind.append("utf8")
            utf8_evidence += 1
            continue
        bad_of[i] = bad
        if good >= UTF8_MAJORITY * bad:
            kind.append("fffd")
            utf8_evidence += 1
        elif good * UTF8_MAJORITY <= bad:
            kind.append("legacy")
            legacy_parts.append(line.encode("utf-8", "surrogateescape"))
        else:
            kind.append("runs")
            utf8_evidence += 1
            legacy_parts.extend(m.group().encode("utf-8", "surrogateescape") for m in _ESCAPED_RE.finditer(line))
    if not utf8_evidence:  # no UTF-8 anywhere: one legacy encoding for the whole file
        return _decode_legacy(data, repair=repair, declared=declared, notes=notes)
    # The few lines of another encoding in a UTF-8 file are too little evidence for a detector: they
    # are cp1252 (a Windows editor or export) unless that reads as a jumble.
    codec = (_legacy_encoding(b"\n".join(legacy_parts), declared, western_unless=JUMBLE_THRESHOLD)
             if legacy_parts else None) or "sloppy-windows-1252"
    label = _codec_label(codec)
    out: list[str] = []
    line_notes: dict[int, str] = {}
    fffd, legacy_lines = [], []

    def fix(text: str, utf8: bool) -> str:  # mojibake repair on UTF-8 lines only; nothing without repair
        return _repair(text, repair=utf8) if repair else text

    for i, (line, k) in enumerate(zip(lines, kind)):
        if k == "ascii":
            out.append(line)
            continue
        core = line.rstrip("\r\n")
        end = line[len(core):]
        if k == "utf8":
            out.append(fix(core, True) + end)
            continue
        if k == "fffd":
            core = _ESCAPED_RE.sub(lambda m: "\ufffd" * (m.end() - m.start()), core)
            out.append(fix(core, True) + end)
            fffd.append(i + 1)
            line_notes[i + 1] = f"not valid UTF-8: {_n(bad_of[i], 'byte')} replaced by U+FFFD"
            continue
        if k == "legacy":
            text, _ = _decode_counting(core.encode("utf-8", "surrogateescape"), codec)
            out.append(fix(text, False) + end)
        else:  # UTF-8 with legacy bytes inside the line
            text = _ESCAPED_RE.sub(lambda m: _decode_counting(m.group().encode("utf-8", "surrogateescape"),
                                                             codec)[0], core)
            out.append(fix(text, True) + end)
        legacy_lines.append(i + 1)
        line_notes[i + 1] = f"another encoding: read as {label}, not UTF-8 like the rest of the file"
    # Bytes that only look like UTF-8 here and there (binary data, an East Asian code page) read as a
    # jumble of unrelated scripts: then the whole file is one legacy encoding, or none.
    suspect = "".join(out[i] for i, k in enumerate(kind) if k in ("legacy", "runs"))[:_SAMPLE]
    if suspect and mess_ratio(suspect, JUMBLE_THRESHOLD) >= JUMBLE_THRESHOLD:
        return _decode_legacy(data, repair=repair, declared=declared, notes=notes)
    text = "".join(out)
    if repair:
        text = _line_ends(text)
    if _binary(text):
        return Decoded(None, problem=_binary_reason(text))
    if fffd:
        notes.append(f"not valid UTF-8: {_n(sum(bad_of[i - 1] for i in fffd), 'byte')} replaced by U+FFFD "
                     f"({_line_list(fffd)})")
    if legacy_lines:
        notes.append(f"lines in another encoding: {_n(len(legacy_lines), 'line')} not UTF-8 like the rest of the "
                     f"file, read as {label} ({_line_list(legacy_lines)})")
    return _done(text, f"utf-8+{label}" if legacy_lines else "utf-8", notes, line_notes)
