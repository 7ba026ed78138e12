"""Time the whole corpus build on FA-KES scaled to 100,000 articles; print documents per second and
peak memory. Target: under 2 minutes on 2 cores and under 4 GB.

    .venv/bin/python bench/bench_build.py [N]
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from scale import peak_memory_mb, scaled_fakes

from analysis.build import build_corpus


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t = time.perf_counter()
    csv_path = scaled_fakes(n)
    print(f"corpus: {csv_path} ({csv_path.stat().st_size / 1e6:.0f} MB, made in {time.perf_counter() - t:.1f} s)")
    out = Path(tempfile.mkdtemp(prefix="bench-build-"))
    try:
        for label, kw in (("documents + sentences", {"analyses": False}), ("with mentions + comentions", {})):
            t = time.perf_counter()
            s = build_corpus([csv_path], out, incremental=False, progress=False, **kw)
            dt = time.perf_counter() - t
            print(f"build ({label}): {s.documents:,} documents, {s.sentences:,} sentences, {s.rejects:,} rejects "
                  f"in {dt:.1f} s = {s.documents / dt:,.0f} documents/s")
        t = time.perf_counter()
        s = build_corpus([csv_path], out, progress=False)
        dt = time.perf_counter() - t
        print(f"incremental rebuild, nothing changed: {s.reused:,} reused in {dt:.1f} s")
        print(f"peak memory: main process {peak_memory_mb():,.0f} MB, largest worker {peak_memory_mb(True):,.0f} MB")
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
