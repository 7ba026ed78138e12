"""Time the whole corpus build on FA-KES scaled to 100,000 articles, each build in a fresh process
as a user runs it; print documents per second and peak memory (the largest process, and the peak
of the whole process tree: main process plus its workers, sampled every 0.2 s).
Targets (issue 13, 2 cores): full build of 100k in 45 s or less and 2 GB or less for all processes;
no-op rebuild in 2 s or less.

    .venv/bin/python bench/bench_build.py [N]
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from scale import ROOT, scaled_fakes


def _tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            ppid, pages = int(parts[1]), int(parts[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
        rss[int(d)] = pages
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


def run(args: list[str]) -> tuple[float, float, str]:
    """Run a build command; (seconds, peak tree RSS MB, its stdout)."""
    t = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    peak = [0.0]

    def sample():
        while proc.poll() is None:
            peak[0] = max(peak[0], _tree_rss_mb(proc.pid))
            time.sleep(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, _ = proc.communicate()
    th.join()
    if proc.returncode:
        sys.exit(f"build failed ({proc.returncode}): {out}")
    return time.perf_counter() - t, peak[0], out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t = time.perf_counter()
    csv_path = scaled_fakes(n)
    print(f"corpus: {csv_path} ({csv_path.stat().st_size / 1e6:.0f} MB, made in {time.perf_counter() - t:.1f} s); "
          f"{os.cpu_count()} cores")
    out = Path(tempfile.mkdtemp(prefix="bench-build-"))
    build = [sys.executable, "-m", "analysis", "build", "--raw", str(csv_path), "--out", str(out), "--no-progress"]
    try:
        for label, extra in (("full build", ["--full"]), ("incremental rebuild, nothing changed", [])):
            seconds, peak, _ = run(build + extra)
            m = json.loads((out / "manifest.json").read_text())
            c = m["counts"]
            print(f"{label}: {c['documents']:,} documents, {c['sentences']:,} sentences, {c['rejects']:,} rejects, "
                  f"{len(m['partitions'])} partitions, tables {', '.join(m['tables'])}: {seconds:.1f} s wall = "
                  f"{c['documents'] / seconds:,.0f} documents/s; peak memory (all processes) {peak:,.0f} MB", flush=True)
        sizes = {t.name: sum(p.stat().st_size for p in t.glob("*.parquet")) / 1e6 for t in out.iterdir() if t.is_dir()}
        print("tables on disk: " + ", ".join(f"{k} {v:,.0f} MB" for k, v in sorted(sizes.items())))
    finally:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
