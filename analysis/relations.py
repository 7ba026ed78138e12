"""The relation between two actors named in one sentence: cooperation, conflict or neither.

``sentence_polarities(text, spans, cues=...)`` labels every pair of groups in a sentence. Polarity comes from the cue lexicons in
``data/reference/relation_cues.yaml`` with a small, explainable heuristic applied to each sentence:

1. Units. Mentions joined only by connectors ("and", ",", "with", "as well as", "and other members of",
   ...) form one unit: "the Al Nusrah Front, Ahrar al Sham and other members of Jaysh al Fateh".
2. Inside a unit. A cue right before "between/among/of" sets the polarity ("clashes between X and Y",
   "the alliance of X and Y"); a unit introduced by "by" after a cue is a joint agent ("an offensive
   launched by the Assad regime, Russia and their allies") -> coop; the sentence subject (first unit, no cue
   before it) followed by a cue acts together -> coop ("X and Y ... open new fronts against Z"), unless the
   cue is passive ("were killed") -> neutral, or reciprocal with no group after it ("X and Y clashed") ->
   conflict; a unit introduced only by coop cues is coop ("cooperated with X and Y"); an enumeration with no
   cue ("The three organizations are X, Y and Z") takes the first cue of the previous sentence of the
   paragraph when that cue comes before any group there ("Three jihadist groups ... formed a joint
   operations room"). Otherwise neutral.
3. Across units. The cue nearest the second unit in the gap between two consecutive units decides
   ("Jaysh al Islam battled the Islamic State" -> conflict; "joint efforts against the regime" -> conflict);
   "the groups that ISIS continues to criticize" relates ISIS to the unit before "groups that". A unit
   further right inherits that relation when the earlier unit is allied (coop) with the unit in between
   ("Nusra ... joint operations with JMA ... to battle Syrian forces": Nusra-Syrian forces is conflict).
   A cue after the last unit followed by "them"/"each other" also applies to the first and last units
   ("... has cooperated with Al Nusrah ..., but has also had disagreements with them" -> mixed). A pair
   already joined inside a unit ignores the looser links across units.

A pair's labels from all its mentions in the sentence combine: coop and conflict -> mixed. Paragraph and
document rows aggregate the pair's sentence polarities the same way; a pair that only co-occurs across
sentences is neutral. Known limits: no parser, so a third party named without a group name in between
("a response from Maqdisi, who backs al Qaeda") can lend its relation to the groups around it, and
negation ("not interested in fighting ISIS") is not detected.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, NamedTuple

import ahocorasick
import yaml

from . import config
from .groups import normalise

__all__ = ["POLARITIES", "Cues", "load_cues", "sentence_polarities"]

DEFAULT_CUES = config.RELATION_CUES
POLARITIES = ("coop", "conflict", "mixed", "neutral", "unclear")
_PUNCT_GAP = r"[\s,;:()\[\]\"“”'’/&\-–—\x01]"
_ENDINGS = ("", "s", "es", "d", "ed", "ing", "er", "ers")
_IRREGULAR_PASSIVE = ("struck", "hit", "shot", "beaten", "overrun", "driven out", "shot down")
_AGENT_RE = re.compile(r"(?<!\w)by(?:\s+the)?[\s\x01\"“”]*$", re.I)
_RELATIVE_RE = re.compile(r"(?<!\w)(?:groups?|factions?|organi[sz]ations?|forces|rebels|militias?|fighters|jihadists|"
                          r"insurgents|parties|allies|rivals|brigades?|ones|those)\s+(?:that|which|whom)[\s\x01\"“”]*$", re.I)


def _phrase_pattern(phrase: str) -> str:
    words = phrase.strip().split()
    parts = [re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words]
    return r"[\s\-]+".join(parts)


def _alternation(phrases: Iterable[str]) -> str:
    return "|".join(_phrase_pattern(p) for p in sorted(set(phrases), key=lambda p: (-len(p), p)))


@dataclass(frozen=True)
class Cues:
    """Compiled cue lexicons. Build with :func:`load_cues`."""

    coop: tuple[str, ...]
    conflict: tuple[str, ...]
    reciprocal: tuple[str, ...] = ()
    introducers: tuple[str, ...] = ("between", "among", "amongst", "of")
    connectors: tuple[str, ...] = ("and", "with", "as well as")
    back_references: tuple[str, ...] = ("them", "each other", "one another")
    passive_auxiliaries: tuple[str, ...] = ("was", "were", "been", "being", "is", "are")
    ignore: tuple[str, ...] = ()
    modifiers: dict = field(default_factory=lambda: {"backed": "coop", "led": "coop", "linked": "coop"})
    # word lists read by the classifier's features (analysis.relation_features), one word each; * = any ending
    negation: tuple[str, ...] = ("not", "no", "never", "denied", "deny", "denies", "without")
    modality: tuple[str, ...] = ("could", "would", "might", "may", "if")
    reporting: tuple[str, ...] = ("said", "says", "according", "claimed", "accused")
    time_markers: tuple[str, ...] = ("formerly", "former", "previously", "now", "later")
    colisting: tuple[str, ...] = ("and", "or", "both", "the", ",")

    def __post_init__(self) -> None:
        # ONE Aho-Corasick automaton over the normalised cue phrases (and the `ignore` phrases, which block
        # cues inside them). A trailing * is a word-ending wildcard; a * inside a phrase ("fight* alongside")
        # is expanded to the common English endings.
        auto = ahocorasick.Automaton()
        entries: dict[str, tuple[int, str, bool]] = {}
        labelled = [(p, "coop") for p in self.coop] + [(p, "conflict") for p in self.conflict] + \
                   [(p, "ignore") for p in self.ignore]
        for phrase, lab in labelled:
            words = normalise(phrase).split()
            wild_end = words[-1].endswith("*")
            options = [[w[:-1] + suf for suf in _ENDINGS] if w.endswith("*") else [w] for w in words[:-1]]
            options.append([words[-1].rstrip("*")])
            for combo in itertools.product(*options):
                key = " ".join(combo)
                if key not in entries or (lab == "ignore" and entries[key][1] != "ignore"):
                    entries[key] = (len(key), lab, wild_end)
        for key, val in entries.items():
            auto.add_word(key, val)
        auto.make_automaton()
        object.__setattr__(self, "_automaton", auto)
        mods = "|".join(re.escape(x) for x in sorted(self.modifiers, key=len, reverse=True)) or "(?!x)x"
        object.__setattr__(self, "modifier_re_", re.compile(r"[\-‐‑–](" + mods + r")(?!\w)", re.I))
        rec = _alternation(self.reciprocal) or "(?!x)x"
        object.__setattr__(self, "reciprocal_re_", re.compile(r"(?<!\w)(?:" + rec + r")(?!\w)", re.I))
        con = _alternation(self.connectors)
        object.__setattr__(self, "connector_gap_re_",
                           re.compile(r"(?:" + _PUNCT_GAP + r"|(?<!\w)(?:" + con + r")(?!\w))*", re.I))
        intro = _alternation(self.introducers)
        object.__setattr__(self, "intro_re_", re.compile(r"(?<!\w)(" + intro + r")(?:\s+(?:both|the|all))*[\s\x01\"“”]*$", re.I))
        back = _alternation(self.back_references) or "(?!x)x"
        object.__setattr__(self, "back_re_", re.compile(r"(?<!\w)(?:" + back + r")(?!\w)", re.I))
        aux = _alternation(self.passive_auxiliaries) or "(?!x)x"
        object.__setattr__(self, "aux_re_", re.compile(r"(?<!\w)(?:" + aux + r")\s+(?:\w+ly\s+)?$", re.I))
        classes = {}
        for name in ("negation", "modality", "reporting", "time_markers", "colisting"):
            words = set()
            for phrase in getattr(self, name):
                for w in phrase.lower().replace("’", "'").split():
                    if w.endswith("*"):
                        words.update(w[:-1] + e for e in _ENDINGS)
                    else:
                        words.add(w)
            classes[name] = frozenset(words)
        classes["connectors"] = classes.pop("colisting") | frozenset(",;:()-\"'–—/&")
        object.__setattr__(self, "word_classes_", classes)

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Cue hits (start, end, 'coop'|'conflict') in ``text``, word-bounded, leftmost-longest."""
        norm = normalise(text)
        n = len(norm)
        cands = []
        for end, (klen, lab, wild) in self._automaton.iter(norm):
            start = end - klen + 1
            if start and (norm[start - 1].isalnum() or norm[start - 1] == "_"):
                continue
            stop = end + 1
            if wild:
                while stop < n and (norm[stop].isalnum() or norm[stop] == "_"):
                    stop += 1
            elif stop < n and (norm[stop].isalnum() or norm[stop] == "_"):
                continue
            cands.append((start, stop, lab))
        if not cands:
            return cands
        cands.sort(key=lambda c: (c[0], c[0] - c[1]))
        out, last = [], -1
        for c in cands:
            if c[0] >= last:
                last = c[1]
                if c[2] != "ignore":
                    out.append(c)
        return out


def load_cues(path: str | Path | None = None) -> Cues:
    """Read the cue lexicons (default ``data/reference/relation_cues.yaml``)."""
    p = Path(path) if path is not None else DEFAULT_CUES
    data = yaml.safe_load(p.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{p}: the cue file must be a mapping with 'coop' and 'conflict' lists; got {type(data).__name__}.")
    fields = ("coop", "conflict", "reciprocal", "introducers", "connectors", "back_references", "passive_auxiliaries",
              "ignore", "modifiers", "negation", "modality", "reporting", "time_markers", "colisting")
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ValueError(f"{p}: unknown key(s) {unknown}; allowed are {list(fields)}.")
    kwargs = {}
    for f in fields:
        v = data.get(f)
        if v is None:
            if f in ("coop", "conflict"):
                raise ValueError(f"{p}: '{f}' must be a non-empty list of phrases; got nothing.")
            continue
        if f == "modifiers":
            if not isinstance(v, dict) or not all(isinstance(x, str) and y in POLARITIES for x, y in v.items()):
                raise ValueError(f"{p}: 'modifiers' must map a suffix to one of {list(POLARITIES)}; got {v!r}.")
            kwargs[f] = {str(x).lower(): y for x, y in v.items()}
            continue
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            raise ValueError(f"{p}: '{f}' must be a list of non-empty strings; got {v!r}.")
        kwargs[f] = tuple(str(x) for x in v)
    return Cues(**kwargs)


# ---------------------------------------------------------------------------------------------- sentence polarity
class _Unit(NamedTuple):
    start: int
    end: int
    groups: tuple[str, ...]


def _labels(hits: list[tuple[int, int, str]], a: int, b: int) -> set[str]:
    return {lab for s, e, lab in hits if s >= a and e <= b}


def _combine(labels: set[str]) -> str:
    if "coop" in labels and "conflict" in labels:
        return "mixed"
    if labels:
        return next(iter(labels))
    return "neutral"


def sentence_polarities(text: str, spans: list[tuple[int, int, str]], *, cues: Cues,
                        previous: tuple[str, int] | None = None) -> dict[tuple[str, str], str]:
    """Polarity of every group pair in one sentence (the heuristic in the module docstring).

    ``spans``: (start, end, group_id) of the mentions, offsets into ``text``. ``previous``: the previous
    sentence of the paragraph and the offset of its first mention (its length if none), for enumerations.
    Returns {(group_a, group_b): polarity} with group_a < group_b; self-pairs are skipped.
    """
    spans = sorted(spans)
    chars = list(text)
    modifiers: list[tuple[int, int, str, str]] = []  # "US-backed": (start, end incl. suffix, group, label)
    heads = []
    for s, e, g in spans:
        mod = cues.modifier_re_.match(text, e)
        if mod:
            modifiers.append((s, mod.end(), g, cues.modifiers[mod.group(1).lower()]))
            chars[s:mod.end()] = "\x01" * (mod.end() - s)
        else:
            heads.append((s, e, g))
            chars[s:e] = "\x01" * (e - s)
    masked = "".join(chars)
    hits = cues.find(masked)
    labels: dict[tuple[str, str], set[str]] = {}
    internal: set[tuple[str, str]] = set()

    def add(ga: str, gb: str, labs: set[str], *, inside: bool) -> None:
        if ga == gb:
            return
        key = (ga, gb) if ga < gb else (gb, ga)
        if inside:
            internal.add(key)
        elif key in internal:
            return  # coordination in one unit outweighs a looser link across units
        labels.setdefault(key, set()).update(labs)

    # 0. a modifier relates its group to the next group named within three words ("US-backed SDF")
    for ms, me, g, lab in modifiers:
        nxt = next(((s, e, h) for s, e, h in spans if s >= me), None)
        if nxt is not None and len(masked[me:nxt[0]].split()) <= 3:
            add(g, nxt[2], {lab} if lab in ("coop", "conflict") else set(), inside=True)
    if not heads:
        return {key: _combine(v) for key, v in labels.items()}
    # 1. units: mentions joined only by connectors
    units: list[list] = []
    for s, e, g in heads:
        if units and cues.connector_gap_re_.fullmatch(masked, units[-1][1], s) and not _labels(hits, units[-1][1], s):
            units[-1][1] = e
            units[-1][2].append(g)
        else:
            units.append([s, e, [g]])
    U = [_Unit(s, e, tuple(gs)) for s, e, gs in units]
    k = len(U)
    lefts = [U[j - 1].end if j else 0 for j in range(k)]
    # what introduces each unit: "clashes between" / "the alliance of" (intro cue), "launched by" (agent)
    intro: list[set[str] | None] = []
    agent: list[bool] = []
    used: set[tuple[int, int, str]] = set()
    for j, u in enumerate(U):
        found = None
        m = cues.intro_re_.search(masked, lefts[j], u.start)
        if m:
            near = [h for h in hits if lefts[j] <= h[0] and h[1] <= m.start() and len(masked[h[1]:m.start()].split()) <= 2]
            if near:
                found = {near[-1][2]}
                used.add(near[-1])
            elif m.group(1).lower() != "of":
                found = set()  # "an understanding between X and Y": no cue, no polarity
        intro.append(found)
        agent.append(bool(_AGENT_RE.search(masked, lefts[j], u.start)) and any(h[1] <= u.start for h in hits))
    gap_hits = [[h for h in hits if lefts[j] <= h[0] and h[1] <= U[j].start and h not in used] for j in range(k)]

    # 2. inside units
    for j, u in enumerate(U):
        if len(set(u.groups)) < 2:
            continue
        after = [h for h in hits if h[0] >= u.end]
        if intro[j] is not None:
            inner = intro[j]
        elif agent[j]:
            inner = {"coop"}
        elif j == 0 and not gap_hits[0] and after:  # the sentence subject, followed by a predicate cue
            first = after[0]
            cue_text = masked[first[0]:first[1]].lower()
            if cues.aux_re_.search(masked, u.end, first[0]) and (cue_text.endswith(("ed", "en")) or cue_text in _IRREGULAR_PASSIVE):
                inner = set()
            elif k == 1 and cues.reciprocal_re_.search(masked, u.end):
                inner = {"conflict"}
            else:
                inner = {"coop"}
        elif gap_hits[j] and all(h[2] == "coop" for h in gap_hits[j]):
            inner = {"coop"}
        elif k == 1 and not hits and previous is not None:
            prev_text, prev_first = previous
            prev_hits = [h for h in cues.find(prev_text) if h[1] <= prev_first]
            inner = {prev_hits[0][2]} if prev_hits else set()
        else:
            inner = set()
        for ga, gb in itertools.combinations(u.groups, 2):
            add(ga, gb, inner, inside=True)
    # 3. across units
    tail = {h[2] for h in hits if h[0] >= U[-1].end and cues.back_re_.search(masked, h[1], min(len(masked), h[1] + 40))}
    rel: dict[tuple[int, int], set[str]] = {}
    for j in range(1, k):
        right = U[j + 1].start if j + 1 < k else len(masked)
        follow = [h for h in hits if U[j].end <= h[0] and h[1] <= right and len(masked[U[j].end:h[0]].split()) <= 4]
        if _RELATIVE_RE.search(masked, lefts[j], U[j].start) and follow:
            adjacent = {follow[0][2]}  # "the two groups that ISIS continues to criticize"
        elif gap_hits[j]:
            adjacent = {gap_hits[j][-1][2]}  # the cue nearest the second unit governs it
        else:
            adjacent = set()
        for i in range(j - 1, -1, -1):
            labs = set(adjacent) if (i == j - 1 or rel[(i, j - 1)] == {"coop"}) else set()
            if i == 0 and j == k - 1:
                labs |= tail
            rel[(i, j)] = labs
            for ga in U[i].groups:
                for gb in U[j].groups:
                    add(ga, gb, labs, inside=False)
    return {key: _combine(v) for key, v in labels.items()}
