"""Annotation items for the relation classifier and the mention evaluation.

``relation_items`` turns a build's ``mentions`` and ``sentences`` into (sentence, mention A, mention B)
items, one per pair of different actors named in a sentence (the first mention of each); ``sample_items``
draws a seeded sample stratified by outlet and year that over-represents the hard cases the guideline
(``data/annotations/guideline.md``) names; ``mention_items`` draws sentences for the mention evaluation.

Item ids are stable: a hash of the document, section and the two spans, so an item keeps its id when the
gazetteer changes around it. The held-out split is by document (``heldout``): a document's items are all in
it or all out of it, and the split never depends on the labels.
"""
from __future__ import annotations

import hashlib
import re

import numpy as np
import pandas as pd

__all__ = ["ITEM_COLUMNS", "relation_items", "sample_items", "mention_items", "heldout", "mark"]

ITEM_COLUMNS = ["item_id", "doc_id", "outlet", "year", "section", "sentence", "sent_start", "text",
                "a_start", "a_end", "a_text", "a_group", "b_start", "b_end", "b_text", "b_group", "hard", "marked"]

#: Surface patterns of the hard cases (used only to over-sample them, never as labels).
HARD_PATTERNS = {
    "or": r"\bor\b",
    "negation": r"\b(?:not|no|never|denied|deny|denies|without|excludes?|excluding)\b",
    "descriptor": r"(?:-|\s)(?:linked|affiliated?|backed|led|allied|loyal|held|controlled|supported)\b|\baffiliate\b|\bformerly\b",
    "place": r"\b(?:border|from|in|into|to|inside|near)\s+(?:the\s+)?(?:Turkey|Russia|Iran|Iraq|Jordan|Lebanon|Israel)\b|-based\b",
    "reported": r"\b(?:said|says|accused|claimed|according to|reported)\b",
    "time": r"\b(?:19|20)\d\d\b|\bformer(?:ly)?\b|\bnow\b",
    "between": r"\bbetween\b|\bagainst\b",
}
_HARD_RE = {k: re.compile(v, re.I) for k, v in HARD_PATTERNS.items()}


def _item_id(doc_id: str, section: str, a: int, b: int, c: int, d: int) -> str:
    return "r" + hashlib.sha1(f"{doc_id}|{section}|{a}|{b}|{c}|{d}".encode()).hexdigest()[:10]


def heldout(doc_id: str, *, share: int = 5) -> bool:
    """True for the held-out documents: one in ``share`` (20%) by a hash of the document id."""
    return int(hashlib.sha1(f"heldout|{doc_id}".encode()).hexdigest()[:8], 16) % share == 0


def mark(text: str, a: tuple[int, int], b: tuple[int, int]) -> str:
    """``text`` with ``[[A: ...]]`` and ``[[B: ...]]`` around the two spans (offsets into ``text``)."""
    (s1, e1, t1), (s2, e2, t2) = sorted([(a[0], a[1], "A"), (b[0], b[1], "B")])
    return (text[:s1] + f"[[{t1}: " + text[s1:e1] + "]]" + text[e1:s2] + f"[[{t2}: " + text[s2:e2] + "]]"
            + text[e2:])


def relation_items(mentions: pd.DataFrame, sentences: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """One item per pair of different actors in a sentence (first mention of each), in document order."""
    sent = sentences.set_index(["doc_id", "section", "sentence"])
    docs = documents.set_index("doc_id")
    rows = []
    for (doc, sec, num), m in mentions.groupby(["doc_id", "section", "sentence"], sort=False):
        first = m.drop_duplicates("group_id")
        if len(first) < 2:
            continue
        srow = sent.loc[(doc, sec, num)]
        s0, text = int(srow["start"]), srow["text"]
        ms = list(first.itertuples(index=False))
        for i in range(len(ms)):
            for j in range(i + 1, len(ms)):
                a, b = ms[i], ms[j]
                a0, a1, b0, b1 = a.start - s0, a.end - s0, b.start - s0, b.end - s0
                hard = ",".join(k for k, r in _HARD_RE.items() if r.search(text))
                pub = docs.at[doc, "published"] if doc in docs.index else None
                rows.append([_item_id(doc, sec, a.start, a.end, b.start, b.end), doc,
                             docs.at[doc, "outlet"] if doc in docs.index else None,
                             None if pub is None or pd.isna(pub) else int(pd.Timestamp(pub).year),
                             sec, int(num), s0, text, a0, a1, a.alias, a.group_id, b0, b1, b.alias, b.group_id, hard,
                             mark(text, (a0, a1), (b0, b1))])
    return pd.DataFrame(rows, columns=ITEM_COLUMNS)


def sample_items(items: pd.DataFrame, *, n: int, seed: int = 0, hard_weight: float = 2.0) -> pd.DataFrame:
    """A seeded sample of ``n`` items without replacement: weight 1/(items of the same outlet and year), times
    ``hard_weight`` per hard-case family present, so small outlets, rare years and hard cases are covered."""
    if n >= len(items):
        return items.copy()
    stratum = items["outlet"].fillna("?").astype(str) + "|" + items["year"].astype("string").fillna("?")
    w = 1.0 / stratum.map(stratum.value_counts()).to_numpy(float)
    w = np.sqrt(w) * hard_weight ** items["hard"].str.count(",").add(items["hard"].ne("").astype(int)).to_numpy()
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(items), size=n, replace=False, p=w / w.sum())
    return items.iloc[np.sort(pick)].reset_index(drop=True)


def mention_items(mentions: pd.DataFrame, sentences: pd.DataFrame, *, n: int, seed: int = 0) -> pd.DataFrame:
    """``n`` body sentences for the mention evaluation: half with at least one machine mention, half without
    (misses hide there), each with the machine's spans listed as ``alias@start-end=group_id`` (offsets into the sentence)."""
    body = sentences[sentences["section"] == "body"]
    key = ["doc_id", "section", "sentence"]
    found = mentions.groupby(key).apply(
        lambda m: "; ".join(f"{r.alias}@{r.start}-{r.end}={r.group_id}" for r in m.itertuples()), include_groups=False)
    found = found.rename("machine").reset_index()
    body = body.merge(found, on=key, how="left")
    rng = np.random.default_rng(seed)
    with_m = body[body["machine"].notna()]
    without = body[body["machine"].isna() & body["text"].str.len().between(40, 600)]
    take = [with_m.iloc[rng.choice(len(with_m), size=min(n // 2, len(with_m)), replace=False)],
            without.iloc[rng.choice(len(without), size=min(n - n // 2, len(without)), replace=False)]]
    out = pd.concat(take).sort_values(key).reset_index(drop=True)
    # machine offsets relative to the sentence start
    def rel(row):
        if not isinstance(row.machine, str):
            return ""
        parts = []
        for p in row.machine.split("; "):
            alias, _, rest = p.rpartition("@")
            span, _, gid = rest.partition("=")
            a, _, b = span.partition("-")
            parts.append(f"{alias}@{int(a) - row.start}-{int(b) - row.start}={gid}")
        return "; ".join(parts)
    out["machine"] = [rel(r) for r in out.itertuples()]
    out.insert(0, "item_id", ["m" + hashlib.sha1(f"{d}|{s}|{k}".encode()).hexdigest()[:10]
                              for d, s, k in zip(out["doc_id"], out["section"], out["sentence"])])
    return out[["item_id", "doc_id", "section", "sentence", "text", "machine"]]
