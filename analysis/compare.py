"""How sources differ: distinctive words, framing of the same actors, which groups they cover.

Every measure takes the corpus ``documents`` table (docs/data_contract.md), groups it ``by``
``publisher`` (default), ``outlet`` or ``author``, and reads one ``section``: ``"body"`` (the
articles) or ``"comments"`` (their readers' comments), so an outlet's readers can be set beside its
articles. Documents whose source is missing are pooled as ``unknown="(unknown)"`` (pass
``unknown=None`` to leave them out). Rates are per 1,000 word tokens of
:func:`analysis.text.tokenize`, with bootstrap intervals that resample whole documents within a
source (NaN for a source with fewer than two documents).

To count a syndicated text once, under its original publisher, pass
``drop_syndicated(documents, near_duplicates(documents))`` instead of ``documents``.
"""
from __future__ import annotations

import re
from collections import Counter
from itertools import chain
from os import PathLike
from pathlib import Path
from typing import Iterable, Mapping

import numpy as np
import pandas as pd
import yaml
from scipy import sparse
from scipy.stats import norm

from . import config
from .association import bh_qvalues
from .neardup import (SECTIONS, check_choice, check_table, drop_syndicated, near_duplicates, section_texts,
                      syndication)
from .text import WORD_RE, tokenize

__all__ = ["distinctive_terms", "distinctive_summary", "framing", "frame_counts", "load_framing", "coverage", "source_profile",
           "near_duplicates", "syndication", "drop_syndicated", "BY_CHOICES", "FRAMING_LEXICON"]

BY_CHOICES = ("publisher", "outlet", "author")
CORRECTIONS = ("bh", "bonferroni")
UNKNOWN = "(unknown)"
FRAMING_LEXICON = config.REFERENCE_DIR / "framing.yaml"
TERM_COLUMNS = ["source", "term", "z", "log_odds", "count_source", "count_rest", "significant"]
FRAME_COLUMNS = ["source", "frame", "documents", "count", "words", "per_1000", "low", "high"]
COVERAGE_COLUMNS = ["source", "group_id", "group_name", "documents", "words", "mentions", "per_1000", "low", "high"]


# --------------------------------------------------------------------------- shared steps

def _prepare(documents, by: str, section: str, unknown: str | None) -> tuple[pd.DataFrame, np.ndarray]:
    """Checked documents (rows with no source dropped when ``unknown`` is None) and source labels."""
    check_choice("by", by, BY_CHOICES)
    check_choice("section", section, SECTIONS)
    docs = check_table(documents, columns=("doc_id", by, section))
    labels = docs[by].astype(object)
    missing = labels.isna() | labels.astype(str).str.strip().eq("")
    if unknown is None:
        docs, labels = docs[~missing.to_numpy()], labels[~missing]
    else:
        labels = labels.where(~missing, unknown)
    return docs, labels.astype(str).to_numpy()


def _section_words(docs: pd.DataFrame, section: str) -> np.ndarray:
    col = {"body": "n_words", "comments": "n_comment_words"}[section]
    if col in docs:
        return docs[col].fillna(0).to_numpy(dtype=float)
    return np.array([len(tokenize(t)) for t in section_texts(docs, section)], dtype=float)


def _replace_groups(texts: list[str], gazetteer) -> list[str]:
    if gazetteer is None:
        return texts
    try:
        from .groups import replace_group_names
    except ImportError as err:  # pragma: no cover - depends on the groups module being installed
        raise ImportError("`gazetteer` needs analysis.groups.replace_group_names, which could not be "
                          f"imported ({err}); pass gazetteer=None to count words as they stand") from err
    return [replace_group_names(t, gazetteer=gazetteer) for t in texts]


def _bootstrap(counts: np.ndarray, words: np.ndarray, codes: np.ndarray, n_sources: int, *, n_boot: int,
               ci: float, random_state: int) -> tuple[np.ndarray, np.ndarray]:
    """Percentile intervals of 1000 * sum(counts) / sum(words) per source (rows of ``counts`` are
    documents, columns measures), resampling the source's documents with replacement."""
    rng = np.random.default_rng(random_state)
    low = np.full((n_sources, counts.shape[1]), np.nan)
    high = low.copy()
    q = [50 * (1 - ci), 50 * (1 + ci)]
    for s in range(n_sources):
        rows = np.flatnonzero(codes == s)
        n = len(rows)
        if n < 2 or n_boot < 1:
            continue
        c, w = counts[rows], words[rows]
        step = max(1, 2_000_000 // n)
        rates = []
        for k in range(0, n_boot, step):
            weights = rng.multinomial(n, np.full(n, 1 / n), size=min(step, n_boot - k)).astype(float)
            den = weights @ w
            with np.errstate(invalid="ignore", divide="ignore"):
                rates.append(1000 * (weights @ c) / den[:, None])
        rates = np.concatenate(rates)
        low[s], high[s] = np.nanpercentile(rates, q, axis=0) if np.isfinite(rates).any() else (np.nan, np.nan)
    return low, high


def _check_boot(n_boot, ci) -> None:
    if not isinstance(n_boot, int) or n_boot < 0:
        raise ValueError(f"`n_boot` must be an int >= 0 (0: no intervals); got {n_boot!r}")
    if not 0 < ci < 1:
        raise ValueError(f"`ci` must be in (0, 1), e.g. 0.95; got {ci!r}")


# --------------------------------------------------------------------------- distinctive terms

def distinctive_terms(documents: pd.DataFrame, *, by: str = "publisher", section: str = "body", top: int | None = 20,
                      prior: float = 0.05, min_count: int = 5, alpha: float = 0.05, correction: str = "bh",
                      stop_words: Iterable[str] | None = None, gazetteer=None,
                      unknown: str | None = UNKNOWN) -> pd.DataFrame:
    """Words that set each source apart from all the others together: the weighted log-odds ratio
    with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words").

    For source i against the rest j and term w, with counts y, token totals n (every token, also
    those of terms left out by ``min_count`` or ``stop_words``), and prior
    a_w = prior * (count of w in the whole section), a_0 = prior * (all tokens):
    ``log_odds`` = log((y_iw + a_w) / (n_i + a_0 - y_iw - a_w)) - log((y_jw + a_w) / (n_j + a_0 - y_jw - a_w)),
    ``z`` = log_odds / sqrt(1 / (y_iw + a_w) + 1 / (y_jw + a_w)) (the paper's variance).
    ``significant``: over-use is significant after a multiple-testing correction over the whole
    vocabulary (``correction="bh"``: Benjamini-Hochberg false discovery rate ``alpha``;
    ``"bonferroni"``: family-wise ``alpha``), one-sided p = P(Z > z). Terms seen fewer than
    ``min_count`` times in all are left out; ``stop_words`` are left out too.

    gazetteer: None counts words as they stand; a gazetteer (``analysis.groups.load_gazetteer()``)
    first replaces every group alias by one token (``grp_hts``) with
    ``analysis.groups.replace_group_names``, so a group's many names (and their possessives) count
    as one term.

    Returns the ``top`` terms by z of each source (all terms with z > 0 when ``top`` is None):
    ``source``, ``term``, ``z``, ``log_odds``, ``count_source``, ``count_rest``, ``significant``.
    ``distinctive_summary(result)`` gives, per source, how many terms pass the threshold.
    """
    docs, labels = _prepare(documents, by, section, unknown)
    check_choice("correction", correction, CORRECTIONS)
    if not prior > 0:
        raise ValueError(f"`prior` must be > 0 (prior size as a share of the corpus tokens); got {prior!r}")
    if top is not None and (not isinstance(top, int) or top < 1):
        raise ValueError(f"`top` must be a positive int or None (all terms); got {top!r}")
    texts = _replace_groups(section_texts(docs, section), gazetteer)
    sources = sorted(set(labels))
    if len(sources) < 2:
        raise ValueError(f"distinctive_terms needs at least two sources by {by!r}; got {sources}")
    vocab: dict[str, int] = {}
    rows, cols, vals = [], [], []
    for s, name in enumerate(sources):
        idx = np.flatnonzero(labels == name)
        counter = Counter(chain.from_iterable(map(tokenize, (texts[k] for k in idx))))
        if gazetteer is not None:  # "grp_hts's" counts as grp_hts
            for t in [t for t in counter if t.startswith("grp_") and t.endswith("'s")]:
                counter[t[:-2]] += counter.pop(t)
        ids = [vocab.setdefault(t, len(vocab)) for t in counter]
        rows.append(np.full(len(ids), s))
        cols.append(np.asarray(ids, dtype=np.int64))
        vals.append(np.fromiter(counter.values(), dtype=float, count=len(counter)))
    terms = np.array(list(vocab), dtype=object)
    Y = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(len(sources), len(terms)))
    words = np.asarray(Y.sum(axis=1)).ravel()
    total = np.asarray(Y.sum(axis=0)).ravel()
    keep = total >= min_count
    if stop_words is not None:
        keep &= ~np.isin(terms, [t.lower() for t in stop_words])
    Y, terms, total = Y[:, keep].tocoo(), terms[keep], total[keep]
    N = words.sum()  # n_i and N count every token, reported or not
    i, w, y_i = Y.row, Y.col, Y.data
    a_w, a_0 = prior * total[w], prior * N
    y_j, n_i, n_j = total[w] - y_i, words[i], N - words[i]
    with np.errstate(divide="ignore", invalid="ignore"):  # a corpus of one repeated word has no odds
        log_odds = (np.log((y_i + a_w) / (n_i + a_0 - y_i - a_w))
                    - np.log((y_j + a_w) / (n_j + a_0 - y_j - a_w)))
    z = log_odds / np.sqrt(1 / (y_i + a_w) + 1 / (y_j + a_w))
    table = pd.DataFrame({"source": np.array(sources, dtype=object)[i], "term": terms[w], "z": z,
                          "log_odds": log_odds, "count_source": y_i.astype(np.int64),
                          "count_rest": y_j.astype(np.int64)})
    m = len(terms)
    p = norm.sf(z)
    if correction == "bonferroni":
        table["significant"] = p <= alpha / max(m, 1)
    else:  # Benjamini-Hochberg over the m terms of each source
        q = np.empty(len(p))
        src = table["source"].to_numpy()
        for s in sources:
            sel = src == s
            q[sel] = bh_qvalues(p[sel], m=max(m, int(sel.sum())))
        table["significant"] = q <= alpha
    table = table[table["z"] > 0].sort_values(["source", "z", "term"], ascending=[True, False, True], kind="stable")
    n_sig = table.groupby("source")["significant"].sum()
    if top is not None:
        table = table.groupby("source", sort=False).head(top)
    table = table[TERM_COLUMNS].reset_index(drop=True)
    table.attrs.update(n_significant={s: int(n_sig.get(s, 0)) for s in sources}, n_terms=int(m),
                       words={s: int(x) for s, x in zip(sources, words)},
                       documents={s: int((labels == s).sum()) for s in sources},
                       correction=correction, alpha=alpha, prior=prior, by=by, section=section)
    return table


def distinctive_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per source of a :func:`distinctive_terms` result: ``source``, ``documents``, ``words``,
    ``n_terms`` (vocabulary tested), ``n_significant`` (terms over-used past the threshold, over the
    whole vocabulary, not only the rows kept by ``top``) and the ``correction`` used."""
    table = check_table(table, name="table")
    if "n_significant" not in table.attrs:
        raise ValueError("`table` must be the result of distinctive_terms (its .attrs hold the counts); "
                         "got a table without them")
    a = table.attrs
    return pd.DataFrame({"source": list(a["n_significant"]), "documents": list(a["documents"].values()),
                         "words": list(a["words"].values()), "n_terms": a["n_terms"],
                         "n_significant": list(a["n_significant"].values()),
                         "correction": f"{a['correction']} {a['alpha']}"})


# --------------------------------------------------------------------------- framing

def load_framing(path: str | PathLike | None = None) -> dict[str, list[str]]:
    """The framing lexicon (frame -> terms) from ``path`` (default data/reference/framing.yaml)."""
    path = Path(path) if path is not None else FRAMING_LEXICON
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return _check_lexicon(data, where=str(path))


def _check_lexicon(data, *, where: str = "`lexicon`") -> dict[str, list[str]]:
    if not isinstance(data, Mapping) or not data:
        raise ValueError(f"{where}: the framing lexicon must map frame names to lists of terms; got {type(data).__name__}")
    out = {}
    for frame, terms in data.items():
        if isinstance(terms, str):
            terms = [terms]
        if not isinstance(terms, (list, tuple)) or not terms or not all(isinstance(t, str) and t.strip() for t in terms):
            raise ValueError(f"{where}: frame {frame!r} must list one or more terms (str); got {terms!r}")
        out[str(frame)] = [" ".join(t.lower().split()) for t in terms]
    return out


def _frame_regex(terms: list[str]) -> re.Pattern:
    """One pattern for a frame's terms over space-joined tokens (see framing.yaml for the rule)."""
    alts = [" ".join(re.escape(word).replace(r"\*", "[^ ]*") for word in t.split()) for t in terms]
    alts.sort(key=len, reverse=True)
    return re.compile(r"(?<![^ ])(?:" + "|".join(alts) + r")(?![^ ])")


def _frame_matcher(lex: Mapping[str, list[str]]):
    """(frame patterns, one pattern for every term's first word, first-word pattern of each frame): what
    :func:`_frame_counts` needs to count every frame in one pass over a text."""
    patterns = [_frame_regex(t) for t in lex.values()]
    word = lambda w: re.escape(w).replace(r"\*", "[^ ]*")  # noqa: E731
    firsts = [re.compile("(?:" + "|".join(sorted({word(t.split()[0]) for t in terms})) + ")") for terms in lex.values()]
    anchor = re.compile(r"(?<![^ ])(?:" + "|".join(sorted({word(t.split()[0]) for ts in lex.values() for t in ts}))
                        + r")(?![^ ])")
    return patterns, anchor, firsts


def _joined_tokens(text: str) -> tuple[str, int]:
    """``" ".join(tokenize(text))`` and the token count, lower-casing the whole text once (the same
    tokens wherever lower-casing keeps the text's length, which is every text but a few exotic ones)."""
    low = text.lower()
    if len(low) == len(text):
        toks = WORD_RE.findall(low.replace("’", "'"))
    else:
        toks = tokenize(text)
    return " ".join(toks), len(toks)


def frame_counts(texts: Iterable[str], *, lexicon: Mapping[str, list[str]] | str | PathLike | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Per text: the matches of every frame of ``lexicon`` (columns in the lexicon's order;
    non-overlapping within a frame, as framing.yaml states) and the number of word tokens. One pass:
    a single pattern finds the tokens where any term can start; only there each frame's own pattern
    is tried. The per-partition step of :func:`framing`."""
    lex = load_framing(lexicon) if lexicon is None or isinstance(lexicon, (str, PathLike)) else _check_lexicon(lexicon)
    patterns, anchor, firsts = _frame_matcher(lex)
    texts = list(texts)
    counts = np.zeros((len(texts), len(patterns)))
    words = np.zeros(len(texts))
    cache: dict[str, tuple[int, ...]] = {}
    for d, text in enumerate(texts):
        joined, words[d] = _joined_tokens(text)
        free = [0] * len(patterns)  # per frame, where its next match may start
        for m in anchor.finditer(joined):
            tok = m.group()
            frames = cache.get(tok)
            if frames is None:
                frames = cache[tok] = tuple(f for f, p in enumerate(firsts) if p.fullmatch(tok))
            pos = m.start()
            for f in frames:
                if pos >= free[f] and (hit := patterns[f].match(joined, pos)):
                    counts[d, f] += 1
                    free[f] = hit.end()
    return counts, words


def framing(documents, *, by: str = "publisher", section: str = "body",
            lexicon: Mapping[str, list[str]] | str | PathLike | None = None, n_boot: int = 1000, ci: float = 0.95,
            random_state: int = 0, unknown: str | None = UNKNOWN) -> pd.DataFrame:
    """How often each source uses each framing of the armed actors, per 1,000 words.

    documents: the ``documents`` table, or a corpus (:func:`analysis.load_corpus`), which is then
    counted one partition at a time (only ``doc_id``, ``by`` and ``section`` are read), so the memory
    stays bounded by a partition on a corpus of millions of documents. lexicon: frame -> terms (a
    mapping, or a YAML file; default data/reference/framing.yaml, whose header states the matching
    rule). Every frame is counted in one pass over each text. Returns ``source``, ``frame``,
    ``documents``, ``count``, ``words``, ``per_1000``, and the bootstrap interval ``low``, ``high``
    (level ``ci``, ``n_boot`` resamples of the source's documents). ``documents`` counts the
    documents with words in the section (only those are resampled); sources with no words in the
    section are left out.
    """
    _check_boot(n_boot, ci)
    if lexicon is None or isinstance(lexicon, (str, PathLike)):
        lex = load_framing(lexicon)
    else:
        lex = _check_lexicon(lexicon)
    parts = []
    for docs in _document_parts(documents, by, section):
        docs, labels = _prepare(docs, by, section, unknown)
        counts, words = frame_counts(section_texts(docs, section), lexicon=lex)
        parts.append((counts, words, labels))
    counts = np.concatenate([p[0] for p in parts]) if parts else np.zeros((0, len(lex)))
    words = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0)
    labels = np.concatenate([p[2] for p in parts]) if parts else np.array([], dtype=object)
    return _rates_table(counts, words, labels, list(lex), "frame", n_boot=n_boot, ci=ci, random_state=random_state)


def _document_parts(documents, by: str, section: str):
    """The documents table as it is, or a corpus's documents one partition at a time (with only the
    columns an analysis reads)."""
    if hasattr(documents, "partitions") and hasattr(documents, "manifest"):
        check_choice("by", by, BY_CHOICES)
        check_choice("section", section, SECTIONS)
        cols = list(dict.fromkeys(["doc_id", by, section]))
        n = 0
        for part in documents.partitions(("documents",), columns={"documents": cols}):
            n += 1
            yield part["documents"]
        if n == 0:
            yield documents.table("documents", cols)
        return
    yield documents


def _rates_table(counts, words, labels, measures: list, name: str, *, n_boot, ci, random_state) -> pd.DataFrame:
    sources = sorted(set(labels))
    has = words > 0  # documents with no words in the section (no comments) carry no rate
    counts, words, codes = counts[has], words[has], np.searchsorted(sources, labels)[has]
    sums = np.zeros((len(sources), counts.shape[1]))
    np.add.at(sums, codes, counts)
    wsum = np.bincount(codes, weights=words, minlength=len(sources))
    ndocs = np.bincount(codes, minlength=len(sources))
    low, high = _bootstrap(counts, words, codes, len(sources), n_boot=n_boot, ci=ci, random_state=random_state)
    k = len(measures)
    out = pd.DataFrame({"source": np.repeat(sources, k), name: np.tile(np.array(measures, dtype=object), len(sources)),
                        "documents": np.repeat(ndocs, k), "count": sums.ravel().astype(np.int64),
                        "words": np.repeat(wsum, k).astype(np.int64), "low": low.ravel(), "high": high.ravel()})
    with np.errstate(invalid="ignore", divide="ignore"):
        out.insert(5, "per_1000", 1000 * sums.ravel() / np.repeat(wsum, k))
    return out[out["words"] > 0].reset_index(drop=True)


# --------------------------------------------------------------------------- coverage

def coverage(documents: pd.DataFrame, mentions: pd.DataFrame, *, by: str = "publisher", section: str = "body",
             n_boot: int = 1000, ci: float = 0.95, random_state: int = 0,
             unknown: str | None = UNKNOWN) -> pd.DataFrame:
    """Which armed groups each source mentions, per 1,000 words, with bootstrap intervals.

    mentions: the corpus ``mentions`` table (``doc_id``, ``section``, ``group_id``,
    ``group_name``, ...); mentions of documents not in ``documents`` are ignored (so
    ``drop_syndicated`` output works). Returns one row per source and group mentioned anywhere
    (zeros included): ``source``, ``group_id``, ``group_name``, ``documents``, ``words``,
    ``mentions``, ``per_1000``, ``low``, ``high``; groups ordered by mentions in all sources.
    """
    docs, labels = _prepare(documents, by, section, unknown)
    _check_boot(n_boot, ci)
    ments = check_table(mentions, columns=("doc_id", "group_id", "group_name"), name="mentions")
    if "section" in ments:
        ments = ments[ments["section"] == section]
    row_of = pd.Series(np.arange(len(docs)), index=docs["doc_id"].astype(str).to_numpy())
    ments = ments[ments["doc_id"].astype(str).isin(row_of.index)]
    totals = ments.groupby("group_id", sort=True).size().sort_values(ascending=False, kind="stable")
    groups = totals.index.tolist()
    names = ments.drop_duplicates("group_id").set_index("group_id")["group_name"]
    counts = np.zeros((len(docs), len(groups)))
    if groups:
        col = pd.Series(np.arange(len(groups)), index=groups)
        np.add.at(counts, (row_of[ments["doc_id"].astype(str)].to_numpy(), col[ments["group_id"]].to_numpy()), 1)
    out = _rates_table(counts, _section_words(docs, section), labels, groups, "group_id",
                       n_boot=n_boot, ci=ci, random_state=random_state)
    out.insert(2, "group_name", out["group_id"].map(names).astype(object))
    return out.rename(columns={"count": "mentions"})[COVERAGE_COLUMNS]


# --------------------------------------------------------------------------- profile

def source_profile(documents: pd.DataFrame, *, by: str = "publisher", unknown: str | None = UNKNOWN) -> pd.DataFrame:
    """Per source: ``documents``, ``words`` (body), ``comment_words``, ``first`` and ``last``
    published date, ``undated`` (documents without one) and ``share_with_comments``."""
    docs, labels = _prepare(documents, by, "body", unknown)
    t = pd.DataFrame({"source": labels, "words": _section_words(docs, "body"),
                      "published": pd.to_datetime(docs["published"]) if "published" in docs else pd.NaT})
    t["comment_words"] = _section_words(docs, "comments") if "comments" in docs else 0.0
    g = t.groupby("source", sort=True)
    out = pd.DataFrame({"documents": g.size(), "words": g["words"].sum().astype(np.int64),
                        "comment_words": g["comment_words"].sum().astype(np.int64),
                        "first": g["published"].min(), "last": g["published"].max(),
                        "undated": g["published"].agg(lambda x: int(x.isna().sum())),
                        "share_with_comments": g["comment_words"].agg(lambda x: float((x > 0).mean()))})
    return out.reset_index()
