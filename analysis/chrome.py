"""What one outlet's documents repeat: site chrome learned from the documents themselves.

:func:`learn_chrome` is fitted on the raw texts of one outlet (or one folder) and returns a
:class:`Chrome`: lines found word for word in many of them (menus, donation banners, wire ads),
templates (short lines that open the same way with a varying tail: "Image copyright Getty Images",
"Photo: ...", "Listen to this article: 4 min"), and, for exports that flatten a page into one
paragraph, sentences repeated word for word (a site's "about" blurb, a footer). The cleaner
(:mod:`analysis.clean`) moves what matches into ``boilerplate``.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Iterable

__all__ = ["Chrome", "norm_line", "repeated_lines", "repeated_sentences", "template_key", "is_template_line",
           "learn_chrome", "split_sentences"]

INLINE_SPACE_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
#: Only short lines can be site chrome for the repeated-line detector (long ones are article text).
REPEATED_MAX_WORDS = 12
#: Longer lines repeated word for word are chrome (a wire ad) only when their neighbours vary: a
#: paragraph shared by copies of one article keeps its neighbours.
LONG_REPEATED_MAX_WORDS = 80
#: A template line: at most this many words, or at most TEMPLATE_MAX_WORDS and not a sentence
#: (no closing full stop): a caption, a credit, a sign-up box; never a dateline's lede paragraph.
TEMPLATE_SHORT_WORDS = 12
TEMPLATE_MAX_WORDS = 25
#: Share of a template's occurrences that must open a line (the rest are in running text).
TEMPLATE_LINE_START_SHARE = 0.8
WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
LABEL_RE = re.compile(r"^\W*([^\W\d_]+)\s*:")
#: Words that cannot make a template on their own ("In the ...", "It was ...").
FUNCTION_WORDS = frozenset(
    "a an the and or but of in on at to by for with from as is are was were be been has have had it its "
    "this that these those he she they we you i his her their our your there here not no so if then than "
    "after before over under into about more most some all one two said says will would can could".split())
#: Repeated sentences of one-paragraph texts: at least this many words, at most this many.
SENTENCE_MIN_WORDS = 4
SENTENCE_MAX_WORDS = 80
#: Where a flattened text's sentences end (a full stop, then a capital or a quote).
SENTENCE_SPLIT_RE = re.compile(r"(?<=[.!?])[\"”’)]*\s+(?=[\"“(]?[A-Z0-9])")


@dataclass(frozen=True)
class Chrome:
    """What one outlet's documents repeat: whole lines, templates (see :func:`template_key`) and
    sentences of one-paragraph texts. ``line in chrome`` says whether a line is chrome."""

    lines: frozenset[str] = frozenset()
    templates: frozenset[str] = frozenset()
    sentences: frozenset[str] = frozenset()

    def digest(self) -> str:
        parts = sorted(self.lines) + ["--"] + sorted(self.templates) + ["--"] + sorted(self.sentences)
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]

    def __contains__(self, line: str) -> bool:
        return line in self.lines or (bool(self.templates) and is_template_line(line)
                                      and template_key(line) in self.templates)



def norm_line(line: str) -> str:
    """A line with its white space folded and stripped."""
    return INLINE_SPACE_RE.sub(" ", line).strip()


def split_sentences(text: str) -> list[str]:
    """The sentences of a flattened paragraph, split at a full stop before a capital."""
    return [x for x in SENTENCE_SPLIT_RE.split(text) if x]


def _distinct(texts: Iterable[str]) -> list[str]:
    seen: set[int] = set()
    out = []
    for text in texts:
        key = hash(text)
        if key not in seen:  # a repeated text (a copy of one article) is not evidence of chrome
            seen.add(key)
            out.append(text)
    return out


def repeated_lines(texts: Iterable[str], *, min_docs: int, min_share: float) -> frozenset[str]:
    """Lines (white space normalised) found in at least ``min_docs`` of the texts and in at least
    ``min_share`` of them: the chrome of one site. Lines of more than REPEATED_MAX_WORDS words
    count only where their neighbouring lines vary (an ad placed in different articles), not where
    they keep them (a paragraph of one article in several copies)."""
    texts = _distinct(texts)
    counts: Counter[str] = Counter()
    contexts: dict[str, set] = defaultdict(set)
    for text in texts:
        lines = [ln for ln in map(norm_line, text.split("\n")) if ln]
        seen_here = set()
        for k, line in enumerate(lines):
            n = len(line.split())
            if n > LONG_REPEATED_MAX_WORDS or line in seen_here:
                continue
            seen_here.add(line)
            counts[line] += 1
            if n > REPEATED_MAX_WORDS:
                contexts[line].add((lines[k - 1] if k else "", lines[k + 1] if k + 1 < len(lines) else ""))
    need = max(min_docs, min_share * len(texts))
    return frozenset(line for line, c in counts.items()
                     if c >= need and (line not in contexts or len(contexts[line]) >= max(min_docs, c / 2)))


def repeated_sentences(texts: Iterable[str], *, min_docs: int, min_share: float) -> frozenset[str]:
    """Sentences of one-paragraph texts (exports that flatten a page) found word for word in at
    least ``min_docs`` and ``min_share`` of those texts: a footer or a site's blurb glued to
    different articles. A text whose sentences are mostly such repeats is a copy of another (a
    syndicated article), not evidence of chrome: it does not count."""
    flat = [split_sentences(norm_line(t)) for t in _distinct(texts) if "\n" not in t.strip()]
    need = max(min_docs, min_share * len(flat))
    counts: Counter[str] = Counter()
    for sents in flat:
        counts.update(x for x in dict.fromkeys(sents) if SENTENCE_MIN_WORDS <= len(x.split()) <= SENTENCE_MAX_WORDS)
    candidates = {x for x, c in counts.items() if c >= need}
    if not candidates:
        return frozenset()
    support: Counter[str] = Counter()
    for sents in flat:
        found = [x for x in dict.fromkeys(sents) if x in candidates]
        if found and sum(len(x.split()) for x in found) <= 0.5 * sum(len(x.split()) for x in sents):
            support.update(found)
    return frozenset(x for x, c in support.items() if c >= need)


def template_key(line: str) -> str:
    """The opening of a line that a template shares: its first two words, lower-cased, digits as 0
    ("image copyright"), or a label with its colon ("photo:")."""
    m = LABEL_RE.match(line)
    if m:
        return m.group(1).lower() + ":"
    return " ".join(re.sub(r"\d", "0", w.lower()) for w in WORD_RE.findall(line[:120])[:2])


def is_template_line(line: str) -> bool:
    """A line short enough to be a caption, a credit or a box: TEMPLATE_SHORT_WORDS words, or
    TEMPLATE_MAX_WORDS without a closing full stop."""
    n = len(line.split())
    return 1 < n <= TEMPLATE_SHORT_WORDS or (n <= TEMPLATE_MAX_WORDS and not line.rstrip().endswith((".", "!", "?")))


def _key_re(key: str) -> re.Pattern:
    if key.endswith(":"):
        return re.compile(rf"(?<![^\W_]){re.escape(key[:-1])}\s*:", re.IGNORECASE)
    words = key.split()
    return re.compile(r"(?<![^\W_])" + r"\W+".join(re.escape(w).replace("0", r"\d") for w in words)
                      + r"(?![^\W_])", re.IGNORECASE)


def learn_chrome(texts: Iterable[str], *, rules) -> Chrome:
    """What the documents of one outlet repeat (fitted on their raw texts; ``rules``: the cleaner's
    :class:`~analysis.clean.Rules`, for ``min_docs`` and ``min_share``): lines found word for word
    (:func:`repeated_lines`), sentences of one-paragraph texts (:func:`repeated_sentences`), and
    templates: a :func:`template_key` that opens short lines in
    at least ``min_docs`` and ``min_share`` of the documents, is not made of function words only,
    and is found at the start of such lines at least TEMPLATE_LINE_START_SHARE of the times it is
    found there or in the running text ("Image caption" is chrome; "Mr Blair" opens many short
    paragraphs but is mostly found inside sentences)."""
    texts = _distinct(texts)
    min_docs, min_share = rules.min_docs, rules.min_share
    lines = repeated_lines(texts, min_docs=min_docs, min_share=min_share)
    sentences = repeated_sentences(texts, min_docs=min_docs, min_share=min_share)
    texts = [t for t in texts if "\n" in t.strip()]  # templates are lines: multi-line texts only
    need = max(min_docs, min_share * len(texts))
    docs: Counter[str] = Counter()
    starts: Counter[str] = Counter()
    prose: list[str] = []  # the lines that cannot be template lines: the running text
    for text in texts:
        keys = []
        for ln in map(norm_line, text.split("\n")):
            if ln and is_template_line(ln):
                keys.append(template_key(ln))
            elif ln:
                prose.append(ln)
        starts.update(keys)
        docs.update(set(keys))
    candidates = [k for k, c in docs.items() if c >= need and k
                  and not all(w in FUNCTION_WORDS for w in k.rstrip(":").split())]
    templates = set()
    if candidates:
        running = "\n".join(prose)
        for key in candidates:
            inside = len(_key_re(key).findall(running))
            if starts[key] / (starts[key] + inside) >= TEMPLATE_LINE_START_SHARE:
                templates.add(key)
    return Chrome(lines, frozenset(templates), sentences)
