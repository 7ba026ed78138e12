"""Framing on FA-KES scaled to N articles (bench/scale.py): every frame counted in one pass, with
1,000 bootstrap resamples, on the documents table and on a built corpus partition by partition.
Target (issue 13): 100k in 10 s or less (2 cores).

    .venv/bin/python bench/bench_framing.py [N]
"""
from __future__ import annotations

import sys
import time

import pandas as pd
from scale import peak_memory_mb, scaled_fakes

from analysis import compare


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    raw = pd.read_csv(scaled_fakes(n), dtype=str, keep_default_na=False)
    docs = pd.DataFrame({"doc_id": raw["unit_id"], "publisher": raw["source"], "body": raw["article_content"]})
    del raw
    t = time.perf_counter()
    counts, words = compare.frame_counts(docs["body"])
    t1 = time.perf_counter()
    got = compare.framing(docs, n_boot=1000)
    t2 = time.perf_counter()
    print(f"framing {len(docs):,} documents: counting {t1 - t:.1f} s; framing() with 1,000 bootstrap resamples "
          f"{t2 - t1:.1f} s ({len(got)} rows, {int(counts.sum()):,} matches in {int(words.sum()):,} words); "
          f"peak memory {peak_memory_mb():,.0f} MB")


if __name__ == "__main__":
    main()
