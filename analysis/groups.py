"""The gazetteer of armed actors and finding their mentions in text.

``load_gazetteer()`` reads ``data/reference/groups.yaml`` (a file users extend), validates it and compiles
ONE Aho-Corasick automaton over every normalised alias variant, plus one regular expression for the
exact-case names (acronyms such as HTS, IS, SDF). ``find_mentions`` turns the ``sentences`` table into the
``mentions`` table; ``replace_group_names`` rewrites a text with one token per group (``grp_hts``) so that
topic models and term statistics count a group name as one term.

Matching rules (see the header of groups.yaml for the data side):

* Text is normalised with a length-preserving map: lower case, curly apostrophes to ``'``, hyphens and
  dashes and whitespace to a space. Offsets in the normalised text are offsets in the original, so the
  ``alias`` column is exactly ``text[start:end]``. Runs of several spaces inside a name do not match.
* Matches are word-bounded and resolved leftmost-longest: "Al Nusrah Front" is one mention, never also
  "Nusra". A possessive ("Jaysh al-Islam's", or "Daeshs" where a scrape lost the apostrophe) is allowed
  after a name and left out of the span.
* A name made from a demonym ("Assad forces", "regime forces", "Russian forces") is ignored after
  "anti-": "anti-Assad forces" are their opponents.
* An "al-"/"el-" right before a name is part of the mention ("Al Nusrah" although the alias is "Nusra").
* Exact-case names match the original text in exactly the listed case ("IS" matches, "is"/"Is" never);
  IS and US are also rejected when a neighbouring word is in capitals (a shouted headline). An acronym may
  carry a bare lower-case possessive "s" ("ISILs", "SDFs"), left out of the span.
* Accents are folded ("Ḥurrās ad-Dīn") and invisible characters (Unicode Cf: zero-width joiner, RLM, word
  joiner, soft hyphen, ...) are ignored inside names; offsets still point into the original text, so a
  span keeps the invisible characters it covers (``analysis.names``).
* Ordinals match in figures and words ("13th Division" ~ "Thirteenth Division").
* ``patterns`` (regular expressions over the normalised text, hyphens kept as "-") catch names with an open
  slot ("forces loyal to Syrian President Bashar al-Assad") or a context ("regime" in "regime-held"); they
  compete with the aliases under the leftmost-longest rule.
* Two groups with one name (``same_name_as``) share the alias; :func:`find_mentions` resolves each such
  mention by the group's ``context`` words in the sentence, then in the rest of the document, then by the
  document's date (``dates``) against the groups' founded/dissolved dates, else to the first of them in the
  file. ``replace_group_names`` uses the context words of the text it is given.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

import ahocorasick
import numpy as np
import pandas as pd
import yaml

from .names import fold as _fold, lower, lower_chars, non_ascii, normalise, ordinal_forms, strip_invisible

__all__ = ["KINDS", "MENTION_COLUMNS", "SENTENCE_COLUMNS", "TOKEN_PREFIX", "GazetteerError", "Group", "Membership",
           "Gazetteer", "normalise", "parse_gazetteer", "load_gazetteer", "lineage_root", "lineage_map",
           "empty_mentions", "find_mentions", "replace_group_names", "mention_counts"]

try:  # the project's path module; fall back to the repository layout
    from . import config as _config

    DEFAULT_GAZETTEER = _config.REFERENCE_DIR / "groups.yaml"
except ImportError:  # pragma: no cover
    DEFAULT_GAZETTEER = Path(__file__).resolve().parents[1] / "data" / "reference" / "groups.yaml"

KINDS = ("jihadist_group", "rebel_faction", "coalition", "kurdish_force", "state_force", "foreign_state", "militia")
MENTION_COLUMNS = ["doc_id", "section", "paragraph", "sentence", "start", "end", "alias", "group_id", "group_name",
                   "group_kind"]
SENTENCE_COLUMNS = ["doc_id", "section", "paragraph", "sentence", "start", "end", "text"]
TOKEN_PREFIX = "grp_"

_DATE_RE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$")
_SEP = "\x00"  # joins sentences for one scan; no alias contains it, so no match crosses sentences
_PREV_WORD_RE = re.compile(r"([^\W\d_]+)[^\w\x00]*$")
_NEXT_WORD_RE = re.compile(r"[^\w\x00]*([^\W\d_]+)")
_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_SUN_LETTERS = ("sh", "th", "dh", "t", "d", "r", "z", "s", "n")
_MAX_VARIANTS = 5000
_PATTERN_REACH = 160  # characters a pattern match may extend after its anchor
_PATTERN_BACK = 60  # ... and before it
_DASH_CHARS = "-‐‑‒–—"
_CHUNK_CHARS = 2_000_000


class GazetteerError(ValueError):
    """The gazetteer file is malformed; the message names the entry, the field and what was received."""


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _context_text(text: str) -> str:
    """Normalised words of ``text`` joined by single spaces, padded: " fighters in homs " (for word lookups)."""
    return " " + " ".join(_WORD_RE.findall(normalise(text))) + " "


def _active(group: Group, day: str) -> bool:
    """Whether ``group`` existed on ``day`` (YYYY-MM-DD) by its founded/dissolved dates (partial dates
    compare at their own precision)."""
    if group.founded and day[:len(group.founded)] < group.founded:
        return False
    return not (group.dissolved and day[:len(group.dissolved)] > group.dissolved)


@dataclass(frozen=True)
class Membership:
    id: str
    since: str | None = None
    until: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Split:
    id: str
    date: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Group:
    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    exact_case: tuple[str, ...] = ()
    adjectives: tuple[str, ...] = ()
    founded: str | None = None
    dissolved: str | None = None
    predecessor: str | None = None
    members: tuple[Membership, ...] = ()
    split_from: tuple[Split, ...] = ()
    same_name_as: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    note: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Pattern:
    group: str
    anchors: tuple[str, ...]
    regex: str


@dataclass
class Gazetteer:
    """Validated groups plus the compiled matcher. Build with :func:`load_gazetteer`."""

    groups: dict[str, Group]
    spelling_variants: tuple[tuple[str, ...], ...] = ()
    military_nouns: tuple[str, ...] = ()
    exclude_following: tuple[str, ...] = ()
    word_acronyms: tuple[str, ...] = ()
    compound_suffixes: tuple[str, ...] = ()
    state_nouns: tuple[str, ...] = ()
    patterns: tuple[Pattern, ...] = ()
    path: Path | None = None
    n_keys_: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self._lineage = {gid: self._root(gid) for gid in self.groups}
        self._compile()

    # -- lookups --------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.groups)

    def __contains__(self, group_id: object) -> bool:
        return group_id in self.groups

    def __getitem__(self, group_id: str) -> Group:
        return self.groups[group_id]

    def lineage_root(self, group_id: str) -> str:
        """The first predecessor of ``group_id`` (``hts`` -> ``nusra``); a group without one is its own root."""
        if group_id not in self._lineage:
            raise KeyError(f"`group_id` must be a gazetteer id; got {group_id!r}.")
        return self._lineage[group_id]

    def lineage_name(self, group_id: str) -> str:
        """The display name of ``group_id``'s lineage: the name of its latest member (the one founded last,
        the last in the file on a tie), so a collapsed lineage is shown under its current name (Nusra ->
        Jabhat Fateh al-Sham -> HTS is shown as HTS's name)."""
        root = self.lineage_root(group_id)
        members = [g for g in self.groups.values() if self._lineage[g.id] == root]
        latest = max(enumerate(members), key=lambda x: ((x[1].founded or ""), x[0]))[1]
        return latest.name

    def _root(self, gid: str) -> str:
        seen = [gid]
        while self.groups[seen[-1]].predecessor:
            nxt = self.groups[seen[-1]].predecessor
            if nxt in seen:
                raise GazetteerError(f"group {gid!r}: field 'predecessor' forms a cycle: {' -> '.join(seen + [nxt])}.")
            seen.append(nxt)
        return seen[-1]

    def frame(self) -> pd.DataFrame:
        """One row per group: id, name, kind, lineage_root, predecessor, founded, dissolved, n_aliases."""
        return pd.DataFrame(
            [(g.id, g.name, g.kind, self._lineage[g.id], g.predecessor, g.founded, g.dissolved,
              len(g.aliases) + len(g.exact_case)) for g in self.groups.values()],
            columns=["id", "name", "kind", "lineage_root", "predecessor", "founded", "dissolved", "n_aliases"])

    def memberships(self) -> pd.DataFrame:
        """One row per membership: group (the coalition), member, since, until, note. A membership without
        an end date ends when the coalition was dissolved (``until`` is then the coalition's ``dissolved``)."""
        rows = [(g.id, m.id, m.since, m.until or g.dissolved, m.note) for g in self.groups.values() for m in g.members]
        return pd.DataFrame(rows, columns=["group", "member", "since", "until", "note"])

    # -- compilation ----------------------------------------------------------------------------------
    def _variants(self, alias: str) -> set[str]:
        """Every normalised spelling of ``alias``: spelling classes, article forms, apostrophe-less forms."""
        tokens = normalise(strip_invisible(alias)[0]).split()
        classes = {t: cls for cls in self._classes for t in cls}
        options: list[set[str]] = []
        for i, tok in enumerate(tokens):
            if tok in ("al", "el", "a", "ash", "an", "ad", "ar", "at", "as", "az", "ath", "adh") and i + 1 < len(tokens):
                nxt = tokens[i + 1]
                opts = {"al", "el", "a"}
                opts.update("a" + s for s in _SUN_LETTERS if nxt.startswith(s) and not (s == "s" and nxt.startswith("sh"))
                            and not (s in ("t", "d") and nxt.startswith(s + "h")))
                if i == 0:
                    opts.add("")  # a leading article may be dropped: "al-Nusra Front" ~ "Nusra Front"
            else:
                opts = set(classes.get(tok, (tok,))) | set(ordinal_forms(tok))
            opts |= {o.replace("'", "") for o in opts if "'" in o}
            options.append(opts)
        n = 1
        for o in options:
            n *= len(o)
        if n > _MAX_VARIANTS:
            raise GazetteerError(f"alias {alias!r} expands to {n} spellings (limit {_MAX_VARIANTS}); split it or "
                                 "trim `spelling_variants`.")
        out = set()
        for combo in itertools.product(*options):
            key = " ".join(t for t in combo if t)
            if key and (len(key) > 2 or len(tokens) == 1):
                out.add(key)
        return out

    def _compile(self) -> None:
        self._classes = [tuple(normalise(t).strip() for t in cls) for cls in self.spelling_variants]
        owner: dict[str, tuple[str, str]] = {}  # key -> (group id, alias it came from)
        exact_owner: dict[str, str] = {}
        namesakes = self._namesakes()
        shared: dict[str, list[str]] = {}  # key -> groups sharing it (file order); the first owns the key

        def claim(table: dict, key: str, gid: str, alias: str) -> None:
            prev = table.get(key)
            if prev is not None and prev[0] != gid:
                if gid in namesakes.get(prev[0], ()):
                    lst = shared.setdefault(" ".join(normalise(key).split()), [prev[0]])
                    if gid not in lst:
                        lst.append(gid)
                    return
                raise GazetteerError(
                    f"alias {key!r} points at two groups: {prev[0]!r} (from {prev[1]!r}) and {gid!r} (from {alias!r}).")
            table.setdefault(key, (gid, alias))

        nouns = [normalise(n) for n in self.military_nouns]
        adjectival: set[str] = set()  # keys made from `adjectives` ("Assad forces"): "anti-" flips their referent
        plain: set[str] = set()
        for g in self.groups.values():
            names = [(a, False) for a in g.aliases]
            exact = [(a, False) for a in g.exact_case]
            for adj in g.adjectives:
                target = exact if (sum(c.isupper() for c in adj) >= 2 and not any(c.islower() for c in adj)) else names
                target.extend((f"{adj} {noun}", True) for noun in nouns)
                if target is exact:  # "US Armed Forces" as well as "US armed forces"
                    target.extend((f"{adj} {noun.title()}", True) for noun in nouns if noun != noun.title())
            for alias, is_adj in names:
                for key in self._variants(alias):
                    claim(owner, key, g.id, alias)
                    (adjectival if is_adj else plain).add(key)
            for name, is_adj in exact:
                claim(exact_owner, name, g.id, name)
                (adjectival if is_adj else plain).add(" ".join(normalise(name).split()))
        for name, (gid, _) in exact_owner.items():
            other = owner.get(" ".join(normalise(name).split()))
            if other is not None and other[0] != gid and gid not in namesakes.get(other[0], ()):
                raise GazetteerError(f"alias {name!r} points at two groups: {other[0]!r} (from {other[1]!r}) and "
                                     f"{gid!r} (exact-case {name!r}).")

        self._gids = sorted(self.groups)
        index = {gid: i for i, gid in enumerate(self._gids)}
        # ONE automaton over lower-case keys. Value: (key length, group index, possessive "s" allowed (0 no,
        # 1 yes, 2 only a lower-case "s" after an acronym: "ISILs"), exact forms or None, adjectival).
        # Exact-case names are stored by their folded lower-case key and verified against the original
        # text's case at match time.
        forms: dict[str, tuple[str, set[str]]] = {}
        for name, (gid, _) in exact_owner.items():
            key = " ".join(normalise(name).split())
            forms.setdefault(key, (gid, set()))[1].add(" ".join(_fold(name).split()))
        self._automaton = ahocorasick.Automaton()
        for key, (gid, _) in owner.items():
            adj = key in adjectival and key not in plain
            self._automaton.add_word(key, (len(key), index[gid], 0 if key.endswith("s") else 1, None, adj, 0))
        for key, (gid, fs) in forms.items():
            if key not in owner:
                allow_s = 2 if any(f.isupper() for f in fs) else 0 if key.endswith("s") else 1
                adj = key in adjectival and key not in plain
                self._automaton.add_word(key, (len(key), index[gid], allow_s, frozenset(fs), adj, 0))
        # A demonym is a mention only in a hyphenated compound ("Turkish-backed", "British-based") or when it
        # is coordinated with another one before a military noun ("Syrian and Russian jets"): the key covers the
        # phrase, the mention only the demonym (`head` characters; positive: a dash must follow it).
        n_compound = 0
        demonyms = [(g.id, " ".join(normalise(adj).split())) for g in self.groups.values() for adj in g.adjectives
                    if adj[:1].isupper() and not adj.isupper()]  # not "regime", not acronyms ("US" is an alias)
        seconds = sorted({h for _, h in demonyms} | {"regime", "government", "us", "u.s."})
        for gid, head in demonyms:
            keys = [(f"{head} {' '.join(normalise(sfx).split())}", len(head)) for sfx in self.compound_suffixes]
            keys += [(f"{head} and {other} {noun}", -len(head)) for other in seconds if other != head for noun in nouns]
            g = self.groups[gid]  # a foreign state named by its bare name: "a Russian deadline", "the Turkish city of"
            if g.kind == "foreign_state" and normalise(g.name) in {normalise(a) for a in g.aliases}:
                keys += [(f"{head} {' '.join(normalise(sn).split())}", -len(head)) for sn in self.state_nouns]
            for key, h in keys:
                if key not in owner and key not in forms and self._automaton.get(key, None) is None:
                    self._automaton.add_word(key, (len(key), index[gid], 0, None, False, h))
                    n_compound += 1
        # Pattern anchors are keys of the same automaton (value: group index -1 - pattern number), so finding
        # them costs nothing; an anchor that is also a name is searched for separately.
        self._patterns, self._anchor_finds = [], []
        for k, pat in enumerate(self.patterns):
            if pat.group not in index:
                raise _fail(f"patterns[{k}]", "group", "the id of a group in this file", pat.group)
            try:
                rx = re.compile(pat.regex, re.IGNORECASE)
            except re.error as exc:
                raise _fail(f"patterns[{k}]", "regex", f"a valid regular expression ({exc})", pat.regex) from None
            self._patterns.append((index[pat.group], rx))
            for anchor in pat.anchors:
                key = " ".join(normalise(anchor).split())
                if self._automaton.get(key, None) is None:
                    self._automaton.add_word(key, (len(key), -1 - k, 0, None, False, 0))
                else:
                    self._anchor_finds.append((key, k))
        self._automaton.make_automaton()
        self.n_keys_ = len(owner) + len(forms) + n_compound
        self._word_acronyms = frozenset(self.word_acronyms)
        self._acronym_words = frozenset(n for n in exact_owner if n.isupper())
        self._exclude = tuple(" " + normalise(p).strip() for p in self.exclude_following)
        self._exclude_initials = frozenset(p[1] for p in self._exclude if len(p) > 1)
        self._shared = {k: tuple(index[g] for g in v) for k, v in shared.items()}
        self._shared_first = frozenset(v[0] for v in self._shared.values())
        self._context = {index[g.id]: tuple(_context_text(c) for c in g.context)
                         for g in self.groups.values() if g.context}

    def _namesakes(self) -> dict[str, set[str]]:
        """Groups declared to share a name (``same_name_as``, symmetric): id -> the other ids."""
        out: dict[str, set[str]] = {}
        for g in self.groups.values():
            for other in g.same_name_as:
                out.setdefault(g.id, set()).add(other)
                out.setdefault(other, set()).add(g.id)
        return out

    def namesakes(self, key: str) -> tuple[str, ...]:
        """The groups that share the (normalised) name ``key``, in file order; () when it is not shared."""
        return tuple(self._gids[i] for i in self._shared.get(" ".join(normalise(key).split()), ()))

    def resolve(self, gi: int, alias: str, contexts: Sequence[str], date: object = None) -> int:
        """Group index for a mention of ``alias`` found as group ``gi``: for a name two groups share, the one
        whose ``context`` words occur in the first of ``contexts`` (normalised texts, nearest first) that has
        any, else the one active on ``date`` (founded <= date <= dissolved) if exactly one is, else ``gi``."""
        if gi not in self._shared_first:
            return gi
        cands = self._shared.get(" ".join(normalise(strip_invisible(alias)[0]).split()))
        if not cands:
            return gi
        for ctx in contexts:
            hits = [c for c in cands if any(w in ctx for w in self._context.get(c, ()))]
            if len(hits) == 1:
                return hits[0]
        if date is not None and not pd.isna(date):
            day = pd.Timestamp(date).strftime("%Y-%m-%d")
            live = [c for c in cands if _active(self.groups[self._gids[c]], day)]
            if len(live) == 1:
                return live[0]
        return gi

    # -- matching -------------------------------------------------------------------------------------
    def _excluded(self, norm: str, stop: int) -> bool:
        for ph in self._exclude:
            if norm.startswith(ph, stop) and (stop + len(ph) == len(norm) or not _is_word(norm[stop + len(ph)])):
                return True
        return False

    def _shouted(self, text: str, start: int, stop: int) -> bool:
        for m in (_PREV_WORD_RE.search(text, max(0, start - 40), start), _NEXT_WORD_RE.match(text, stop, stop + 40)):
            if m:
                w = m.group(1)
                if len(w) >= 2 and w.isupper() and w not in self._acronym_words:
                    return True
        return False

    def scan(self, text: str) -> list[tuple[int, int, int, int]]:
        """Mentions in ``text`` as (start, end, consumed_end, group_index), leftmost-longest, in order.

        ``consumed_end`` also covers a possessive "s" glued to the name (replace_group_names uses it).
        Invisible characters are ignored; offsets are offsets in ``text``.
        """
        chars = non_ascii(text)
        stripped, keep = strip_invisible(text, chars=chars)
        found = self._scan(stripped, chars)
        if keep is None or not found:
            return found
        return [(int(keep[a]), int(keep[b - 1]) + 1, int(keep[c - 1]) + 1, gi) for a, b, c, gi in found]

    def _scan(self, text: str, chars: frozenset[str]) -> list[tuple[int, int, int, int]]:
        low = lower(text)
        low_chars = lower_chars(chars)
        norm = _fold(low, chars=low_chars)
        n = len(norm)
        folded = None
        cands = []
        anchors = []
        for end, (klen, gi, allow_s, exact, adjectival, head) in self._automaton.iter(norm):
            start = end - klen + 1
            if gi < 0:  # the anchor of a pattern
                anchors.append((start, klen, -1 - gi))
                continue
            if head:  # a demonym in a compound ("Turkish-backed") or coordinated ("Syrian and Russian jets")
                h = abs(head)
                if (start and _is_word(norm[start - 1])) or (head > 0 and text[start + h] not in _DASH_CHARS) or (
                        end + 1 < n and _is_word(norm[end + 1])):
                    continue
                cands.append((start, start + h, start + h, gi))
                continue
            if start:
                ch = norm[start - 1]
                if ch.isalnum() or ch == "_":
                    continue
                if adjectival and norm.endswith("anti ", 0, start):
                    continue  # "anti-Assad forces" are the rebels, not the Assad forces
            stop = consumed = end + 1
            if stop < n:
                ch = norm[stop]
                if ch.isalnum() or ch == "_":
                    if not (allow_s and ch == "s" and (stop + 1 == n or not _is_word(norm[stop + 1]))
                            and (allow_s == 1 or text[stop] == "s")):
                        continue
                    consumed = stop + 1
            if stop < n and text[stop] in _DASH_CHARS and norm.startswith("the ", start) and klen > 4:
                start += 4  # "the regime-held town": the article belongs to "town", the mention is "regime"
            if exact is None and start >= 3 and norm[start - 3:start] in ("al ", "el ") and (
                    start == 3 or not _is_word(norm[start - 4])):
                start -= 3  # an Arabic article before a name without one: "Al Nusrah" as well as "Nusrah"
            if exact is not None:
                if folded is None:
                    folded = _fold(text, chars=chars)
                form = folded[start:stop]
                if form not in exact:
                    continue
                if form in self._word_acronyms and self._shouted(text, start, stop):
                    continue
            if self._exclude and norm[consumed + 1:consumed + 2] in self._exclude_initials and self._excluded(norm, consumed):
                continue
            cands.append((start, stop, consumed, gi))
        for key, k in self._anchor_finds:
            pos = norm.find(key)
            while pos != -1:
                anchors.append((pos, len(key), k))
                pos = norm.find(key, pos + 1)
        if anchors:
            cands.extend(self._pattern_matches(text, low, norm, low_chars, sorted(anchors)))
        if len(cands) < 2:
            return cands
        cands.sort(key=lambda c: (c[0], c[0] - c[1]))
        out, last = [], -1
        for c in cands:
            if c[0] >= last:
                out.append(c)
                last = c[2]
        return out

    def _pattern_matches(self, text: str, low: str, norm: str, low_chars: frozenset[str],
                         anchors: list[tuple[int, int, int]]) -> list[tuple[int, int, int, int]]:
        """Matches of the patterns whose anchors were found at ``anchors`` (start, length, pattern number).

        A match overlaps its anchor and starts at a word at most _PATTERN_BACK characters before it (or inside
        the anchor): those few
        starts are tried with an anchored match, farthest first (leftmost wins). Patterns see the text with
        its hyphens ("regime-held" is not "regime held"); a bare possessive "s" may follow a match."""
        hyph = _fold(low, chars=low_chars, hyphens=True)
        n = len(norm)
        out, last = [], [-1] * len(self._patterns)
        for pos, alen, k in anchors:
            gi, rx = self._patterns[k]
            lo, hi = max(0, pos - _PATTERN_BACK, last[k]), min(n, pos + alen + _PATTERN_REACH)
            starts = [pos] + [pos + i + 1 for i, ch in enumerate(norm[pos:pos + alen]) if ch == " "]
            s = pos
            while True:
                s = norm.rfind(" ", lo, s)
                if s < 0:
                    break
                starts.append(s + 1)
            if lo == 0:
                starts.append(0)
            for a in sorted(set(starts)):
                if a < lo or (a and _is_word(norm[a - 1])):
                    continue
                m = rx.match(hyph, a, hi)
                if m is None or m.end() <= pos:
                    continue
                b = m.end()
                c = b + 1 if b < n and norm[b] == "s" and (b + 1 == n or not _is_word(norm[b + 1])) else b
                if c < n and _is_word(norm[c]):
                    continue  # not word-bounded (a bare possessive "s" is allowed: "the armys losses")
                out.append((a, b, c, gi))
                last[k] = c
                break
        return out

    def scan_many(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Scan many texts at once (joined in chunks): arrays (text_index, start, end, group_index)."""
        rows, starts, ends, gis = [], [], [], []
        i, total = 0, len(texts)
        while i < total:
            j, size = i, 0
            while j < total and size < _CHUNK_CHARS:
                size += len(texts[j]) + 1
                j += 1
            chunk = list(texts[i:j])
            offsets = np.zeros(len(chunk), dtype=np.int64)
            if len(chunk) > 1:
                offsets[1:] = np.cumsum(np.fromiter((len(t) + 1 for t in chunk[:-1]), dtype=np.int64))
            found = self.scan(_SEP.join(chunk))
            if found:
                arr = np.asarray([(s, e, g) for s, e, _, g in found], dtype=np.int64)
                local = np.searchsorted(offsets, arr[:, 0], side="right") - 1
                rows.append(local + i)
                starts.append(arr[:, 0] - offsets[local])
                ends.append(arr[:, 1] - offsets[local])
                gis.append(arr[:, 2])
            i = j
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, empty, empty
        return tuple(np.concatenate(a) for a in (rows, starts, ends, gis))  # type: ignore[return-value]

    def group_ids(self, indices: np.ndarray) -> np.ndarray:
        return np.asarray(self._gids, dtype=object)[indices]


# ---------------------------------------------------------------------------------------------- loading
def _fail(where: str, fld: str, expected: str, got: object) -> GazetteerError:
    return GazetteerError(f"{where}: field {fld!r} must be {expected}; got {got!r}.")


def _date(value: object, where: str, fld: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()[:10]
    text = str(value).strip()
    if not _DATE_RE.match(text):
        raise _fail(where, fld, "a date YYYY, YYYY-MM or YYYY-MM-DD", value)
    try:
        dt.date(int(text[:4]), int(text[5:7] or 1), int(text[8:10] or 1))
    except ValueError:
        raise _fail(where, fld, "a real calendar date", value) from None
    return text


def _strings(value: object, where: str, fld: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(where, fld, "a list of non-empty strings", value)
    return tuple(v.strip() for v in value)


def _parse_group(raw: object, pos: int) -> Group:
    if not isinstance(raw, dict):
        raise GazetteerError(f"groups[{pos}]: each entry must be a mapping with id, name, kind, aliases; got {raw!r}.")
    gid = raw.get("id")
    where = f"group {gid!r} (groups[{pos}])" if gid else f"groups[{pos}]"
    if not isinstance(gid, str) or not _ID_RE.match(gid):
        raise _fail(where, "id", "a snake_case string (a-z, 0-9, _)", gid)
    allowed = {"id", "name", "kind", "aliases", "exact_case", "adjectives", "founded", "dissolved", "predecessor",
               "members", "split_from", "same_name_as", "context", "note", "source"}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise GazetteerError(f"{where}: unknown field(s) {unknown}; allowed fields are {sorted(allowed)}.")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _fail(where, "name", "a non-empty string", name)
    kind = raw.get("kind")
    if kind not in KINDS:
        raise _fail(where, "kind", "one of " + ", ".join(repr(k) for k in KINDS), kind)
    aliases = _strings(raw.get("aliases"), where, "aliases")
    exact = _strings(raw.get("exact_case"), where, "exact_case")
    adjectives = _strings(raw.get("adjectives"), where, "adjectives")
    if not (aliases or exact or adjectives):
        raise _fail(where, "aliases", "a non-empty list (or give exact_case/adjectives)", raw.get("aliases"))
    members = []
    for k, m in enumerate(raw.get("members") or []):
        mwhere = f"{where} members[{k}]"
        if isinstance(m, str):
            m = {"id": m}
        if not isinstance(m, dict) or not isinstance(m.get("id"), str):
            raise _fail(mwhere, "id", "a group id (or a mapping {id, since, until, note})", m)
        extra = sorted(set(m) - {"id", "since", "until", "note"})
        if extra:
            raise GazetteerError(f"{mwhere}: unknown field(s) {extra}; allowed are ['id', 'note', 'since', 'until'].")
        members.append(Membership(m["id"], _date(m.get("since"), mwhere, "since"), _date(m.get("until"), mwhere, "until"),
                                  m.get("note")))
    splits = []
    for k, m in enumerate(raw.get("split_from") or []):
        swhere = f"{where} split_from[{k}]"
        if isinstance(m, str):
            m = {"id": m}
        if not isinstance(m, dict) or not isinstance(m.get("id"), str):
            raise _fail(swhere, "id", "a group id (or a mapping {id, date, note})", m)
        extra = sorted(set(m) - {"id", "date", "note"})
        if extra:
            raise GazetteerError(f"{swhere}: unknown field(s) {extra}; allowed are ['date', 'id', 'note'].")
        splits.append(Split(m["id"], _date(m.get("date"), swhere, "date"), m.get("note")))
    pred = raw.get("predecessor")
    if pred is not None and not isinstance(pred, str):
        raise _fail(where, "predecessor", "a group id", pred)
    return Group(gid, name.strip(), kind, aliases, exact, adjectives, _date(raw.get("founded"), where, "founded"),
                 _date(raw.get("dissolved"), where, "dissolved"), pred, tuple(members), tuple(splits),
                 _strings(raw.get("same_name_as"), where, "same_name_as"), _strings(raw.get("context"), where, "context"),
                 raw.get("note"), raw.get("source"))


def _parse_patterns(value: object, where: str) -> tuple[Pattern, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _fail(where, "patterns", "a list of mappings {group, anchor, regex}", value)
    out = []
    for k, p in enumerate(value):
        anchors = p.get("anchor") if isinstance(p, dict) else None
        anchors = [anchors] if isinstance(anchors, str) else anchors
        if not isinstance(p, dict) or set(p) != {"group", "anchor", "regex"} or not all(
                isinstance(p[f], str) and p[f].strip() for f in ("group", "regex")) or not (
                isinstance(anchors, list) and anchors and all(isinstance(a, str) and a.strip() for a in anchors)):
            raise _fail(f"patterns[{k}]", "group/anchor/regex",
                        "a mapping {group: <id>, anchor: <literal words every match contains, or a list of such>, "
                        "regex: <regular expression>}", p)
        out.append(Pattern(p["group"], tuple(anchors), p["regex"]))
    return tuple(out)


def parse_gazetteer(data: object, *, path: Path | None = None) -> Gazetteer:
    """Validate the parsed YAML document and compile a :class:`Gazetteer`."""
    where = str(path) if path else "gazetteer"
    if not isinstance(data, dict) or not isinstance(data.get("groups"), list):
        raise GazetteerError(f"{where}: the document must be a mapping with a 'groups' list; got {type(data).__name__}.")
    groups: dict[str, Group] = {}
    for pos, raw in enumerate(data["groups"]):
        g = _parse_group(raw, pos)
        if g.id in groups:
            raise GazetteerError(f"group {g.id!r} (groups[{pos}]): field 'id' must be unique; {g.id!r} is used twice.")
        groups[g.id] = g
    for g in groups.values():
        if g.predecessor is not None and g.predecessor not in groups:
            raise _fail(f"group {g.id!r}", "predecessor", "the id of another group in this file", g.predecessor)
        for m in g.members:
            if m.id not in groups or m.id == g.id:
                raise _fail(f"group {g.id!r}", "members", "ids of other groups in this file", m.id)
        for fld, ids in (("split_from", [x.id for x in g.split_from]), ("same_name_as", g.same_name_as)):
            for other in ids:
                if other not in groups or other == g.id:
                    raise _fail(f"group {g.id!r}", fld, "ids of other groups in this file", other)
    classes = data.get("spelling_variants") or []
    if not isinstance(classes, list) or not all(isinstance(c, list) and all(isinstance(t, str) for t in c) for c in classes):
        raise _fail(where, "spelling_variants", "a list of lists of strings", classes)
    return Gazetteer(
        groups,
        spelling_variants=tuple(tuple(c) for c in classes),
        military_nouns=_strings(data.get("military_nouns"), where, "military_nouns"),
        exclude_following=_strings(data.get("exclude_following"), where, "exclude_following"),
        word_acronyms=_strings(data.get("word_acronyms"), where, "word_acronyms"),
        compound_suffixes=_strings(data.get("compound_suffixes"), where, "compound_suffixes"),
        state_nouns=_strings(data.get("state_nouns"), where, "state_nouns"),
        patterns=_parse_patterns(data.get("patterns"), where),
        path=path,
    )


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> Gazetteer:
    with open(path, encoding="utf-8") as fh:
        try:
            data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise GazetteerError(f"{path}: not valid YAML: {exc}") from None
    return parse_gazetteer(data, path=Path(path))


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """Read, validate and compile the gazetteer (default ``data/reference/groups.yaml``); cached per file version."""
    p = Path(path) if path is not None else DEFAULT_GAZETTEER
    st = p.stat()
    return _load_cached(str(p.resolve()), st.st_mtime_ns, st.st_size)


def lineage_root(group_id: str, *, gazetteer: Gazetteer) -> str:
    """Root of ``group_id``'s lineage (``jfs``/``hts`` -> ``nusra``)."""
    return gazetteer.lineage_root(group_id)


# ---------------------------------------------------------------------------------------------- tables
def lineage_map(gazetteer: Gazetteer, *, collapse: bool) -> dict[str, str]:
    """Every group id to itself, or (``collapse``) to its lineage root (jfs, hts -> nusra)."""
    return {g: (gazetteer.lineage_root(g) if collapse else g) for g in gazetteer.groups}


def _require(frame: object, columns: Iterable[str], name: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"`{name}` must be a pandas DataFrame; got {type(frame).__name__}.")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"`{name}` lacks column(s) {missing}; it has {list(frame.columns)}.")
    return frame


def empty_mentions() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("paragraph", "sentence", "start", "end") else object)
                         for c in MENTION_COLUMNS})


def find_mentions(sentences: pd.DataFrame, *, gazetteer: Gazetteer, dates: pd.Series | dict | None = None
                  ) -> pd.DataFrame:
    """The ``mentions`` table: one row per group mention in the ``sentences`` table.

    Columns: doc_id, section, paragraph, sentence (copied from the sentence), start, end (offsets into the
    SECTION text: sentence start + offset in the sentence), alias (exactly ``section_text[start:end]``),
    group_id, group_name, group_kind. Sorted by doc_id, section, start. Pure: DataFrame in, DataFrame out.

    A name two groups share is resolved by context words (sentence, then document), then by ``dates``
    (doc_id -> publication date, optional), then to the first of them in the gazetteer file.
    """
    _require(sentences, SENTENCE_COLUMNS, "sentences")
    if not isinstance(gazetteer, Gazetteer):
        raise TypeError(f"`gazetteer` must be a Gazetteer (analysis.groups.load_gazetteer()); got {type(gazetteer).__name__}.")
    texts = ["" if not isinstance(t, str) else t for t in sentences["text"].tolist()]
    rows, s, e, gi = gazetteer.scan_many(texts)
    if len(rows) == 0:
        return empty_mentions()
    if gazetteer._shared_first:
        gi = _resolve_namesakes(gazetteer, sentences, texts, rows, s, e, gi, dates)
    sub = sentences.iloc[rows]
    base = sub["start"].to_numpy(dtype=np.int64)
    gids = gazetteer.group_ids(gi)
    names = np.asarray([gazetteer.groups[g].name for g in gazetteer._gids], dtype=object)
    kinds = np.asarray([gazetteer.groups[g].kind for g in gazetteer._gids], dtype=object)
    out = pd.DataFrame({
        "doc_id": sub["doc_id"].to_numpy(dtype=object),
        "section": sub["section"].to_numpy(dtype=object),
        "paragraph": sub["paragraph"].to_numpy(dtype=np.int64),
        "sentence": sub["sentence"].to_numpy(dtype=np.int64),
        "start": base + s,
        "end": base + e,
        "alias": [texts[r][a:b] for r, a, b in zip(rows.tolist(), s.tolist(), e.tolist())],
        "group_id": gids,
        "group_name": names[gi],
        "group_kind": kinds[gi],
    })
    return out.sort_values(["doc_id", "section", "start", "end"], kind="stable").reset_index(drop=True)


def _resolve_namesakes(gaz: Gazetteer, sentences: pd.DataFrame, texts: list[str], rows: np.ndarray, s: np.ndarray,
                       e: np.ndarray, gi: np.ndarray, dates: pd.Series | dict | None) -> np.ndarray:
    """Group indices with each mention of a shared name resolved (see :meth:`Gazetteer.resolve`)."""
    todo = np.flatnonzero(np.isin(gi, list(gaz._shared_first)))
    if len(todo) == 0:
        return gi
    gi = gi.copy()
    doc_ids = sentences["doc_id"].to_numpy(dtype=object)
    by_doc = pd.Series(np.arange(len(doc_ids))).groupby(doc_ids).indices
    doc_text: dict[object, str] = {}
    for k in todo.tolist():
        r = int(rows[k])
        doc = doc_ids[r]
        if doc not in doc_text:
            doc_text[doc] = _context_text(" ".join(texts[i] for i in by_doc[doc]))
        when = dates.get(doc) if dates is not None else None
        gi[k] = gaz.resolve(int(gi[k]), texts[r][s[k]:e[k]], [_context_text(texts[r]), doc_text[doc]], when)
    return gi


def replace_group_names(text: str, *, gazetteer: Gazetteer, prefix: str = TOKEN_PREFIX,
                        collapse_lineage: bool = False) -> str:
    """``text`` with every group mention replaced by one token, ``prefix + group_id`` (``grp_hts``).

    A possessive glued to the name without an apostrophe ("Daeshs") is absorbed into the token;
    "HTS's" becomes "grp_hts's". With ``collapse_lineage`` the token is the lineage root (``grp_nusra``).
    """
    if not isinstance(text, str):
        raise TypeError(f"`text` must be a str; got {type(text).__name__}.")
    found = gazetteer.scan(text)
    if not found:
        return text
    parts, pos = [], 0
    context = None
    for start, stop, consumed, gi in found:
        if gi in gazetteer._shared_first:
            context = context or [_context_text(text)]
            gi = gazetteer.resolve(gi, text[start:stop], context)
        gid = gazetteer._gids[gi]
        if collapse_lineage:
            gid = gazetteer.lineage_root(gid)
        parts.append(text[pos:start])
        parts.append(prefix + gid)
        pos = consumed
    parts.append(text[pos:])
    return "".join(parts)


def mention_counts(mentions: pd.DataFrame, *, gazetteer: Gazetteer | None = None,
                   collapse_lineage: bool = False, top_aliases: int = 3) -> pd.DataFrame:
    """Mentions per group: group_id, group_name, group_kind, n_mentions, n_documents and the most frequent
    aliases seen ("Daesh | ISIS | IS"). With ``collapse_lineage`` (needs ``gazetteer``) groups count under
    their lineage root. Sorted by n_mentions, then group_id."""
    _require(mentions, ["doc_id", "alias", "group_id", "group_name", "group_kind"], "mentions")
    m = mentions
    if collapse_lineage:
        if gazetteer is None:
            raise ValueError("`collapse_lineage=True` needs `gazetteer` to map groups to their lineage root.")
        root = m["group_id"].map(gazetteer.lineage_root)
        m = m.assign(group_id=root, group_name=root.map(gazetteer.lineage_name),
                     group_kind=root.map(lambda g: gazetteer[g].kind))
    cols = ["group_id", "group_name", "group_kind", "n_mentions", "n_documents", "aliases"]
    if m.empty:
        return pd.DataFrame(columns=cols)
    keys = ["group_id", "group_name", "group_kind"]
    out = m.groupby(keys).agg(n_mentions=("alias", "size"), n_documents=("doc_id", "nunique")).reset_index()
    top = (m.groupby("group_id")["alias"].agg(lambda s: " | ".join(s.value_counts().index[:top_aliases])))
    out["aliases"] = out["group_id"].map(top)
    return out.sort_values(["n_mentions", "group_id"], ascending=[False, True]).reset_index(drop=True)[cols]
