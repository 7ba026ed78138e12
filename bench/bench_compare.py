"""Time source comparison on FA-KES scaled to 100,000 articles (bench/scale.py: each article a
real one's outlet, title and date with that outlet's sentences drawn and shuffled), plus planted
near-copies (truncated, lightly edited, re-chromed) to check that near_duplicates finds them at
scale. Prints seconds, documents per second and peak memory of each step (each step runs in its
own forked process, so its peak includes the inherited document table). Targets: distinctive_terms
and near_duplicates under 60 s each on 2 cores; near_duplicates never compares all pairs.

    .venv/bin/python bench/bench_compare.py [N]
"""
from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from scale import peak_memory_mb, scaled_fakes, timed

from analysis import compare
from analysis.text import tokenize

PLANTED = 1_000


def documents(n: int) -> tuple[pd.DataFrame, set]:
    raw = pd.read_csv(scaled_fakes(n), dtype=str, keep_default_na=False)
    docs = pd.DataFrame({"doc_id": raw["unit_id"], "outlet": raw["source"], "publisher": raw["source"],
                         "title": raw["article_title"], "body": raw["article_content"], "comments": "",
                         "published": pd.to_datetime(raw["date"], format="%m/%d/%Y", errors="coerce")})
    rng = np.random.default_rng(1)
    src = rng.choice(len(docs), PLANTED, replace=False)
    copies, planted = [], set()
    for k, i in enumerate(src):
        body, kind = docs.at[i, "body"], k % 3
        if kind == 0:  # truncated to about 60%
            cut = body.rfind(". ", 0, int(len(body) * 0.6))
            new = body[:cut + 1] if cut > 0 else body
        elif kind == 1:  # light edits
            new = body.replace(" said ", " stated ", 2).replace(" the ", " a ", 1) + " Reporting by staff."
        else:  # other site chrome
            new = "Home | World | Middle East\nShare on Facebook\n\n" + body + "\n\nRelated articles\nComments (0)"
        copies.append({**docs.iloc[i].to_dict(), "doc_id": f"copy{k:04d}", "body": new,
                       "outlet": "copysite", "published": docs.at[i, "published"] + pd.Timedelta(days=1)})
        planted.add((docs.at[i, "doc_id"], f"copy{k:04d}"))
    docs = pd.concat([docs.iloc[:n - PLANTED], pd.DataFrame(copies)], ignore_index=True)
    kept = set(docs["doc_id"])
    return docs, {p for p in planted if p[0] in kept}


def qualifying(docs: pd.DataFrame, planted: set) -> dict:
    """Planted pairs whose 5-shingle Jaccard or containment reaches 0.8 (checked with Python sets),
    with their Jaccard: what near_duplicates should report."""
    body = dict(zip(docs["doc_id"], docs["body"]))

    def shingles(text: str) -> set:
        t = tokenize(text)
        return {tuple(t[i:i + 5]) for i in range(max(len(t) - 4, 1))}

    out = {}
    for a, b in planted:
        x, y = shingles(body[a]), shingles(body[b])
        inter = len(x & y)
        if len(x) + len(y) >= 20 and (inter / len(x | y) >= 0.8 or inter / min(len(x), len(y)) >= 0.8):
            out[(a, b)] = inter / len(x | y)
    return out



def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t = time.perf_counter()
    docs, planted = documents(n)
    words = int(docs["body"].str.count(r"\S+").sum())
    print(f"corpus: {len(docs):,} documents ({PLANTED:,} planted near-copies), ~{words / 1e6:.0f} M words, "
          f"{docs['publisher'].nunique()} outlets; ready in {time.perf_counter() - t:.1f} s, "
          f"{peak_memory_mb():,.0f} MB")

    due = qualifying(docs, planted)  # outside the timing

    def terms() -> str:
        got = compare.distinctive_terms(docs)
        top = got[got["source"] == "sana"]["term"].head(5).tolist()
        return f"{got.attrs['n_terms']:,} terms tested; sana's top 5: {top}"

    def dups() -> str:
        got = compare.near_duplicates(docs)
        found = set(zip(got["doc_a"], got["doc_b"]))
        all_pairs = len(docs) * (len(docs) - 1) // 2
        wide = {p for p, j in due.items() if j >= 0.4}
        return (f"{len(got):,} pairs reported; planted copies that qualify (Jaccard or containment >= 0.8) "
                f"found {len(set(due) & found):,}/{len(due):,}, of those with Jaccard >= 0.4 "
                f"{len(wide & found):,}/{len(wide):,}; "
                f"{got.attrs['candidates']:,} LSH candidates ({got.attrs['candidates'] / all_pairs:.1e} of all "
                f"{all_pairs:,} pairs), {got.attrs['checked']:,} checked exactly")

    def frames() -> str:
        got = compare.framing(docs, n_boot=1000)
        return f"{len(got):,} rows (framing, 1,000 bootstrap resamples)"

    timed("distinctive_terms", terms, len(docs))
    timed("near_duplicates", dups, len(docs))
    timed("framing", frames, len(docs))


if __name__ == "__main__":
    main()
