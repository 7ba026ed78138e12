"""Paragraphs, sentences and word tokens, with character offsets.

Sentences come from NLTK's Punkt splitter used *untrained* (no model download) with the
abbreviation list in ``data/reference/abbreviations.txt``, so "U.S.", "Lt. Col." and "Feb. 2017"
do not end a sentence. All offsets are Python string indices into the text given.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from . import config

#: Paragraph separator in clean text: one or more blank lines.
PARAGRAPH_BREAK_RE = re.compile(r"\n[ \t]*\n\s*")
#: Word tokens: letters/digits with inner apostrophes, hyphens, periods in acronyms or numbers.
WORD_RE = re.compile(
    r"(?:[^\W_](?:\.[^\W_])+\.?)"  # U.S., U.N.
    r"|(?:\d+(?:[.,:]\d+)*)"  # 45,000 / 2.5 / 10:30
    r"|(?:[^\W\d_](?:[\w]|['’\-][^\W_])*)"  # words, al-Sham, Hay’at, don't
)
SPACE_RE = re.compile(r"\s+")
#: Sentences longer than this many characters are split (see :func:`sentence_spans`): the pairs of names in
#: one sentence grow with the square of its length, so one run-on line must not cost quadratic memory.
MAX_SENTENCE_CHARS = 5000
#: Where a long sentence may be split, best first: after a clause mark, after a dash, at a space.
_CUT_RES = (re.compile(r"[;:,)\]](?=\s)"), re.compile(r"\s[–—-](?=\s)"), re.compile(r"\s"))


def read_abbreviations(path: Path | None = None) -> frozenset[str]:
    """Abbreviations (lower case, without the final period) from the reference file."""
    path = Path(path) if path is not None else config.ABBREVIATIONS
    items = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#"):
            items.add(line.rstrip("."))
    return frozenset(items)


@lru_cache(maxsize=4)
def _splitter(abbreviations: frozenset[str]) -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(abbreviations)
    return PunktSentenceTokenizer(params)


def sentence_splitter(*, abbreviations_path: Path | None = None) -> PunktSentenceTokenizer:
    return _splitter(read_abbreviations(abbreviations_path))


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank paragraph; paragraphs are separated by blank lines."""
    spans = []
    pos = 0
    for m in PARAGRAPH_BREAK_RE.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for a, b in spans:
        seg = text[a:b]
        stripped = seg.strip()
        if stripped:
            a2 = a + (len(seg) - len(seg.lstrip()))
            out.append((a2, a2 + len(stripped)))
    return out


def sentence_spans(text: str, *, splitter: PunktSentenceTokenizer | None = None,
                   max_chars: int = MAX_SENTENCE_CHARS, notes: list[str] | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text`` (one paragraph or several). A sentence longer than
    ``max_chars`` is split at a safe boundary (a clause mark, a dash, a space; inside a word only when
    there is none), and ``notes``, when given, gets a line saying so."""
    splitter = splitter or sentence_splitter()
    out = []
    for a, b in splitter.span_tokenize(text):
        # Punkt keeps a single line break inside a span; split there too (list items, headlines).
        pos = a
        for line in text[a:b].split("\n"):
            stripped = line.strip()
            if stripped:
                s = pos + line.index(stripped[0])
                if len(stripped) > max_chars:
                    parts = _split_long(text, s, s + len(stripped), max_chars)
                    out.extend(parts)
                    if notes is not None:
                        notes.append(f"long sentence: {len(stripped):,} characters split into {len(parts):,} "
                                     f"parts of at most {max_chars:,} at clause marks or spaces")
                else:
                    out.append((s, s + len(stripped)))
            pos += len(line) + 1
    return out


def _split_long(text: str, a: int, b: int, max_chars: int) -> list[tuple[int, int]]:
    """Pieces of the sentence text[a:b], each at most ``max_chars`` long and none shorter than half of
    it but the last, cut after the best boundary in the second half of each window."""
    out = []
    while b - a > max_chars:
        lo, hi = a + max_chars // 2, a + max_chars
        cut = None
        for pattern in _CUT_RES:
            last = None
            for last in pattern.finditer(text, lo, min(hi + 1, b)):  # a space right after the window will do
                pass
            if last is not None:
                cut = last.end() if pattern is _CUT_RES[0] else last.start()
                break
        if cut is None:  # one unbroken token: cut it, but never between a letter and its combining marks
            cut = hi
            while cut > lo and (unicodedata.combining(text[cut]) or unicodedata.category(text[cut]) == "Cf"):
                cut -= 1
        end = cut
        while end > a and text[end - 1].isspace():
            end -= 1
        out.append((a, end))
        a = cut
        while a < b and text[a].isspace():
            a += 1
    if a < b:
        out.append((a, b))
    return out


def iter_sentences(
    text: str, *, splitter: PunktSentenceTokenizer | None = None, max_chars: int = MAX_SENTENCE_CHARS,
    notes: list[str] | None = None,
) -> Iterator[tuple[int, int, int, int]]:
    """Yield (paragraph, sentence, start, end) for ``text``; sentence numbers run on across paragraphs.
    Sentences longer than ``max_chars`` are split, with a line in ``notes`` (see :func:`sentence_spans`)."""
    splitter = splitter or sentence_splitter()
    n = 0
    for p, (pa, pb) in enumerate(paragraph_spans(text)):
        for a, b in sentence_spans(text[pa:pb], splitter=splitter, max_chars=max_chars, notes=notes):
            yield p, n, pa + a, pa + b
            n += 1


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every word token."""
    return [m.span() for m in WORD_RE.finditer(text)]


def tokenize(text: str, *, lower: bool = True) -> list[str]:
    """Word tokens of ``text`` (lower-cased by default); curly apostrophes become straight."""
    tokens = WORD_RE.findall(text)
    if lower:
        return [t.lower().replace("’", "'") for t in tokens]
    return [t.replace("’", "'") for t in tokens]


def count_words(text: str) -> int:
    """Number of word tokens, without building the list."""
    return sum(1 for _ in WORD_RE.finditer(text))
