"""FA-KES scaled up for benchmarks: ``scaled_fakes(n)`` writes (once, cached under /tmp) a CSV of
``n`` articles made from the 804 real ones: each new article takes the title, outlet and date of a
real article and a body of the same number of sentences drawn from that outlet's articles and
shuffled, so texts are realistic but not copies. Seeded: the same ``n`` gives the same file.
"""
from __future__ import annotations

import os
import re
import resource
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from analysis import config  # noqa: E402

CACHE = Path(os.environ.get("WORKBOOK_BENCH_CACHE", "/tmp/workbook-bench"))
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")


def require_fakes() -> Path:
    if not config.FAKES_CSV.exists():
        sys.exit(f"benchmark skipped: FA-KES not found at {config.FAKES_CSV} (the shared corpora live beside the project)")
    return config.FAKES_CSV


def scaled_fakes(n: int = 100_000, *, seed: int = 0) -> Path:
    path = CACHE / f"fakes-{n}-{seed}.csv"
    if path.exists():
        return path
    src = pd.read_csv(require_fakes(), dtype=str, keep_default_na=False)
    rng = np.random.default_rng(seed)
    pools = {o: [s for t in g.article_content for s in _SPLIT.split(t)] for o, g in src.groupby("source")}
    lengths = [len(_SPLIT.split(t)) for t in src.article_content]
    pick = rng.integers(0, len(src), n)
    rows = []
    for k, i in enumerate(pick):
        r = src.iloc[i]
        pool = pools[r.source]
        sents = [pool[j] for j in rng.integers(0, len(pool), lengths[i])]
        rows.append((f"s{k:06d}", r.article_title, " ".join(sents), r.source, r.date))
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pd.DataFrame(rows, columns=["unit_id", "article_title", "article_content", "source", "date"]).to_csv(tmp, index=False)
    tmp.replace(path)
    return path


def peak_memory_mb(children: bool = False) -> float:
    """Peak resident memory (MB) of this process, or of its finished children."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def _child(fn, conn) -> None:
    import time

    t = time.perf_counter()
    summary = fn()
    conn.send((time.perf_counter() - t, summary, peak_memory_mb()))
    conn.close()


def timed(label: str, fn, n: int) -> None:
    """Run ``fn`` in a forked child (so its peak memory is its own) and print seconds, documents
    per second, peak memory and ``fn``'s summary."""
    import multiprocessing as mp

    recv, send = mp.Pipe(duplex=False)
    p = mp.get_context("fork").Process(target=_child, args=(fn, send))
    p.start()
    seconds, summary, peak = recv.recv()
    p.join()
    print(f"{label}: {seconds:.1f} s = {n / seconds:,.0f} documents/s; peak memory {peak:,.0f} MB; {summary}",
          flush=True)
