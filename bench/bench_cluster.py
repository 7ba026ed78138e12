"""The build on a Dask LocalCluster with 1 and then 2 worker processes (one thread each), on FA-KES
scaled to N articles (bench/scale.py): seconds, documents per second, and peak memory of all processes
(client, scheduler, workers), to show the scaling. The same command builds on a real cluster with
``--scheduler tcp://host:8786``.

    .venv/bin/python bench/bench_cluster.py [N]      # the issue's figure: N = 1000000
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_build import _tree_rss_mb
from scale import scaled_fakes


def main() -> None:
    import os

    from distributed import LocalCluster

    from analysis.build import build_corpus

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    csv_path = scaled_fakes(n)
    print(f"corpus: {csv_path} ({csv_path.stat().st_size / 1e6:.0f} MB)", flush=True)
    for workers in (1, 2):
        out = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
        try:
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
                peak, done = [0.0], threading.Event()

                def sample():
                    while not done.is_set():
                        peak[0] = max(peak[0], _tree_rss_mb(os.getpid()))
                        time.sleep(0.2)

                th = threading.Thread(target=sample, daemon=True)
                th.start()
                t = time.perf_counter()
                s = build_corpus([csv_path], out, scheduler=cluster.scheduler_address, progress=False)
                seconds = time.perf_counter() - t
                done.set()
                th.join()
            print(f"LocalCluster, {workers} worker(s): {s.documents:,} documents, {s.partitions} partitions in "
                  f"{seconds:.1f} s = {s.documents / seconds:,.0f} documents/s; peak memory (all processes) "
                  f"{peak[0]:,.0f} MB", flush=True)
        finally:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
