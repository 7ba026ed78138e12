"""Paragraphs, sentences and word tokens, with character offsets.

Sentences come from NLTK's Punkt splitter used *untrained* (no model download) with the
abbreviation list in ``data/reference/abbreviations.txt``, so "U.S.", "Lt. Col." and "Feb. 2017"
do not end a sentence. All offsets are Python string indices into the text given.
"""
from __future__ import annotations

import re
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


def sentence_spans(text: str, *, splitter: PunktSentenceTokenizer | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text`` (one paragraph or several)."""
    splitter = splitter or sentence_splitter()
    out = []
    for a, b in splitter.span_tokenize(text):
        # Punkt keeps a single line break inside a span; split there too (list items, headlines).
        pos = a
        for line in text[a:b].split("\n"):
            stripped = line.strip()
            if stripped:
                s = pos + line.index(stripped[0])
                out.append((s, s + len(stripped)))
            pos += len(line) + 1
    return out


def iter_sentences(
    text: str, *, splitter: PunktSentenceTokenizer | None = None
) -> Iterator[tuple[int, int, int, int]]:
    """Yield (paragraph, sentence, start, end) for ``text``; sentence numbers run on across paragraphs."""
    splitter = splitter or sentence_splitter()
    n = 0
    for p, (pa, pb) in enumerate(paragraph_spans(text)):
        for a, b in sentence_spans(text[pa:pb], splitter=splitter):
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
    """Number of word tokens."""
    return len(WORD_RE.findall(text))  # the list is short-lived; counting in C is twice as fast
