"""Split a raw document into title, body, reader comments and removed boilerplate.

The rules live in ``data/reference/boilerplate.yaml`` (users extend it); see that file for what each
rule does. :func:`repeated_lines` is the generic detector of chrome: lines that recur across the
documents of one site. Cleaning is line-based and deterministic; nothing is lost: every non-blank
input line ends up in the title, body, comments or boilerplate.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import yaml

from . import config

SENTENCE_END = ".!?…:;,\"”’)]»"
BULLET_RE = re.compile(r"^(?:[•·▪◦‣●■*]|[-–—](?=\s))\s*")
INLINE_SPACE_RE = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
HEADLINE_MAX_WORDS = 30
#: Only short lines can be site chrome for the repeated-line detector (long ones are article text).
REPEATED_MAX_WORDS = 12


@dataclass(frozen=True)
class Rules:
    drop_lines: re.Pattern
    end_of_article: re.Pattern
    comment_start: re.Pattern
    comment_chrome: re.Pattern
    comment_author_max_words: int
    min_docs: int
    min_share: float
    digest: str  # hash of the rules file, part of the build's cache key


def _union(patterns: list[str], what: str, path: Path) -> re.Pattern:
    for p in patterns:
        try:
            re.compile(p)
        except re.error as exc:
            raise ValueError(f"{path}: `{what}` pattern {p!r} is not a valid regular expression: {exc}") from None
    if not patterns:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


def load_rules(path: Path | None = None) -> Rules:
    """Load and validate the boilerplate rules file."""
    path = Path(path or config.BOILERPLATE_RULES)
    raw = path.read_bytes()
    data = yaml.safe_load(raw) or {}
    allowed = {"drop_lines", "end_of_article", "comment_start", "comment_chrome",
               "comment_author_max_words", "repeated_lines"}
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}; allowed keys are {sorted(allowed)}")
    rep = data.get("repeated_lines") or {}
    return Rules(
        drop_lines=_union(data.get("drop_lines") or [], "drop_lines", path),
        end_of_article=_union(data.get("end_of_article") or [], "end_of_article", path),
        comment_start=_union(data.get("comment_start") or [], "comment_start", path),
        comment_chrome=_union(data.get("comment_chrome") or [], "comment_chrome", path),
        comment_author_max_words=int(data.get("comment_author_max_words", 4)),
        min_docs=int(rep.get("min_docs", 3)),
        min_share=float(rep.get("min_share", 0.3)),
        digest=hashlib.sha256(raw).hexdigest()[:16],
    )


@dataclass
class Cleaned:
    title: str | None
    body: str
    comments: str
    boilerplate: list[str] = field(default_factory=list)


def _norm_line(line: str) -> str:
    return INLINE_SPACE_RE.sub(" ", line).strip()


def candidate_lines(text: str) -> frozenset[str]:
    """The lines of one text that could be site chrome (white space normalised, at most
    ``REPEATED_MAX_WORDS`` words): the per-document half of :func:`repeated_lines`."""
    return frozenset(line for line in (_norm_line(l) for l in text.split("\n"))
                     if line and len(line.split()) <= REPEATED_MAX_WORDS)


def repeated_from_candidates(line_sets: Iterable[Iterable[str]], *, min_docs: int, min_share: float) -> frozenset[str]:
    """The corpus-level half of :func:`repeated_lines`: given :func:`candidate_lines` of each distinct
    text of one site (one set per text; give a repeated text once), the lines found in at least
    ``min_docs`` of them and in at least ``min_share`` of them. The build computes the candidates per
    partition and calls this once per site (a reduce step)."""
    counts: Counter[str] = Counter()
    n = 0
    for lines in line_sets:
        n += 1
        counts.update(lines)
    need = max(min_docs, min_share * n)
    return frozenset(line for line, c in counts.items() if c >= need)


def repeated_lines(texts: Iterable[str], *, min_docs: int, min_share: float) -> frozenset[str]:
    """Lines (white space normalised) found in at least ``min_docs`` of the texts and in at least
    ``min_share`` of them: the chrome of one site. A repeated text (a copy of one article) counts once."""
    def distinct():
        seen: set[int] = set()
        for text in texts:
            key = hash(text)
            if key not in seen:  # a repeated text is not evidence of chrome
                seen.add(key)
                yield candidate_lines(text)

    return repeated_from_candidates(distinct(), min_docs=min_docs, min_share=min_share)


def _is_headline(line: str) -> bool:
    words = line.split()
    return 0 < len(words) <= HEADLINE_MAX_WORDS and not line.endswith((".", ",", ";", ":"))


def _join(lines: list[tuple[bool, str]]) -> str:
    """Lines (blank_before, text) -> paragraphs separated by a blank line. A line continues the
    previous paragraph only when that one was hard-wrapped: no blank line between, no closing
    punctuation, and this line starts in lower case."""
    paras: list[str] = []
    for blank_before, text in lines:
        if paras and not blank_before and not paras[-1].endswith(tuple(SENTENCE_END)) and text[:1].islower():
            paras[-1] += " " + text
        else:
            paras.append(text)
    return "\n\n".join(paras)


def clean(text: str, *, rules: Rules, repeated: frozenset[str] = frozenset(),
          title: str | None = None, find_title: bool = True) -> Cleaned:
    """Clean one document's text.

    ``title``: a title known from elsewhere (a CSV column, HTML metadata); a first line equal to it
    is dropped from the body. Otherwise, with ``find_title``, a short first line that reads as a
    headline becomes the title.
    """
    boiler: list[str] = []
    body: list[tuple[bool, str]] = []
    comments: list[tuple[bool, str]] = []
    state = "body"  # body -> footer -> comments
    blank = False
    pending_author: str | None = None
    for raw_line in text.split("\n"):
        line = _norm_line(raw_line)
        if not line:
            blank = True
            continue
        if state != "comments" and rules.comment_start.fullmatch(line):
            state = "comments"
            boiler.append(line)
        elif state == "comments":
            if rules.comment_chrome.fullmatch(line) or rules.drop_lines.fullmatch(line) or line in repeated:
                boiler.append(line)
            else:
                if pending_author is not None:
                    boiler.append(pending_author)  # a name line followed by a comment
                    pending_author = None
                words = line.split()
                if len(words) <= rules.comment_author_max_words and not line.endswith(tuple(SENTENCE_END)) \
                        and not any(ch in line for ch in ".!?"):
                    pending_author = line
                else:
                    comments.append((blank, BULLET_RE.sub("", line)))
        elif rules.end_of_article.fullmatch(line):
            state = "footer"
            boiler.append(line)
        elif state == "footer" or rules.drop_lines.fullmatch(line) or line in repeated:
            boiler.append(line)
        else:
            content = BULLET_RE.sub("", line)
            if content:
                body.append((blank, content))
        blank = False
    if pending_author is not None:  # a short last line: a comment after all ("Thanks!")
        comments.append((True, pending_author))

    if title is not None and body and _norm_line(title).lower() == body[0][1].lower():
        body = body[1:]
    elif title is None and find_title and body and _is_headline(body[0][1]) and (len(body) == 1 or body[1][0] or True):
        if len(body) > 1:
            title = body[0][1]
            body = body[1:]
            if body:
                body[0] = (True, body[0][1])
    return Cleaned(title=title, body=_join(body), comments=_join(comments), boilerplate=boiler)
