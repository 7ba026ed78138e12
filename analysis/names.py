"""Normal forms of names for matching: the text side of the gazetteer (``analysis.groups``).

Two steps, both cheap on large texts:

* :func:`strip_invisible` removes characters that are not there for a reader: Unicode format characters
  (category Cf: zero-width joiner/non-joiner/space, RLM/LRM, word joiner, soft hyphen, BOM, ...), combining
  marks of a decomposed text ("H" + U+0323), and the transliteration signs for ayn/hamza (ʿ ʾ) at the edge of
  a word ("al-ʿIzza"). It returns the shorter text and, when anything was removed, the offset map
  ``keep`` (``keep[i]`` is the position in the original of character ``i``), so spans found in the stripped
  text map back exactly: ``start -> keep[start]``, ``end -> keep[end - 1] + 1``.
* :func:`normalise` is length-preserving: lower case, accents folded ("Ḥurrās ad-Dīn" -> "hurras ad din"),
  ʿ/ʾ inside a word and curly apostrophes to ``'``, hyphens, dashes and white space to a space. Offsets in
  its output are offsets in its input.

:func:`ordinal_forms` gives the spellings of an ordinal token ("13th" -> "thirteenth"), used to generate
alias variants ("13th Division" ~ "Thirteenth Division").
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np

__all__ = ["non_ascii", "normalise", "lower", "lower_chars", "fold", "strip_invisible", "ordinal_forms"]

APOSTROPHES = "’‘ʼ`´′ʻ"
DASHES = "-‐‑‒–—―"
SPACES = "\t\n\r\x0b\x0c\xa0\u2007\u2009\u200a\u202f\u3000"
AYN_HAMZA = "ʾʿ"  # U+02BE, U+02BF: transliteration signs
_EXTRA_FOLD = {"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h", "Ħ": "H",
               "ŧ": "t", "Ŧ": "T", "ß": "ß"}
_COMBINING_RANGES = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F),
                     (0x064B, 0x065F), (0x0670, 0x0670))
_UNITS = ["", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
          "eighteenth", "nineteenth"]
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_TENS_ORD = ["", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth",
             "ninetieth"]
_ORDINAL_RE = re.compile(r"^(\d{1,3})(st|nd|rd|th)$")


_NON_ASCII_RE = re.compile(r"[\x00-\x7f]+")


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], frozenset[str], re.Pattern]:
    """(map of non-ASCII characters to their fold, the removable characters, the removal regex).

    Built on first use (no work at import): every Latin letter that decomposes into an ASCII letter plus
    combining marks maps to that letter; curly apostrophes and ayn/hamza map to "'"; dashes and spaces to " "."""
    fold_map = dict(_EXTRA_FOLD)
    for lo, hi in ((0x00C0, 0x024F), (0x1E00, 0x1EFF)):
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            d = unicodedata.normalize("NFD", ch)
            if len(d) > 1 and d[0].isascii() and d[0].isalpha() and all(unicodedata.combining(c) for c in d[1:]):
                fold_map[ch] = d[0]
    fold_map.pop("ß", None)
    fold_map.update({ch: "'" for ch in APOSTROPHES + AYN_HAMZA if not ch.isascii()})
    fold_map.update({ch: " " for ch in DASHES + SPACES if not ch.isascii()})
    cf = [chr(cp) for cp in range(0x00A0, 0x10000) if unicodedata.category(chr(cp)) == "Cf"]
    cf += [chr(cp) for lo, hi in _COMBINING_RANGES for cp in range(lo, hi + 1)]
    cls = "".join(re.escape(c) for c in cf)
    # ayn/hamza are removed only at the edge of a word; inside a word they become an apostrophe
    precise = re.compile("[" + cls + "]|(?<![^\\W\\d_])[" + AYN_HAMZA + "]|[" + AYN_HAMZA + "](?![^\\W\\d_])")
    return fold_map, frozenset(cf) | frozenset(AYN_HAMZA), precise


def non_ascii(text: str) -> frozenset[str]:
    """The distinct non-ASCII characters of ``text`` (one fast pass; pass it on to the functions below when
    one text goes through several of them)."""
    return frozenset() if text.isascii() else frozenset(_NON_ASCII_RE.sub("", text))


def strip_invisible(text: str, *, chars: frozenset[str] | None = None) -> tuple[str, np.ndarray | None]:
    """``text`` without invisible characters, and the offset map (None when nothing was removed)."""
    _, removable, precise = _tables()
    if chars is None:
        chars = non_ascii(text)
    if not chars & removable:
        return text, None
    gone = [m.start() for m in precise.finditer(text)]
    if not gone:
        return text, None
    keep = np.delete(np.arange(len(text), dtype=np.int64), gone)
    return precise.sub("", text), keep


def fold(text: str, *, chars: frozenset[str] | None = None, hyphens: bool = False) -> str:
    """Accents folded, straight apostrophes, spaces for hyphens/dashes/white space; case kept.
    With ``hyphens`` every dash becomes "-" instead of a space. Length-preserving."""
    fold_map = _tables()[0]
    if chars is None:
        chars = non_ascii(text)
    for ch in chars:
        rep = fold_map.get(ch)
        if rep is not None:
            text = text.replace(ch, "-" if hyphens and ch in DASHES else rep)
    for ch in "\t\n\r\x0b\x0c`" if hyphens else "-\t\n\r\x0b\x0c`":
        if ch in text:
            text = text.replace(ch, "'" if ch == "`" else " ")
    return text


def normalise(text: str, *, chars: frozenset[str] | None = None, hyphens: bool = False) -> str:
    """Length-preserving normal form for matching: lower case, accents folded, straight apostrophes,
    hyphens/dashes/white space as spaces (with ``hyphens``: dashes as "-", for rules that tell
    "al-Qaeda-linked" from "al-Qaeda linked")."""
    if chars is None:
        chars = non_ascii(text)
    return fold(lower(text), chars=lower_chars(chars), hyphens=hyphens)


def lower(text: str) -> str:
    """Lower case, length-preserving (the few characters that lower-case to two, "İ", are kept as they are)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    return low


def lower_chars(chars: frozenset[str]) -> frozenset[str]:
    """The non-ASCII characters of ``lower(text)`` given those of ``text``."""
    return chars | frozenset(c.lower() for c in chars if len(c.lower()) == 1)


def _ordinal_word(n: int) -> str | None:
    if n < 1 or n > 99:
        return None
    if n < 10:
        return _UNITS[n]
    if n < 20:
        return _TEENS[n - 10]
    tens, units = divmod(n, 10)
    return _TENS_ORD[tens] if units == 0 else f"{_TENS[tens]} {_UNITS[units]}"


@lru_cache(maxsize=1)
def _word_to_number() -> dict[str, int]:
    return {w: n for n in range(1, 100) if " " not in (w := _ordinal_word(n) or " ")}


def ordinal_forms(token: str) -> tuple[str, ...]:
    """Spellings of an ordinal token (normalised, lower case): "13th" -> ("13th", "thirteenth");
    "first" -> ("first", "1st"); anything else -> (token,)."""
    m = _ORDINAL_RE.match(token)
    if m:
        word = _ordinal_word(int(m.group(1)))
        return (token, word) if word else (token,)
    n = _word_to_number().get(token)
    if n is None:
        return (token,)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return (token, f"{n}{suffix}")
