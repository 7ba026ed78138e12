"""Co-mentions of armed groups, their polarity (cooperation or conflict), statistics and time series.

``comentions(mentions, sentences, gazetteer=...)`` builds the ``comentions`` table at three levels
(sentence, paragraph, document; body and comments kept apart). Polarity comes from the cue lexicons in
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
import numpy as np
import pandas as pd
import yaml

from .groups import SENTENCE_COLUMNS, Gazetteer, _require, normalise

try:
    from . import config as _config

    DEFAULT_CUES = _config.REFERENCE_DIR / "relation_cues.yaml"
except ImportError:  # pragma: no cover
    DEFAULT_CUES = Path(__file__).resolve().parents[1] / "data" / "reference" / "relation_cues.yaml"

LEVELS = ("sentence", "paragraph", "document")
POLARITIES = ("coop", "conflict", "mixed", "neutral")
COMENTION_COLUMNS = ["doc_id", "section", "level", "paragraph", "sentence", "group_a", "group_b", "group_a_name",
                     "group_b_name", "polarity", "evidence", "n_sentences", "n_joint", "n_coop", "n_conflict"]
MENTION_REQUIRED = ["doc_id", "section", "paragraph", "sentence", "start", "end", "group_id"]
_PUNCT_GAP = r"[\s,;:()\[\]\"“”'’/&\-–—\x01]"
_ENDINGS = ("", "s", "es", "d", "ed", "ing", "er", "ers")
_IRREGULAR_PASSIVE = ("struck", "hit", "shot", "beaten", "overrun", "driven out", "shot down")
_AGENT_RE = re.compile(r"(?<!\w)by(?:\s+the)?[\s\x01\"“”]*$", re.I)
_RELATIVE_RE = re.compile(r"(?<!\w)(?:groups?|factions?|organi[sz]ations?|forces|rebels|militias?|fighters|jihadists|"
                          r"insurgents|parties|allies|rivals|brigades?|ones|those)\s+(?:that|which|whom)[\s\x01\"“”]*$", re.I)


# ---------------------------------------------------------------------------------------------- cues
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
              "ignore", "modifiers")
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


# ---------------------------------------------------------------------------------------------- the table
def empty_comentions() -> pd.DataFrame:
    ints = {"paragraph": "Int64", "sentence": "Int64", "n_sentences": "int64", "n_joint": "int64", "n_coop": "int64",
            "n_conflict": "int64"}
    return pd.DataFrame({c: pd.Series(dtype=ints.get(c, object)) for c in COMENTION_COLUMNS})


def _group_map(gazetteer: Gazetteer, collapse_lineage: bool) -> dict[str, str]:
    return {g: (gazetteer.lineage_root(g) if collapse_lineage else g) for g in gazetteer.groups}


def comentions(mentions: pd.DataFrame, sentences: pd.DataFrame, *, cues: Cues | str | Path | None = None,
               collapse_lineage: bool = False, gazetteer: Gazetteer) -> pd.DataFrame:
    """The ``comentions`` table: one row per unordered pair of groups mentioned in the same unit.

    Units are a sentence, a paragraph or a document SECTION (body and comments are never mixed).
    Columns: doc_id, section, level ('sentence'|'paragraph'|'document'), paragraph (Int64; <NA> at document
    level), sentence (Int64; only at sentence level), group_a < group_b (ids), group_a_name, group_b_name,
    polarity ('coop'|'conflict'|'mixed'|'neutral'), evidence (';'-joined sentence ids "section:sentence" of
    the unit's sentences that mention group_a or group_b, e.g. "body:3;body:7"), n_sentences (how many),
    n_joint (sentences mentioning both), n_coop / n_conflict (sentence-level co-mentions in the unit with
    coop / conflict, a mixed sentence counting in both). Self-pairs are excluded; with ``collapse_lineage``
    groups are first mapped to their lineage root (jfs, hts -> nusra). Pure: DataFrames in, DataFrame out.
    """
    _require(mentions, MENTION_REQUIRED, "mentions")
    _require(sentences, SENTENCE_COLUMNS, "sentences")
    if not isinstance(gazetteer, Gazetteer):
        raise TypeError(f"`gazetteer` must be a Gazetteer; got {type(gazetteer).__name__}.")
    cues = cues if isinstance(cues, Cues) else load_cues(cues)
    if mentions.empty:
        return empty_comentions()
    gmap = _group_map(gazetteer, collapse_lineage)
    unknown = set(mentions["group_id"].unique()) - set(gmap)
    if unknown:
        raise ValueError(f"`mentions` has group ids not in the gazetteer: {sorted(unknown)[:5]}.")
    names = {g: gazetteer.groups[g].name for g in set(gmap.values())}
    m = pd.DataFrame({
        "doc_id": mentions["doc_id"].to_numpy(dtype=object), "section": mentions["section"].to_numpy(dtype=object),
        "paragraph": mentions["paragraph"].to_numpy(dtype=np.int64),
        "sentence": mentions["sentence"].to_numpy(dtype=np.int64),
        "start": mentions["start"].to_numpy(dtype=np.int64), "end": mentions["end"].to_numpy(dtype=np.int64),
        "group": mentions["group_id"].map(gmap).to_numpy(dtype=object),
    }).sort_values(["doc_id", "section", "sentence", "start"], kind="stable")
    doc, sec, par, snt, st, en, grp = (m[c].tolist() for c in m.columns)
    n = len(doc)
    # runs of one sentence; the sentences with two distinct groups need their text
    runs, i = [], 0
    while i < n:
        j = i + 1
        while j < n and snt[j] == snt[i] and doc[j] == doc[i] and sec[j] == sec[i]:
            j += 1
        runs.append((i, j))
        i = j
    multi = [(a, b) for a, b in runs if len(set(grp[a:b])) >= 2]
    texts: dict[tuple, tuple[int, int, str]] = {}
    if multi:
        want = set()
        for a, _ in multi:
            want.add((doc[a], sec[a], snt[a]))
            want.add((doc[a], sec[a], snt[a] - 1))
        keys = pd.DataFrame(list(want), columns=["doc_id", "section", "sentence"])
        keys["sentence"] = keys["sentence"].astype(np.int64)
        sub = sentences[["doc_id", "section", "sentence", "paragraph", "start", "text"]].copy()
        sub["sentence"] = sub["sentence"].astype(np.int64)
        sub["doc_id"] = sub["doc_id"].astype(object)
        sub["section"] = sub["section"].astype(object)
        got = keys.merge(sub, on=["doc_id", "section", "sentence"], how="inner").drop_duplicates(
            ["doc_id", "section", "sentence"])
        texts = {(d, c, int(k)): (int(p), int(b), t) for d, c, k, p, b, t in zip(
            got["doc_id"], got["section"], got["sentence"], got["paragraph"], got["start"], got["text"])}
    first_start = {(doc[a], sec[a], snt[a]): st[a] for a, _ in runs}
    sent_pol: dict[tuple, dict[tuple[str, str], str]] = {}
    for a, b in multi:
        key = (doc[a], sec[a], snt[a])
        if key not in texts:
            continue
        para, base, text = texts[key]
        spans = [(st[x] - base, en[x] - base, grp[x]) for x in range(a, b)]
        prev_key = (key[0], key[1], key[2] - 1)
        previous = None
        if prev_key in texts and texts[prev_key][0] == para:
            ppara, pbase, ptext = texts[prev_key]
            previous = (ptext, first_start.get(prev_key, pbase + len(ptext)) - pbase)
        sent_pol[key] = sentence_polarities(text, spans, cues=cues, previous=previous)
    # aggregate per document section, paragraph and sentence
    rows: list[tuple] = []
    run_i = 0
    while run_i < len(runs):
        a0 = runs[run_i][0]
        d, c = doc[a0], sec[a0]
        by_doc: dict[str, list[int]] = {}
        by_par: dict[int, dict[str, list[int]]] = {}
        para_order: list[int] = []
        sent_units: list[tuple[int, int, list[str]]] = []
        while run_i < len(runs) and doc[runs[run_i][0]] == d and sec[runs[run_i][0]] == c:
            a, b = runs[run_i]
            s_, p_ = snt[a], par[a]
            gs = sorted(set(grp[a:b]))
            if p_ not in by_par:
                by_par[p_] = {}
                para_order.append(p_)
            for g in gs:
                by_doc.setdefault(g, []).append(s_)
                by_par[p_].setdefault(g, []).append(s_)
            if len(gs) >= 2:
                sent_units.append((p_, s_, gs))
            run_i += 1
        pols_here = {k[2]: v for k, v in ((kk, sent_pol[kk]) for kk in ((d, c, s_) for _, s_, _ in sent_units))
                     if k in sent_pol} if sent_units else {}
        units = [("document", None, None, by_doc)]
        units += [("paragraph", p_, None, by_par[p_]) for p_ in sorted(para_order) if len(by_par[p_]) >= 2]
        units += [("sentence", p_, s_, {g: [s_] for g in gs}) for p_, s_, gs in sent_units]
        for level, para, sent, gsents in units:
            if len(gsents) < 2:
                continue
            for ga, gb in itertools.combinations(sorted(gsents), 2):
                la, lb = gsents[ga], gsents[gb]
                joint = sorted(set(la).intersection(lb))
                n_coop = n_conf = 0
                for s_ in joint:
                    pol = pols_here.get(s_, {}).get((ga, gb), "neutral")
                    n_coop += pol in ("coop", "mixed")
                    n_conf += pol in ("conflict", "mixed")
                pol = "mixed" if (n_coop and n_conf) else "coop" if n_coop else "conflict" if n_conf else "neutral"
                ev = sorted(set(la).union(lb))
                rows.append((d, c, level, para, sent, ga, gb, names[ga], names[gb], pol,
                             ";".join([f"{c}:{x}" for x in ev]), len(ev), len(joint), n_coop, n_conf))
    if not rows:
        return empty_comentions()
    out = pd.DataFrame(rows, columns=COMENTION_COLUMNS)
    out["paragraph"] = out["paragraph"].astype("Int64")
    out["sentence"] = out["sentence"].astype("Int64")
    return out


def evidence_sentences(comentions_rows: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """The sentences behind co-mention rows: one row per (comention row, evidence sentence).

    Columns: row (the index label in ``comentions_rows``), doc_id, section, sentence, group_a, group_b,
    polarity, text.
    """
    _require(comentions_rows, ["doc_id", "evidence", "group_a", "group_b", "polarity"], "comentions_rows")
    _require(sentences, SENTENCE_COLUMNS, "sentences")
    recs = []
    for idx, r in comentions_rows.iterrows():
        for item in str(r["evidence"]).split(";"):
            if item:
                sec, num = item.rsplit(":", 1)
                recs.append((idx, r["doc_id"], sec, int(num), r["group_a"], r["group_b"], r["polarity"]))
    ev = pd.DataFrame(recs, columns=["row", "doc_id", "section", "sentence", "group_a", "group_b", "polarity"])
    return ev.merge(sentences[["doc_id", "section", "sentence", "text"]], on=["doc_id", "section", "sentence"], how="left")


def evidence_table(comentions_table: pd.DataFrame, sentences: pd.DataFrame, *, group_a: str, group_b: str,
                   level: str = "sentence", width: int | None = 160) -> pd.DataFrame:
    """The sentences behind the pair's rows at ``level``: doc_id, sentence ("section:n"), polarity (of the
    row), text (cut to ``width`` characters). The pair may be given in either order."""
    a, b = sorted((group_a, group_b))
    rows = comentions_table[(comentions_table["level"] == level) & (comentions_table["group_a"] == a)
                            & (comentions_table["group_b"] == b)]
    ev = evidence_sentences(rows, sentences)
    if ev.empty:
        return pd.DataFrame(columns=["doc_id", "sentence", "polarity", "text"])
    text = ev["text"].fillna("")
    if width:
        text = text.where(text.str.len() <= width, text.str.slice(0, width - 1) + "…")
    return pd.DataFrame({"doc_id": ev["doc_id"], "sentence": ev["section"] + ":" + ev["sentence"].astype(str),
                         "polarity": ev["polarity"], "text": text}).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- statistics
def _bh(p: np.ndarray, m: int) -> np.ndarray:
    """Benjamini-Hochberg q-values for ``p`` within a family of ``m`` >= len(p) tests (the rest have p = 1)."""
    n = len(p)
    if n == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, n + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(n)
    out[order] = np.minimum(q, 1.0)
    return out


def pair_statistics(comentions: pd.DataFrame, mentions: pd.DataFrame, *, level: str = "document",
                    gazetteer: Gazetteer | None = None, collapse_lineage: bool = False) -> pd.DataFrame:
    """Association of each co-mentioned pair beyond chance, over units of ``level``.

    Units are the documents' sections (level 'document'), paragraphs or sentences that mention at least one
    group. ``collapse_lineage`` (needs ``gazetteer``) must match how ``comentions`` was built. Columns:

    * group_a, group_b, group_a_name, group_b_name
    * n_units: units with any group mention (N); n_a, n_b: units mentioning each group; n_ab: units with both
    * expected: n_a * n_b / N; pmi: log2(n_ab * N / (n_a * n_b)); npmi: pmi / -log2(n_ab / N) (1 = always
      together; 0 = independent); jaccard: n_ab / (n_a + n_b - n_ab)
    * p_value: one-sided hypergeometric (Fisher's exact) P(X >= n_ab) of drawing n_b units out of N of
      which n_a mention group_a; q_value: Benjamini-Hochberg over ALL pairs of groups mentioned (k(k-1)/2
      tests, never-co-mentioned pairs counted with p = 1)
    * n_coop, n_conflict, n_mixed, n_neutral: units of the pair by polarity
    Sorted by q_value, then n_ab descending.
    """
    from scipy.stats import hypergeom

    if level not in LEVELS:
        raise ValueError(f"`level` must be one of {', '.join(repr(x) for x in LEVELS)}; got {level!r}.")
    _require(comentions, ["level", "group_a", "group_b", "polarity"], "comentions")
    _require(mentions, MENTION_REQUIRED, "mentions")
    if collapse_lineage and gazetteer is None:
        raise ValueError("`collapse_lineage=True` needs `gazetteer` to map groups to their lineage root.")
    groups = mentions["group_id"]
    if collapse_lineage:
        groups = groups.map(_group_map(gazetteer, True))
    unit_cols = {"document": ["doc_id", "section"], "paragraph": ["doc_id", "section", "paragraph"],
                 "sentence": ["doc_id", "section", "sentence"]}[level]
    units = mentions[unit_cols].astype(str).agg("\x1f".join, axis=1) if len(mentions) else pd.Series(dtype=object)
    pres = pd.DataFrame({"unit": units.to_numpy(), "group": groups.to_numpy()}).drop_duplicates()
    N = pres["unit"].nunique()
    n_by = pres.groupby("group")["unit"].nunique()
    c = comentions[comentions["level"] == level]
    cols = ["group_a", "group_b", "group_a_name", "group_b_name", "n_units", "n_a", "n_b", "n_ab", "expected", "pmi",
            "npmi", "jaccard", "p_value", "q_value", "n_coop", "n_conflict", "n_mixed", "n_neutral"]
    if c.empty:
        return pd.DataFrame(columns=cols)
    name_cols = [x for x in ("group_a_name", "group_b_name") if x in c.columns]
    counts = c.groupby(["group_a", "group_b"]).size().rename("n_ab")
    pol = c.groupby(["group_a", "group_b"])["polarity"].value_counts().unstack(fill_value=0)
    pol = pol.reindex(columns=list(POLARITIES), fill_value=0).add_prefix("n_")
    out = pd.concat([counts, pol], axis=1).reset_index()
    if name_cols:
        out = out.merge(c.drop_duplicates(["group_a", "group_b"])[["group_a", "group_b", *name_cols]], on=["group_a", "group_b"])
    out["n_units"] = N
    out["n_a"] = out["group_a"].map(n_by).fillna(0).astype(int)
    out["n_b"] = out["group_b"].map(n_by).fillna(0).astype(int)
    na, nb, nab = (out[k].to_numpy(dtype=float) for k in ("n_a", "n_b", "n_ab"))
    out["expected"] = na * nb / N
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log2(nab * N / (na * nb))
        denom = -np.log2(nab / N)
        out["pmi"] = pmi
        out["npmi"] = np.where(denom > 0, pmi / denom, 1.0)
    out["jaccard"] = nab / (na + nb - nab)
    out["p_value"] = hypergeom.sf(out["n_ab"].to_numpy() - 1, N, out["n_a"].to_numpy(), out["n_b"].to_numpy())
    k = len(n_by)
    out["q_value"] = _bh(out["p_value"].to_numpy(dtype=float), max(len(out), k * (k - 1) // 2))
    for col in ("group_a_name", "group_b_name"):
        if col not in out.columns:
            out[col] = out["group_a" if col == "group_a_name" else "group_b"]
    return out[cols].sort_values(["q_value", "n_ab"], ascending=[True, False], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------------------------- time series
class TimeSeries(NamedTuple):
    """``dated``: counts per period; ``undated``: the rows of documents without a usable date (never
    guessed); ``documents``: per period, the documents behind ``dated`` by date provenance (period,
    n_documents, n_explicit, n_inferred, n_curated)."""

    dated: pd.DataFrame
    undated: pd.DataFrame
    documents: pd.DataFrame


def choose_freq(documents: pd.DataFrame, *, date_column: str = "published", max_months: int = 24) -> str:
    """'M' when the dated documents span at most ``max_months`` months, else 'Q'."""
    dates = pd.to_datetime(documents[date_column], errors="coerce").dropna()
    if dates.empty:
        return "M"
    span = (dates.max().year - dates.min().year) * 12 + dates.max().month - dates.min().month
    return "M" if span <= max_months else "Q"


def _documents_per_period(dated: pd.DataFrame) -> pd.DataFrame:
    if dated.empty:
        return pd.DataFrame(columns=["period", "n_documents"])
    docs = dated.drop_duplicates("doc_id")
    out = _pivot_provenance(docs, ["period"], "n_documents")
    return out.sort_values("period").reset_index(drop=True)


_FREQS = {"M": "M", "ME": "M", "MS": "M", "Q": "Q", "QE": "Q", "QS": "Q", "Y": "Y", "YE": "Y", "A": "Y"}


def _dates(frame: pd.DataFrame, documents: pd.DataFrame, freq: str, date_column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    if freq not in _FREQS:
        raise ValueError(f"`freq` must be one of 'M', 'Q', 'Y'; got {freq!r}.")
    _require(documents, ["doc_id", date_column], "documents")
    prov_col = f"{date_column}_provenance"
    docs = documents[["doc_id", date_column] + ([prov_col] if prov_col in documents.columns else [])].copy()
    docs["_date"] = pd.to_datetime(docs[date_column], errors="coerce")
    docs["provenance"] = docs[prov_col].astype(object) if prov_col in docs.columns else "unknown"
    if prov_col in docs.columns:
        docs.loc[docs["provenance"].isin(["unknown"]) | docs["provenance"].isna(), "_date"] = pd.NaT
    merged = frame.merge(docs[["doc_id", "_date", "provenance"]], on="doc_id", how="left")
    undated = merged[merged["_date"].isna()].drop(columns="_date").reset_index(drop=True)
    dated = merged[merged["_date"].notna()].copy()
    dated["period"] = dated["_date"].dt.to_period(_FREQS[freq]).dt.start_time
    return dated, undated


def _pivot_provenance(frame: pd.DataFrame, keys: list[str], count_col: str) -> pd.DataFrame:
    prov = frame.groupby(keys)["provenance"].value_counts().unstack(fill_value=0).add_prefix("n_")
    total = frame.groupby(keys)["doc_id"].nunique().rename(count_col)
    return pd.concat([total, prov], axis=1).reset_index()


def mentions_over_time(mentions: pd.DataFrame, documents: pd.DataFrame, *, freq: str = "M",
                       date_column: str = "published", gazetteer: Gazetteer | None = None,
                       collapse_lineage: bool = False) -> TimeSeries:
    """Mentions per group per period, by the documents' original publication date.

    ``dated`` columns: period (Timestamp, start of the month/quarter/year), group_id, group_name, n_mentions,
    n_documents, and n_<provenance> (documents by how their date was found: explicit, inferred, curated).
    ``undated``: the mention rows whose document has no date or a date of provenance 'unknown' (listed apart,
    never placed on a guessed date), with the document's provenance.
    """
    _require(mentions, ["doc_id", "group_id"], "mentions")
    m = mentions.copy()
    if collapse_lineage:
        if gazetteer is None:
            raise ValueError("`collapse_lineage=True` needs `gazetteer`.")
        m["group_id"] = m["group_id"].map(_group_map(gazetteer, True))
        m["group_name"] = m["group_id"].map({g: gazetteer.groups[g].name for g in gazetteer.groups})
    dated, undated = _dates(m, documents, freq, date_column)
    cols = ["period", "group_id", "group_name", "n_mentions", "n_documents"]
    if dated.empty:
        return TimeSeries(pd.DataFrame(columns=cols), undated, _documents_per_period(dated))
    if "group_name" not in dated.columns:
        dated["group_name"] = dated["group_id"]
    keys = ["period", "group_id", "group_name"]
    n = dated.groupby(keys).size().rename("n_mentions").reset_index()
    docs = dated.drop_duplicates(["doc_id", *keys])
    out = n.merge(_pivot_provenance(docs, keys, "n_documents"), on=keys)
    return TimeSeries(out.sort_values(["period", "group_id"]).reset_index(drop=True), undated,
                      _documents_per_period(dated))


def comentions_over_time(comentions: pd.DataFrame, documents: pd.DataFrame, *, freq: str = "M",
                         date_column: str = "published", level: str = "document") -> TimeSeries:
    """Co-mentioned pairs per period, by the documents' original publication date.

    ``dated`` columns: period (Timestamp, period start), group_a, group_b, group_a_name, group_b_name,
    n_documents (documents co-mentioning the pair), n_units (rows of ``level``), n_coop, n_conflict, n_mixed,
    n_neutral (rows by polarity), polarity (of the period: coop+conflict or any mixed -> mixed, else the one
    seen, else neutral) and n_<provenance> (documents by date provenance). ``undated``: the ``level`` rows of
    documents without a usable date, listed apart.
    """
    if level not in LEVELS:
        raise ValueError(f"`level` must be one of {', '.join(repr(x) for x in LEVELS)}; got {level!r}.")
    _require(comentions, ["doc_id", "level", "group_a", "group_b", "polarity"], "comentions")
    c = comentions[comentions["level"] == level]
    dated, undated = _dates(c, documents, freq, date_column)
    keys = ["period", "group_a", "group_b", "group_a_name", "group_b_name"]
    cols = keys + ["n_documents", "n_units", *[f"n_{p}" for p in POLARITIES], "polarity"]
    if dated.empty:
        return TimeSeries(pd.DataFrame(columns=cols), undated, _documents_per_period(dated))
    units = dated.groupby(keys).size().rename("n_units")
    pol = dated.groupby(keys)["polarity"].value_counts().unstack(fill_value=0)
    pol = pol.reindex(columns=list(POLARITIES), fill_value=0).add_prefix("n_")
    out = pd.concat([units, pol], axis=1).reset_index()
    coop, conf, mixed = (out[f"n_{p}"] > 0 for p in ("coop", "conflict", "mixed"))
    out["polarity"] = np.select([mixed | (coop & conf), coop, conf], ["mixed", "coop", "conflict"], "neutral")
    prov = _pivot_provenance(dated.drop_duplicates(["doc_id", *keys]), keys, "n_documents")
    out = out.merge(prov, on=keys)
    front = cols
    rest = [x for x in out.columns if x not in front]
    return TimeSeries(out[front + rest].sort_values(["period", "group_a", "group_b"]).reset_index(drop=True), undated,
                      _documents_per_period(dated))
