"""Features of a pair of actors named in one sentence, for the relation classifier (``analysis.relation_model``).

``pair_features(text, spans, pairs, cues=..., kinds=...)`` describes each requested pair of mentions of one
sentence by a list of named, human-readable features (strings such as ``"between:clashes"`` or
``"cue_between_last:conflict"``). The classifier learns one weight per feature, so the features that decide a
row can be shown to the analyst as they are. Group names are masked: the pair's two mentions become ``E1``
(the earlier) and ``E2``, any other actor ``G``, so no feature names a particular group; the actors' kinds
(``kind_pair:state_force|jihadist_group``) are the only thing the model knows of who they are.

The families (each string starts with its family name):

* words: ``between:`` (bag of words between the pair) and ``between2:`` (bigrams) when the gap has at most
  12 tokens, ``after1:`` (first word after E1), ``before2:`` (last word before E2), ``left:``/``right:``
  (three words before E1 / after E2), ``left1:``/``right1:`` (the adjacent words);
* structure: ``distance:`` (binned tokens between), ``third_between:`` (other actors between), ``colisted``,
  ``colisted_or``, ``colisted_and`` (only connectors and punctuation between: one slot, not a relation),
  ``third_after_cue`` (a third actor stands between the last cue and E2: the cue is about someone else),
  ``e1_first`` (E1 opens the sentence: its subject);
* cues from ``data/reference/relation_cues.yaml``: ``cue_between:``, ``cue_between_last:``,
  ``cue_between_word:``, ``cue_left:`` (a cue shortly before E1), ``cue_intro:`` (a cue introducing the pair:
  "clashes between E1 and E2"), ``cue_right:``, ``cue_any:``;
* modifiers glued to a name ("US-backed", "IS-held", "Britain-based"): ``mod1:``/``mod2:``, prefixes
  ("anti-Daesh", "pro-government"): ``prefix1:``/``prefix2:``, ``possessive1``;
* negation, modality, reporting, time from the cue file's word lists: ``negation``, ``negation_near``,
  ``modal``, ``modal_near``, ``reported``, ``reported_near``, ``year``, ``years2``, ``time:``;
* ``kind_pair:`` the two actors' kinds (from the gazetteer), sorted.

Pure functions of the text and the spans; one tokenisation and one cue scan per sentence, then slices per pair.
"""
from __future__ import annotations

import bisect
import re
from typing import Mapping, Sequence

from .relations import Cues

__all__ = ["FAMILIES", "tokens", "pair_features", "describe"]

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[,();:\-'’\"/–—]")
_YEAR_RE = re.compile(r"(?<![\w.,])(?:19|20)\d\d(?!\w|[.,]\d)")
_DIGIT_RE = re.compile(r"\d")
_CONTRACTION_RE = re.compile(r"\wn['’]t\b", re.I)
_MASK = "\x01"
_DASHES = {"-", "–", "—", "‐", "‑"}
_BINS = ((0, "0"), (1, "1"), (2, "2"), (4, "3-4"), (8, "5-8"), (15, "9-15"), (10 ** 9, "16+"))
MENTION = "G"
_NEAR = 12  # gaps up to this many tokens count word by word

#: Feature families, in the order of the module docstring (prefix -> what it means), for the notebook legend.
FAMILIES = {
    "between": "a word between the two actors", "between2": "two words between the actors",
"after1": "the word right after the first actor",
    "before2": "the word right before the second actor", "left": "a word shortly before the first actor",
    "left1": "the word right before the first actor", "right": "a word shortly after the second actor",
    "right1": "the word right after the second actor", "distance": "tokens between the actors",
    "third_between": "other actors between the two", "colisted": "only connectors between: one list slot",
    "colisted_or": "joined by 'or' in one slot", "colisted_and": "joined by 'and'/commas in one slot",
    "third_after_cue": "a third actor stands between a cue and one of the actors",
    "cue_direct": "a cue directly links the two actors (no third actor, short gap)",
    "cue_by": "the second actor is the agent of a cue ('backed by', 'killed by')",
    "e1_first": "the first actor opens the sentence", "cue_between": "a relation cue between the actors",
    "cue_between_last": "the cue nearest the second actor", "cue_between_word": "a cue word between the actors",
    "cue_left": "a cue shortly before the first actor", "cue_intro": "a cue introducing the pair ('clashes between')",
    "cue_right": "a cue shortly after the second actor", "cue_any": "a cue anywhere in the sentence",
    "mod1": "a modifier glued to the first actor ('-backed')", "mod2": "a modifier glued to the second actor",
    "possessive1": "the first actor in the possessive", "prefix1": "a prefix glued to the first actor ('anti-')",
    "prefix2": "a prefix glued to the second actor ('anti-', 'pro-')", "negation": "a negation in the sentence",
    "negation_near": "a negation between or just before the actors", "modal": "a modal or conditional word",
    "modal_near": "a modal word between or just before the actors", "reported": "a reporting verb",
    "reported_near": "a reporting verb between or just before the actors", "year": "a year is named",
    "years2": "two or more different years are named", "time": "a time word (formerly, now, ...)",
    "kind_pair": "the kinds of the two actors",
}


def tokens(text: str, spans: Sequence[tuple[int, int]]) -> tuple[list[str], list[int], str, list[tuple[int, int]]]:
    """Tokens of ``text`` (lower case) with each span (start, end; sorted, not overlapping) as one token ``G``.

    Returns (tokens, the token index of each span, the masked text the cue lexicon reads (names blanked),
    and per stretch between names its (character start, index of its first token)).
    """
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case to two ("İ"): keep offsets aligned
        low = "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
    toks: list[str] = []
    pos: list[int] = []
    parts: list[str] = []
    stretches: list[tuple[int, int]] = []
    last = 0
    for s, e in spans:
        stretches.append((last, len(toks)))
        toks.extend(_WORD_RE.findall(low, last, s))
        pos.append(len(toks))
        toks.append(MENTION)
        parts.append(text[last:s])
        parts.append(_MASK * (e - s))
        last = e
    stretches.append((last, len(toks)))
    toks.extend(_WORD_RE.findall(low, last))
    parts.append(text[last:])
    return toks, pos, "".join(parts), stretches


def _hit_tokens(text: str, stretches: list[tuple[int, int]], hits: list[tuple[int, int, str]]) -> list[tuple]:
    """Cue hits (start, end, label; by start, outside names) as (first token, token after, label, start, end):
    one left-to-right count of the words between hits."""
    out = []
    k_prev, c_prev, t_prev = -1, 0, 0
    for s, e, lab in hits:
        k = bisect.bisect_right(stretches, (s, 1 << 62)) - 1
        if k != k_prev:
            c_prev, t_prev = stretches[max(k, 0)]
        ts = t_prev + len(_WORD_RE.findall(text, c_prev, s))
        te = ts + len(_WORD_RE.findall(text, s, e))
        out.append((ts, te, lab, s, e))
        k_prev, c_prev, t_prev = k, e, te
    return out


def _bin(n: int) -> str:
    for limit, name in _BINS:
        if n <= limit:
            return name
    return "16+"


def pair_features(text: str, spans: Sequence[tuple[int, int]], pairs: Sequence[tuple[int, int]], *, cues: Cues,
                  kinds: Sequence[str] | None = None) -> tuple[list[list[str]], list[list[tuple[int, int]]]]:
    """Features of each pair of mentions of one sentence.

    ``spans``: (start, end) of every actor mention in ``text`` (offsets into ``text``), sorted and not
    overlapping; ``pairs``: (i, j) indices into ``spans`` with i < j; ``kinds``: the actor kind of each span.
    Returns (features per pair, cue spans per pair): the cue spans are the (start, end) offsets in ``text`` of
    the cues between the pair and the cue introducing it, for highlighting.
    """
    toks, pos, masked, stretches = tokens(text, spans)
    n = len(toks)
    hits = _hit_tokens(text, stretches, cues.find(masked))
    words = cues.word_classes_
    neg = modal = rep = ()
    if not words["negation"].isdisjoint(toks) or _CONTRACTION_RE.search(text):
        neg = [k for k, t in enumerate(toks) if t in words["negation"] or t.endswith(("n't", "n’t"))]
    if not words["modality"].isdisjoint(toks):
        modal = [k for k, t in enumerate(toks) if t in words["modality"]]
    if not words["reporting"].isdisjoint(toks):
        rep = [k for k, t in enumerate(toks) if t in words["reporting"]]
    times = words["time_markers"].intersection(toks) if not words["time_markers"].isdisjoint(toks) else ()
    years = set(_YEAR_RE.findall(text)) if _DIGIT_RE.search(text) else ()
    n_years = len(years)
    connectors = words["connectors"]
    mods = cues.modifiers
    common = [f"cue_any:{lab}" for lab in {h[2] for h in hits}]
    if neg:
        common.append("negation")
    if modal:
        common.append("modal")
    if rep:
        common.append("reported")
    if n_years:
        common.append("year")
    if n_years >= 2:
        common.append("years2")  # two different years: a relation may have changed
    common.extend(f"time:{t}" for t in times)
    pos_sorted = sorted(pos)
    out, cue_out = [], []
    for a, b in pairs:
        i, j = pos[a], pos[b]
        if i > j:
            i, j = j, i
        btw = toks[i + 1:j]
        f = list(common)
        nb = len(btw)
        if nb <= _NEAR:  # a long gap says little word by word: its ends are after1 / before2
            f.extend(["between:" + w for w in btw])
            f.extend([f"between2:{x} {y}" for x, y in zip(btw, btw[1:])])
        f.append("distance:" + _bin(nb))
        if btw:
            f.append(f"after1:{btw[0]}")
            f.append(f"before2:{btw[-1]}")
        left = toks[max(0, i - 3):i]
        right = toks[j + 1:j + 4]
        f.extend(["left:" + w for w in left])
        f.extend(["right:" + w for w in right])
        if left:
            f.append(f"left1:{left[-1]}")
        else:
            f.append("e1_first")
        if right:
            f.append(f"right1:{right[0]}")
        n_third = bisect.bisect_left(pos_sorted, j) - bisect.bisect_right(pos_sorted, i)
        f.append(f"third_between:{min(n_third, 2)}")
        if btw and all(w in connectors for w in btw):
            f.append("colisted")
            f.append("colisted_or" if "or" in btw else "colisted_and")
        # modifiers glued to a name: "US-backed", "ISIS-held"
        for tag, k in (("mod1", i), ("mod2", j)):
            if k + 2 < n and toks[k + 1] in _DASHES and toks[k + 2] in mods:
                f.append(f"{tag}:{toks[k + 2]}")
        for tag, k in (("prefix1", i), ("prefix2", j)):  # "anti-Daesh coalition", "pro-government troops"
            if k >= 2 and toks[k - 1] in _DASHES and toks[k - 2] in ("anti", "pro", "non", "ex", "former"):
                f.append(f"{tag}:{toks[k - 2]}")
        if i + 1 < n and toks[i + 1] in ("s", "'s", "'", "’", "’s"):
            f.append("possessive1")
        for tag, where in (("negation_near", neg), ("modal_near", modal), ("reported_near", rep)):
            if where:  # a word of the family between the actors or in the four tokens before the first
                k = bisect.bisect_left(where, i - 4)
                if k < len(where) and where[k] < j:
                    f.append(tag)
        if kinds is not None:
            ka, kb = sorted((kinds[a], kinds[b]))
            f.append(f"kind_pair:{ka}|{kb}")
        # cues around the pair
        spans_used = []
        mid = [h for h in hits if i < h[0] and h[1] <= j]
        if mid:
            for h in mid:
                f.append(f"cue_between:{h[2]}")
                f.append(f"cue_between_word:{masked[h[3]:h[4]].lower()}")
                spans_used.append((h[3], h[4]))
            last = mid[-1]
            f.append(f"cue_between_last:{last[2]}")
            third = n_third and (bisect.bisect_left(pos_sorted, j) > bisect.bisect_left(pos_sorted, last[1])
                                 or bisect.bisect_left(pos_sorted, mid[0][0]) > bisect.bisect_right(pos_sorted, i))
            if third:
                f.append("third_after_cue")
            elif nb <= 6:
                f.append(f"cue_direct:{last[2]}")  # "E1 attacked E2", "E1 backed by E2"
            if btw[-1] == "by" or (nb >= 2 and btw[-2] == "by" and btw[-1] in ("the", "a")):
                f.append(f"cue_by:{last[2]}")  # "killed by E2", "backed by E2"
        for h in hits:
            if h[1] <= i and i - h[1] <= 6:
                f.append(f"cue_left:{h[2]}")
                gap = toks[h[1]:i]
                if gap and gap[0] in ("between", "among", "amongst", "of", "by") or "between" in gap:
                    f.append(f"cue_intro:{h[2]}")
                    spans_used.append((h[3], h[4]))
            elif h[0] > j and h[0] - j <= 6:
                f.append(f"cue_right:{h[2]}")
        out.append(f)
        cue_out.append(spans_used)
    return out, cue_out


def describe(feature: str) -> str:
    """A feature name in words: ``"between:clashes"`` -> ``"a word between the two actors: 'clashes'"``."""
    family, _, value = feature.partition(":")
    what = FAMILIES.get(family, family)
    return f"{what}: '{value}'" if value else what
