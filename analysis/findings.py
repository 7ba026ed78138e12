""""What this corpus shows": the closing statements of each notebook, computed from its tables.

Each function takes the tables a notebook has already made and returns Markdown bullets (wrap them with
``report.findings``). Every number comes from the tables, so the statements change with the corpus; where a
table is empty the statement says so instead of claiming anything. ``requirement`` checks say in one sentence
what an analysis needs and what would enable it (the notebooks show them with ``report.note``).
"""
from __future__ import annotations

import pandas as pd

from .report import plural, short

__all__ = ["needs_documents", "needs_sources", "needs_dates", "needs_mentions", "needs_pairs", "needs_units",
           "pair_overview", "relation_change_examples", "overview_findings", "source_findings", "pair_findings",
           "topic_findings"]

UNKNOWN = "(unknown)"


# ------------------------------------------------------------------------------------------- requirements
def needs_documents(documents: pd.DataFrame) -> str | None:
    if len(documents):
        return None
    return ("the corpus has no documents (every input was rejected, or the folder is empty): add .txt, .html, "
            ".csv or .jsonl articles to the corpus folder and re-run.")


def needs_sources(documents: pd.DataFrame, *, by: str = "publisher", minimum: int = 2) -> str | None:
    """Comparisons need at least ``minimum`` known sources."""
    known = documents[by].dropna().astype(str).str.strip()
    sources = sorted(set(known[known != ""]))
    if len(sources) >= minimum:
        return None
    have = f"only {sources[0]!r}" if sources else "none"
    return (f"comparing sources needs at least {minimum} known values of `{by}` (this corpus has {have}): add an "
            f"outlet or publisher column to the export, or list the documents' outlets in the register "
            f"(metadata.csv in the corpus folder).")


def needs_dates(documents: pd.DataFrame, *, column: str = "published") -> str | None:
    dated = documents[column].notna()
    if f"{column}_provenance" in documents.columns:
        dated &= documents[f"{column}_provenance"].ne("unknown")
    if dated.any():
        return None
    return ("no document has a publication date, so nothing can be placed in time: add a date column to the "
            "export, or dates to the register (metadata.csv in the corpus folder).")


def needs_mentions(mentions: pd.DataFrame) -> str | None:
    if len(mentions):
        return None
    return ("no armed group of the gazetteer is named in this corpus: if the articles name groups under other "
            "spellings, add them as aliases in data/reference/groups.yaml.")


def needs_pairs(pairs: pd.DataFrame) -> str | None:
    if len(pairs):
        return None
    return ("no two actors are named in the same unit, so there is no pair to measure: a larger corpus, or the "
            "paragraph or document level (`LEVEL`), may give some.")


def needs_units(n_units: int, *, minimum: int = 16) -> str | None:
    if n_units >= minimum:
        return None
    return (f"topic clustering needs at least {minimum} units with terms (k-means on half-samples of units / 8 "
            f"clusters); this corpus has {n_units}: add documents, or cluster paragraphs (`UNIT = 'paragraph'`).")


# ------------------------------------------------------------------------------------------- notebook 00
def overview_findings(documents: pd.DataFrame, rejects: pd.DataFrame) -> list[str]:
    n = len(documents)
    out = []
    if n == 0:
        out.append(f"**No documents.** {plural(len(rejects), 'input')} were read and none became a document.")
    else:
        outlets = documents["outlet"].fillna(UNKNOWN).value_counts()
        known = outlets.drop(UNKNOWN, errors="ignore")
        top = ", ".join(f"{o} ({c:,})" for o, c in known.head(3).items())
        s = f"**{plural(n, 'document')}** from {plural(len(known), 'known outlet')}"
        s += f" (most: {top})" if len(known) else ""
        if UNKNOWN in outlets:
            s += f"; {plural(int(outlets[UNKNOWN]), 'document')} without an outlet"
        out.append(s + ".")
    if len(rejects):
        from .overview import reject_summary

        rs = reject_summary(rejects).head(3)
        why = "; ".join(f"{r.reason} ({r.inputs:,})" for r in rs.itertuples())
        out.append(f"**{plural(len(rejects), 'input')} listed as rejects or warnings**, mostly: {why}.")
    if n == 0:
        return out
    prov = documents["published_provenance"].fillna("unknown")
    dated = documents[prov.ne("unknown") & documents["published"].notna()]
    counts = prov.value_counts()
    kinds = ", ".join(f"{k} {int(counts[k]):,}" for k in ("explicit", "inferred", "curated") if k in counts)
    if len(dated):
        s = (f"**{len(dated):,} of {n:,} documents are dated** ({kinds}), from "
             f"{dated['published'].min():%Y-%m-%d} to {dated['published'].max():%Y-%m-%d}")
        if n > len(dated):
            s += (f"; {plural(n - len(dated), 'undated document')} {'is' if n - len(dated) == 1 else 'are'} "
                  f"left out of every timeline, never given a guessed date")
        out.append(s + ".")
    else:
        out.append(f"**No document is dated**: timelines in notebooks 02 and 03 have nothing to show.")
    if "date_conflict" in documents.columns:
        conflicts = int(documents["date_conflict"].fillna("").ne("").sum())
        rejected = int(documents["date_rejected"].fillna("").ne("").sum()) if "date_rejected" in documents else 0
        if conflicts or rejected:
            out.append(f"{plural(conflicts, 'document')} {'has' if conflicts == 1 else 'have'} date sources that "
                       f"disagree by more than a few days (the more trusted is kept, both are listed above)"
                       + (f"; {plural(rejected, 'stated date')} could not be right (before 1990 or after the build) "
                          f"and {'was' if rejected == 1 else 'were'} not used" if rejected else "") + ".")
    if "date_source" in documents.columns and len(dated):
        src = documents.loc[dated.index, "date_source"].fillna("none").value_counts()
        out.append("Dates come from " + ", ".join(f"{k} ({int(v):,})" for k, v in src.items()) + "; never from the "
                   "running text.")
    with_comments = int((documents["n_comment_words"] > 0).sum())
    if with_comments:
        out.append(f"{plural(with_comments, 'document')} {'carries' if with_comments == 1 else 'carry'} reader comments "
                   f"({int(documents['n_comment_words'].sum()):,} words), kept apart from the article bodies.")
    lines = documents["boilerplate"].fillna("").str.split("\n").explode()
    lines = lines[lines.str.strip().ne("")]
    if len(lines):
        common = lines.value_counts().head(1)
        out.append(f"The cleaner removed {plural(len(lines), 'line')} of site chrome from "
                   f"{plural(int(documents['boilerplate'].fillna('').ne('').sum()), 'document')}; the most frequent: "
                   f"“{short(common.index[0], 60)}” ({int(common.iloc[0]):,}×).")
    out.append(f"Article bodies hold {int(documents['n_words'].sum()):,} words (median "
               f"{int(documents['n_words'].median()):,} per document).")
    return out


# ------------------------------------------------------------------------------------------- notebook 01
def source_findings(profile: pd.DataFrame, *, n_documents: int, n_unique: int, syndicated: pd.DataFrame,
                    terms: pd.DataFrame | None, frames: pd.DataFrame | None, min_documents: int = 5,
                    term_names: dict[str, str] | None = None) -> list[str]:
    out = []
    known = profile[profile["source"] != UNKNOWN]
    top = ", ".join(f"{r.source} ({r.documents:,})" for r in known.sort_values("documents", ascending=False).head(4)
                    .itertuples())
    out.append(f"**{plural(len(known), 'known source')}** ({top})" +
               (f", and {int(profile.loc[profile['source'] == UNKNOWN, 'documents'].sum()):,} documents of unknown "
                f"source pooled as {UNKNOWN}, which is not one outlet" if (profile["source"] == UNKNOWN).any() else "")
               + ".")
    if n_unique < n_documents:
        across = syndicated[syndicated.groupby("cluster")["outlet"].transform("nunique") > 1] if len(syndicated) else syndicated
        s = (f"**Copies count once:** {n_documents - n_unique:,} near-duplicate copies were set aside "
             f"({n_documents:,} documents -> {n_unique:,})")
        if len(across):
            ex = across.groupby("cluster")["outlet"].agg(lambda x: " and ".join(sorted(set(map(str, x)))[:3])).iloc[0]
            s += f"; {across['cluster'].nunique():,} stories ran at more than one outlet (e.g. {ex})"
        out.append(s + ".")
    else:
        out.append("No text appears twice (no near-duplicate copies).")
    if terms is not None and len(terms):
        names = term_names or {}
        sig = terms[terms["significant"]]
        for source, g in sig.groupby("source", sort=True):
            words = ", ".join(names.get(t, t) for t in g.sort_values("z", ascending=False)["term"].head(5))
            out.append(f"**{source}** over-uses, beyond chance (BH-corrected): {words}.")
        quiet = sorted(set(terms["source"]) - set(sig["source"]))
        if quiet:
            out.append(f"No term passes the multiple-testing threshold for {', '.join(quiet[:8])}"
                       f"{' and others' if len(quiet) > 8 else ''}: too few words, or a vocabulary like the rest.")
    if frames is not None and len(frames):
        big = set(profile.loc[profile["documents"] >= min_documents, "source"]) - {UNKNOWN}
        f = frames[frames["source"].isin(big) & frames["low"].notna()]
        rows = []
        for frame, g in f.groupby("frame"):
            hi, lo = g.loc[g["per_1000"].idxmax()], g.loc[g["per_1000"].idxmin()]
            if hi["low"] > lo["high"] and hi["per_1000"] > 0:
                rows.append((hi["per_1000"] - lo["per_1000"], frame, hi, lo))
        for _, frame, hi, lo in sorted(rows, key=lambda r: -r[0])[:3]:
            out.append(f"*{frame}*: {hi['source']} {hi['per_1000']:.1f} per 1,000 words ({hi['low']:.1f}–"
                       f"{hi['high']:.1f}) against {lo['source']} {lo['per_1000']:.1f} ({lo['low']:.1f}–"
                       f"{lo['high']:.1f}): intervals apart, so not the work of a few articles.")
        if not rows and len(big) >= 2:
            out.append(f"No framing rate differs between sources with {min_documents}+ documents beyond their "
                       f"bootstrap intervals.")
        elif len(big) < 2:
            out.append(f"Framing rates are not compared: fewer than two sources have {min_documents} or more documents "
                       f"(a source's interval needs several documents).")
    return out


# ------------------------------------------------------------------------------------------- notebook 02
def pair_overview(pairs: pd.DataFrame, sentences: pd.DataFrame, documents: pd.DataFrame, *,
                  level: str = "sentence") -> tuple[pd.DataFrame, pd.DataFrame]:
    """(ranked, examples) over the whole corpus at ``level``: ``timeline.rank_pairs`` of the pairs (units,
    documents, units stating a relation), and one evidence sentence per pair (a cooperation or conflict sentence
    when there is one) with its document's title and date (group_a, group_b, text, title, date)."""
    from .comention import evidence_sentences
    from .timeline import rank_pairs

    rows = pairs[pairs["level"] == level]
    if rows.empty:
        return rank_pairs(pd.DataFrame(columns=["group_a", "group_b", "n_units", "n_documents"])), pd.DataFrame(
            columns=["group_a", "group_b", "text", "title", "date"])
    per = rows.assign(n_units=1, n_mixed=(rows["polarity"] == "mixed").astype(int),
                      n_coop=(rows["polarity"] == "coop").astype(int),
                      n_conflict=(rows["polarity"] == "conflict").astype(int))
    keys = ["group_a", "group_b", "group_a_name", "group_b_name"]
    agg = per.groupby(keys, as_index=False).agg(n_units=("n_units", "sum"), n_coop=("n_coop", "sum"),
                                                n_conflict=("n_conflict", "sum"), n_mixed=("n_mixed", "sum"),
                                                n_documents=("doc_id", "nunique"))
    ranked = rank_pairs(agg)
    order = {"coop": 0, "conflict": 0, "mixed": 1, "neutral": 2}
    first = (rows.assign(_o=rows["polarity"].map(order)).sort_values(["_o"], kind="stable")
             .drop_duplicates(["group_a", "group_b"]).drop(columns="_o"))
    ev = evidence_sentences(first, sentences).drop_duplicates(["row"])
    docs = documents.set_index("doc_id")
    ev["title"] = ev["doc_id"].map(docs["title"]).fillna("")
    dates = ev["doc_id"].map(docs["published"])
    ev["date"] = [f"{d:%Y-%m-%d}" if pd.notna(d) else "" for d in dates]
    return ranked, ev[["group_a", "group_b", "text", "title", "date"]].reset_index(drop=True)


def relation_change_examples(changes: pd.DataFrame, sentences: pd.DataFrame, *, names: dict[str, str],
                             width: int = 220) -> pd.DataFrame:
    """``timeline.relation_changes`` with the actors' names and one evidence sentence on each side (the first
    listed): actor_a, actor_b, before, n_before, example_before, after, n_after, example_after."""
    cols = ["actor_a", "actor_b", "before", "n_before", "example_before", "after", "n_after", "example_after"]
    if changes is None or changes.empty:
        return pd.DataFrame(columns=cols)
    text = sentences.set_index(["doc_id", "section", "sentence"])["text"]

    def first(ids: str) -> str:
        doc, _, rest = str(ids).split(";")[0].rpartition("/")
        section, _, num = rest.partition(":")
        try:
            return short(text.loc[(doc, section, int(num))], width)
        except (KeyError, ValueError):
            return ""

    return pd.DataFrame({
        "actor_a": changes["group_a"].map(lambda g: names.get(g, g)),
        "actor_b": changes["group_b"].map(lambda g: names.get(g, g)),
        "before": [f"{r} {p}" for r, p in zip(changes["relation_before"], changes["period_before"].astype(str))],
        "n_before": changes["n_before"], "example_before": changes["evidence_before"].map(first),
        "after": [f"{r} {p}" for r, p in zip(changes["relation_after"], changes["period_after"].astype(str))],
        "n_after": changes["n_after"], "example_after": changes["evidence_after"].map(first)})[cols]


def pair_findings(counts: pd.DataFrame, ranked: pd.DataFrame, stats: pd.DataFrame, examples: pd.DataFrame, *,
                  n_undated: int, level: str, top: int = 3, changes: pd.DataFrame | None = None) -> list[str]:
    """``counts``: mention counts per actor (group_name, mentions, documents); ``ranked``: ``timeline.rank_pairs``
    over the whole corpus; ``stats``: ``association.pair_statistics``; ``examples``: one evidence sentence per
    pair (group_a, group_b, text, title, date)."""
    out = []
    if len(counts):
        names = ", ".join(f"{r.group_name} ({r.mentions:,})" for r in counts.head(4).itertuples())
        out.append(f"**{plural(int(counts['mentions'].sum()), 'mention')} of {plural(len(counts), 'actor')}**; "
                   f"the most named: {names}.")
    if not len(ranked):
        out.append(f"No two actors are named in the same {level}.")
        return out
    ex = examples.set_index(["group_a", "group_b"]) if len(examples) else None
    for r in ranked.head(top).itertuples():
        s = (f"**{r.group_a_name} – {r.group_b_name}**: named together in {plural(int(r.n_units), level)} "
             f"({int(r.n_relation):,} stating cooperation or conflict, {plural(int(r.n_documents), 'document')})")
        if ex is not None and (r.group_a, r.group_b) in ex.index:
            e = ex.loc[(r.group_a, r.group_b)]
            e = e.iloc[0] if isinstance(e, pd.DataFrame) else e
            where = ", ".join(x for x in (short(e["title"], 60), e["date"]) if x)
            s += f"; e.g. “{short(e['text'], 200)}”" + (f" ({where})" if where else "")
        out.append(s + ".")
    if len(stats):
        sig = stats[stats["q_value"] < 0.05]
        if len(sig):
            out.append(f"{plural(len(sig), 'pair')} of the {len(stats):,} co-mentioned pairs "
                       f"{'is' if len(sig) == 1 else 'are'} named together more often than chance (false discovery "
                       f"rate 5%): {', '.join(f'{a} – {b}' for a, b in zip(sig['group_a_name'].head(3), sig['group_b_name'].head(3)))}"
                       f"{' and more' if len(sig) > 3 else ''}.")
        else:
            out.append(f"None of the {len(stats):,} co-mentioned pairs is named together more often than chance at a "
                       f"false discovery rate of 5% (too few units to tell).")
    if changes is not None and len(changes):
        for r in changes.head(3).itertuples():
            out.append(f"**{r.actor_a} – {r.actor_b} changes sign**: {r.before} ({plural(int(r.n_before), 'sentence')}, "
                       f"e.g. “{r.example_before}”), then {r.after} ({plural(int(r.n_after), 'sentence')}, e.g. "
                       f"“{r.example_after}”).")
        if len(changes) > 3:
            out.append(f"{len(changes) - 3} more changes of sign are listed in the table above.")
    elif changes is not None:
        out.append("No pair's stated relation changes sign between periods (at least two sentences a side).")
    if n_undated:
        out.append(f"{plural(n_undated, 'co-mention')} in undated documents are left out of the timelines.")
    return out


# ------------------------------------------------------------------------------------------- notebook 03
def topic_findings(k_text: list[str], summary: pd.DataFrame, by_source: pd.DataFrame | None, *,
                   source_column: str = "publisher", min_units: int = 5, max_topics: int = 8) -> list[str]:
    """``k_text``: ``topics.describe_k_choice``; ``summary``: ``topics.summary`` (one row per cluster with
    units, share, coherence, top terms); ``by_source``: ``topics.topics_by``."""
    out = [k_text[0]] + [t for t in k_text[1:] if "no clear number" in t or "edge" in t or "largest tried" in t
                         or "coarsest" in t]
    rows = summary.reset_index()
    for r in rows.head(max_topics).itertuples():
        out.append(f"Topic {r.cluster}: {r.size:,} units ({r.share:.0%}), top terms {r.top_terms}.")
    if len(rows) > max_topics:
        rest = rows.iloc[max_topics:]
        out.append(f"{len(rest)} smaller topics hold {int(rest['size'].sum()):,} units ({rest['share'].sum():.0%}); "
                   f"the table above lists them all.")
    if by_source is not None and len(by_source) and by_source[source_column].nunique() >= 2:
        overall = by_source.groupby("cluster")["n"].sum() / by_source["n"].sum()
        rows = []
        for source, g in by_source.groupby(source_column):
            if g["n"].sum() < min_units or source == UNKNOWN:
                continue
            lift = g.set_index("cluster")["share"] / overall
            c = lift.idxmax()
            rows.append((source, c, float(g.set_index("cluster").loc[c, "share"]), float(overall[c])))
        for source, c, share, base in rows[:8]:
            out.append(f"{source}: topic {c} is {share:.0%} of its units against {base:.0%} overall.")
    return out
