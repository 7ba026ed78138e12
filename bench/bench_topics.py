"""Time topic clustering on FA-KES scaled to 100,000 articles (bench/scale.py: each article a real
one's outlet, title and date with that outlet's sentences drawn and shuffled). Prints seconds and
peak memory (ru_maxrss) of each run; each runs in its own forked process, so its peak includes the
inherited document table. Target: minutes, not hours, on 2 cores. Figures are noisy on a shared
machine.

    .venv/bin/python bench/bench_topics.py [N]
"""
from __future__ import annotations

import sys
import time

import pandas as pd
from scale import peak_memory_mb, scaled_fakes, timed

from analysis import topics


def documents(n: int) -> pd.DataFrame:
    raw = pd.read_csv(scaled_fakes(n), dtype=str, keep_default_na=False)
    return pd.DataFrame({"doc_id": raw["unit_id"], "outlet": raw["source"], "publisher": raw["source"],
                         "title": raw["article_title"], "body": raw["article_content"], "comments": "",
                         "published": pd.to_datetime(raw["date"], format="%m/%d/%Y", errors="coerce")})



def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t = time.perf_counter()
    docs = documents(n)
    words = int(docs["body"].str.count(r"\S+").sum())
    print(f"corpus: {len(docs):,} documents, ~{words / 1e6:.0f} M words, {docs['publisher'].nunique()} outlets; "
          f"ready in {time.perf_counter() - t:.1f} s, {peak_memory_mb():,.0f} MB", flush=True)

    def auto() -> str:
        t0 = time.perf_counter()
        v = topics.vectorize(docs)
        t1 = time.perf_counter()
        r = topics.cluster(v)
        t2 = time.perf_counter()
        by = topics.topics_by(r, docs, by="publisher")
        over = topics.topics_over_time(r, docs, freq="Q")
        t3 = time.perf_counter()
        return (f"vectorize {t1 - t0:.1f} s ({len(v.terms):,} terms, {v.params['n_components']} LSA dims), "
                f"cluster {t2 - t1:.1f} s (k={r.k} chosen from {r.k_curve['k'].min()}-{r.k_curve['k'].max()}, "
                f"silhouette {r.scores['silhouette']:.3f}, coherence {r.scores['coherence']:.3f}, "
                f"stability {r.scores['stability']:.3f}), tables {t3 - t2:.1f} s ({len(by):,} + {len(over.table):,} rows)")

    def fixed() -> str:
        r = topics.cluster(docs, k=10, n_stability=0)
        return f"k=10, sizes {r.clusters['size'].tolist()}"

    timed("cluster(k=None): vectorize + choose k + fit + stability refits", auto, len(docs))
    timed("cluster(k=10, n_stability=0)", fixed, len(docs))


if __name__ == "__main__":
    main()
