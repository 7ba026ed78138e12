"""Benchmark ``analysis.groups.find_mentions`` and ``roles.assign_roles`` (and the relation step and ``comention.comentions``) on FA-KES
scaled up.

    .venv/bin/python bench/bench_mentions.py            # 100,000 articles
    .venv/bin/python bench/bench_mentions.py --n 20000 --comentions

Articles come from ``bench/scale.py`` (realistic shuffles of the 804 FA-KES articles, cached under /tmp).
They are split into a sentences table with a simple regex (the build's Punkt splitter is not what is being
timed); only ``find_mentions``, ``assign_roles`` (and optionally the relation step, ``pair_relations.relations_table`` with the
committed classifier, then ``comentions`` from its table) is timed. Prints wall and CPU seconds (CPU time is
steadier on a shared machine), documents/second and peak resident memory. Target: 100k articles in under 30 s.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from scale import peak_memory_mb, scaled_fakes  # noqa: E402

from analysis import comention, groups, pair_relations, relation_model, relations, roles  # noqa: E402

SENTENCE_RE = re.compile(r"[^.!?]+(?:[.!?]+|$)")


def sentences_table(bodies: list[str]) -> pd.DataFrame:
    doc, num, starts, ends, texts = [], [], [], [], []
    for d, body in enumerate(bodies):
        k = 0
        for m in SENTENCE_RE.finditer(body):
            a, b = m.span()
            seg = body[a:b]
            lead = len(seg) - len(seg.lstrip())
            seg = seg.strip()
            if not seg:
                continue
            doc.append(d)
            num.append(k)
            starts.append(a + lead)
            ends.append(a + lead + len(seg))
            texts.append(seg)
            k += 1
    doc_ids = np.asarray([f"d{i:06d}" for i in range(len(bodies))], dtype=object)
    return pd.DataFrame({"doc_id": doc_ids[np.asarray(doc, dtype=np.int64)], "section": "body", "paragraph": 0,
                         "sentence": num, "start": starts, "end": ends, "text": texts})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000, help="number of articles (default 100000)")
    ap.add_argument("--comentions", action="store_true", help="also time the relation step and comention.comentions")
    args = ap.parse_args()

    t0 = time.perf_counter()
    bodies = pd.read_csv(scaled_fakes(args.n), dtype=str, keep_default_na=False)["article_content"].tolist()
    sentences = sentences_table(bodies)
    del bodies
    prep = time.perf_counter() - t0
    gaz = groups.load_gazetteer()
    rss_before = peak_memory_mb()
    print(f"input: {args.n:,} articles, {len(sentences):,} sentences, "
          f"{sentences['text'].str.len().sum() / 1e6:.0f} M characters (prepared in {prep:.1f} s); "
          f"gazetteer: {len(gaz)} groups, {gaz.n_keys_:,} keys")

    t, c = time.perf_counter(), time.process_time()
    mentions = groups.find_mentions(sentences, gazetteer=gaz)
    dt, dc = time.perf_counter() - t, time.process_time() - c
    print(f"find_mentions: {dt:.1f} s (CPU {dc:.1f} s), {args.n / dt:,.0f} documents/s, {len(mentions):,} mentions; "
          f"peak RSS {peak_memory_mb():,.0f} MB (before: {rss_before:,.0f} MB)")
    rules = roles.load_role_rules()
    t, c = time.perf_counter(), time.process_time()
    mentions = roles.assign_roles(mentions, sentences, rules=rules)
    dt, dc = time.perf_counter() - t, time.process_time() - c
    print(f"assign_roles: {dt:.1f} s (CPU {dc:.1f} s), {mentions['role'].value_counts().to_dict()}; "
          f"peak RSS {peak_memory_mb():,.0f} MB")
    if args.comentions:
        model, cues = relation_model.load_model(), relations.load_cues()
        t, c = time.perf_counter(), time.process_time()
        rel = pair_relations.relations_table(mentions, sentences, model=model, cues=cues)
        dt, dc = time.perf_counter() - t, time.process_time() - c
        print(f"relations: {dt:.1f} s (CPU {dc:.1f} s), {len(rel):,} pair-sentences "
              f"({(rel['label'] == 'unclear').mean():.0%} unclear); peak RSS {peak_memory_mb():,.0f} MB")
        t2, c2 = time.perf_counter(), time.process_time()
        pairs = comention.comentions(mentions, sentences, relations=rel, gazetteer=gaz)
        dt2, dc2 = time.perf_counter() - t2, time.process_time() - c2
        print(f"comentions: {dt2:.1f} s (CPU {dc2:.1f} s), {len(pairs):,} rows; peak RSS {peak_memory_mb():,.0f} MB")
        print(f"relations + comentions: {dt + dt2:.1f} s (CPU {dc + dc2:.1f} s), {args.n / (dt + dt2):,.0f} documents/s")


if __name__ == "__main__":
    main()
