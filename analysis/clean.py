"""Split a raw document into title, body, reader comments and removed boilerplate.

The rules live in ``data/reference/boilerplate.yaml`` (users extend it); see that file for what each
rule does. :func:`learn_chrome` learns what one outlet's documents repeat: whole lines (menus,
donation banners, wire ads) and line templates, lines that open the same way with a varying tail
("Image copyright Getty Images", "Photo: ...", "Sign up for ..."); :func:`clean` removes them.
Cleaning is line-based and deterministic; nothing is lost: every non-blank input line, and every
piece cut out of a line (a glued tag list, inline chrome), ends up in the title, body, comments or
boilerplate.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import yaml

from . import config
from .chrome import Chrome, learn_chrome, norm_line, repeated_lines, split_sentences
from .dates import HEAD_LINES, HEADER_PATTERNS, LEADING_DATE_RE

__all__ = ["Rules", "Cleaned", "load_rules", "strip_glued_tags", "strip_leading_date", "clean", "clean_comments",
           "Chrome", "learn_chrome", "repeated_lines", "norm_line"]  # the last four from analysis.chrome

SENTENCE_END = ".!?…:;,\"”’)]»"
BULLET_RE = re.compile(r"^(?:[•·▪◦‣●■*]|[-–—](?=\s))\s*")
HEADLINE_MAX_WORDS = 30
#: Where a tag list glued into a paragraph ends: a sentence restarting with one of these words.
OPENERS = frozenset(
    "the a an at in on as after before during with for from some several many more most dozens hundreds "
    "thousands this these it he she they we there one two three four five six seven eight nine ten eleven "
    "twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty "
    "seventy eighty ninety hundred".split())
#: Lower-case words that start a clause inside a tag list's tail ("Syrian troops and ...").
CLAUSE_WORDS = frozenset(
    "a an the and or of in on at to by for with from was were is are has have had said says will would "
    "been that which who after as into".split())
GLUED_TAGS_MAX_WORDS = 40
GLUED_TAGS_MIN_BEFORE = 8
#: A footer glued to the end of a paragraph is cut only when it is at most this long.
GLUED_FOOTER_MAX_WORDS = 150
#: ``drop_lines`` rules are tried on lines of at most this many characters; one that opens with
#: ".{0,N}" on lines of at most N + DROP_TAIL_CHARS.
DROP_MAX_CHARS = 500
DROP_TAIL_CHARS = 300


@dataclass(frozen=True)
class Rules:
    drop_lines: re.Pattern
    drop_tails: tuple[tuple[int, re.Pattern], ...]  # drop_lines written ".{0,N}X": X ending the line, within N
    end_of_article: re.Pattern
    comment_start: re.Pattern
    comment_chrome: re.Pattern
    comment_author_max_words: int
    min_docs: int
    min_share: float
    inline_chrome: tuple[re.Pattern, ...]  # each searched on its own: a union of many is much slower
    glued_footer: tuple[re.Pattern, ...]
    tag_labels: re.Pattern  # case-sensitive: "Tags" opens a tag list, "tags" is a word
    blocks: tuple[tuple[re.Pattern, re.Pattern, int], ...]  # (start, end, at most lines)
    digest: str  # hash of the rules file, part of the build's cache key


def _check_patterns(patterns, what: str, path: Path) -> list[str]:
    if not isinstance(patterns, list):
        raise ValueError(f"{path}: `{what}` must be a list of patterns; got {type(patterns).__name__}")
    for p in patterns:
        try:
            re.compile(p)
        except (re.error, TypeError) as exc:
            raise ValueError(f"{path}: `{what}` pattern {p!r} is not a valid regular expression: {exc}") from None
    return patterns


def _union(patterns: list[str], what: str, path: Path, *, flags=re.IGNORECASE) -> re.Pattern:
    patterns = _check_patterns(patterns, what, path)
    if not patterns:
        return re.compile(r"(?!x)x")
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


#: A drop_lines pattern that opens with ".{0,N}": matched as its tail ending the line within N
#: characters of the start (the same lines, without the backtracking of a leading wildcard).
_LEADING_ANY_RE = re.compile(r"^\.\{0,(\d+)\}")


def load_rules(path: Path | None = None) -> Rules:
    """Load and validate the boilerplate rules file."""
    path = Path(path or config.BOILERPLATE_RULES)
    raw = path.read_bytes()
    data = yaml.safe_load(raw) or {}
    allowed = {"drop_lines", "end_of_article", "comment_start", "comment_chrome", "inline_chrome", "glued_footer",
               "comment_author_max_words", "repeated_lines", "tag_labels", "chrome_blocks"}
    unknown = set(data) - allowed
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}; allowed keys are {sorted(allowed)}")
    rep = data.get("repeated_lines") or {}
    blocks = []
    for i, b in enumerate(data.get("chrome_blocks") or []):
        if not isinstance(b, dict) or not {"start", "end"} <= set(b):
            raise ValueError(f"{path}: chrome_blocks[{i}] needs `start` and `end` patterns; got {b!r}")
        blocks.append((_union([b["start"]], f"chrome_blocks[{i}].start", path),
                       _union([b["end"]], f"chrome_blocks[{i}].end", path), int(b.get("max_lines", 8))))
    labels = _check_patterns(data.get("tag_labels") or [], "tag_labels", path)
    drops = _check_patterns(data.get("drop_lines") or [], "drop_lines", path)
    tails = [(m, p) for p in drops if (m := _LEADING_ANY_RE.match(p))]
    return Rules(
        drop_lines=_union([p for p in drops if not _LEADING_ANY_RE.match(p)], "drop_lines", path),
        drop_tails=tuple((int(m.group(1)), re.compile(f"(?:{p[m.end():]})\\Z", re.IGNORECASE)) for m, p in tails),
        end_of_article=_union(data.get("end_of_article") or [], "end_of_article", path),
        comment_start=_union(data.get("comment_start") or [], "comment_start", path),
        comment_chrome=_union(data.get("comment_chrome") or [], "comment_chrome", path),
        comment_author_max_words=int(data.get("comment_author_max_words", 4)),
        min_docs=int(rep.get("min_docs", 3)),
        min_share=float(rep.get("min_share", 0.3)),
        inline_chrome=tuple(map(re.compile, _check_patterns(data.get("inline_chrome") or [], "inline_chrome", path))),
        glued_footer=tuple(map(re.compile, _check_patterns(data.get("glued_footer") or [], "glued_footer", path))),
        tag_labels=re.compile(rf"(?:{'|'.join(labels) or '(?!x)x'}):?\s+(?=\w)"),
        blocks=tuple(blocks),
        digest=hashlib.sha256(raw).hexdigest()[:16],
    )


@dataclass
class Cleaned:
    title: str | None
    body: str
    comments: str
    boilerplate: list[str] = field(default_factory=list)


def strip_glued_tags(line: str, *, rules: Rules) -> tuple[str, str | None]:
    """(line, removed tag list or None): a tag list glued into a paragraph ("... continue. Tags
    Syria Free Syrian Army opposition groups Idlib The brigade announced ..."). The list ends where
    a sentence restarts: after a full stop, before a capitalised opener ("The", "At", "Three"), or
    at the capitalised word that opens a clause ("Syrian troops and pro-government gunmen ...").
    Without such an end within GLUED_TAGS_MAX_WORDS words, or when the list starts in lower case,
    only a list that runs to the end of the paragraph is taken. Lines with fewer than
    GLUED_TAGS_MIN_BEFORE words before the label (a headline, "Tags: ...") are left alone."""
    m = next((m for m in rules.tag_labels.finditer(line) if m.start() and line[m.start() - 1].isspace()), None)
    if not m or len(line[:m.start()].split()) < GLUED_TAGS_MIN_BEFORE:
        return line, None
    lower_start = not line[m.end():m.end() + 1].isupper()
    tokens = list(re.finditer(r"\S+", line[m.end():]))
    end = None
    last_cap = None
    for i, t in enumerate(tokens[:GLUED_TAGS_MAX_WORDS + 1]):
        w = t.group(0)
        bare = w.strip("\"'“”‘’()[],;:")
        if i and bare[:1].isupper() and bare.lower() in OPENERS:
            end = t.start()
            break
        if bare.endswith(".") and i + 1 < len(tokens) and tokens[i + 1].group(0)[:1].isupper() and len(bare) > 3:
            end = t.end()
            break
        if i and bare in CLAUSE_WORDS and i + 1 < len(tokens) and not tokens[i + 1].group(0)[:1].isupper():
            if last_cap is not None and last_cap > 0:
                end = tokens[last_cap].start()
            break
        if bare[:1].isupper():
            last_cap = i
    if end is None or lower_start:
        # no sentence resumes: a list that runs to the end of the paragraph ("... Tags airstrikes
        # Syria"), without a sentence's punctuation or its run of small words ("range from the ...")
        words = [t.group(0) for t in tokens]
        clause = sum(1 for a, b in zip(words, words[1:]) if a in CLAUSE_WORDS and not b[:1].isupper())
        if len(tokens) > GLUED_TAGS_MAX_WORDS or clause > 1 or re.search(r"[.!?][\"”’)]*(\s|$)", line[m.end():]):
            return line, None
        end = len(line) - m.end()
    cut_from, cut_to = m.start(), m.end() + end
    removed = line[cut_from:cut_to].strip()
    rest = (line[:cut_from].rstrip() + " " + line[cut_to:].lstrip()).strip()
    return rest, removed


#: What may follow a leading date before the text resumes: a time ("at 0914", "10:32 GMT"), an
#: update note ("(updated 1921 24.08.2013)"), a separator.
_AFTER_DATE_RE = re.compile(r"(?:\s*(?:at\s+)?\d{1,2}[:.]?\d\d(?:\s*(?:GMT|UTC)(?:[+-]\d+)?)?\b)?"
                            r"(?:\s*\((?:updated|modified)[^)]{0,40}\))?\s*(?:[|•·–—-]\s*)?", re.IGNORECASE)


def strip_leading_date(line: str) -> tuple[str, str | None]:
    """(line, removed date or None): a date that opens a line at the top of a text ("Date of
    publication 5 July 2016 The bomber ...", "Published February 18 2015 The army ...", "Wed 05 Apr
    2017 at 0914 Homs ..."): metadata glued to the text (read by :mod:`analysis.metadata` first)."""
    m = LEADING_DATE_RE.match(line)
    if not m:
        return line, None
    end = _AFTER_DATE_RE.match(line, m.end()).end()
    return line[end:].strip(), line[:end].strip()


def _drop(line: str, rules: Rules) -> bool:
    """A ``drop_lines`` rule matches the whole line (lines longer than DROP_MAX_CHARS are text)."""
    if len(line) > DROP_MAX_CHARS:
        return False
    if rules.drop_lines.fullmatch(line):
        return True
    return any(len(line) <= n + DROP_TAIL_CHARS and (m := tail.search(line)) and m.start() <= n
               for n, tail in rules.drop_tails)


def _footer_start(line: str, patterns: tuple[re.Pattern, ...]) -> int | None:
    """Where a footer glued to the text's last line starts (searched in its last
    GLUED_FOOTER_MAX_WORDS words only), or None; never at the very start of the line (a line that
    is all footer is a drop_lines matter, nor inside parentheses)."""
    tail_from = 0
    if len(line) > GLUED_FOOTER_MAX_WORDS * 12:
        tail_from = max(0, len(line) - GLUED_FOOTER_MAX_WORDS * 12)
    starts = [m.start() for p in patterns if (m := p.search(line, tail_from))]
    cut = min(starts, default=None)
    if not cut or line[cut - 1] == "(" or len(line[cut:].split()) > GLUED_FOOTER_MAX_WORDS:
        return None
    return cut


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


def clean(text: str, *, rules: Rules, chrome: Chrome | None = None, title: str | None = None,
          find_title: bool = True, section: str = "body") -> Cleaned:
    """Clean one document's text.

    ``chrome``: what the document's outlet repeats (:func:`learn_chrome`). ``title``: a title known
    from elsewhere (a CSV column, HTML metadata); a first line equal to it is dropped from the body
    (unless it is the whole body).
    Otherwise, with ``find_title``, a short first line that reads as a headline becomes the title.
    ``section="comments"``: the text is a comments section already (an HTML page's comments): no
    title, and widget lines (``comment_chrome``) are boilerplate.
    """
    if section not in ("body", "comments"):
        raise ValueError(f"`section` must be one of 'body', 'comments'; got {section!r}")
    chrome = chrome or Chrome()
    boiler: list[str] = []
    body: list[tuple[bool, str]] = []
    comments: list[tuple[bool, str]] = []
    state = section  # body -> footer -> comments
    blank = False
    pending_author: str | None = None
    block_end: tuple[re.Pattern, int] | None = None  # inside a chrome block: its end and lines left
    head = 0  # non-blank lines seen: a date opening one of the first HEAD_LINES is metadata
    raw_lines = text.split("\n")
    last = max((k for k, ln in enumerate(raw_lines) if ln.strip()), default=-1)
    for k, raw_line in enumerate(raw_lines):
        line = norm_line(raw_line)
        if not line:
            blank = True
            continue
        if chrome.sentences:  # sentences an outlet repeats in its one-paragraph texts
            sents = split_sentences(line)
            if any(x in chrome.sentences for x in sents):
                boiler.extend(x for x in sents if x in chrome.sentences)
                line = " ".join(x for x in sents if x not in chrome.sentences)
                if not line:
                    continue
        if k == last and rules.glued_footer and (cut := _footer_start(line, rules.glued_footer)):
            boiler.append(line[cut:].strip())  # a page footer flattened into the paragraph
            line = line[:cut].rstrip()
        for pattern in rules.inline_chrome:
            if pattern.search(line):
                boiler.extend(m.group(0).strip() for m in pattern.finditer(line) if m.group(0).strip())
                line = norm_line(pattern.sub(" ", line))
        if not line:
            continue
        if block_end is not None:
            boiler.append(line)
            end, left = block_end
            block_end = None if end.fullmatch(line) or left <= 1 else (end, left - 1)
            continue
        if state != "footer" and (block := next((b for b in rules.blocks if b[0].fullmatch(line)), None)):
            boiler.append(line)
            block_end = (block[1], block[2])
            continue
        if state != "comments" and rules.comment_start.fullmatch(line):
            state = "comments"
            boiler.append(line)
        elif state == "comments":
            if rules.comment_chrome.fullmatch(line) or _drop(line, rules) or line in chrome:
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
        elif state == "footer" or _drop(line, rules) or line in chrome or (
                head < HEAD_LINES and any(p.match(line) for p in HEADER_PATTERNS)):
            boiler.append(line)  # chrome, or a header line at the top ("Damascus Monitor | 24 March 2015")
        else:
            content = BULLET_RE.sub("", line)
            if head < HEAD_LINES:
                content, stamp = strip_leading_date(content)
                if stamp:
                    boiler.append(stamp)
            content, tags = strip_glued_tags(content, rules=rules)
            if tags:
                boiler.append(tags)

            if content:
                body.append((blank, content))
        head += 1
        blank = False
    if pending_author is not None:  # a short last line: a comment after all ("Thanks!")
        comments.append((True, pending_author))

    if title is not None and len(body) > 1 and norm_line(title).lower() == body[0][1].lower():
        body = body[1:]  # (a text that is only its title keeps it as its body)
    elif title is None and find_title and section == "body" and len(body) > 1 and _is_headline(body[0][1]):
        title = body[0][1]
        body = body[1:]
        body[0] = (True, body[0][1])
    return Cleaned(title=title, body=_join(body), comments=_join(comments), boilerplate=boiler)


def clean_comments(text: str, *, rules: Rules, chrome: Chrome | None = None) -> Cleaned:
    """Clean a comments section on its own (an HTML page's comments): widget text ("Loading
    comments...", "You must be logged in to post a comment") goes to ``boilerplate``; the
    comments are in ``comments`` (``body`` is empty)."""
    return clean(text, rules=rules, chrome=chrome, find_title=False, section="comments")
