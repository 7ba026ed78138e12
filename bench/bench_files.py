"""The build on a folder of files: FA-KES scaled (bench/scale.py) written as N text files (one folder
per outlet), each build in a fresh process as a user runs it (``python -m analysis build``). Prints
seconds and peak memory of all processes for: the full build, a no-op rebuild, and a rebuild after
changing 1% of the files (a sentence appended to every hundredth file, spread over the corpus, so
that nearly every partition holds a changed file), and a rebuild after adding 1% new files in a new
folder (the shape of a new crawl arriving).
Targets (issue 13, 2 cores, 100k): no-op <= 2 s; 1% changed <= 10% of the full build.

    .venv/bin/python bench/bench_files.py [N]
"""
from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from bench_build import run
from scale import CACHE, scaled_fakes


def files_corpus(n: int) -> Path:
    folder = CACHE / f"fakes-{n}-files"
    if (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    rows = pd.read_csv(scaled_fakes(n), dtype=str, keep_default_na=False)
    for source, title, body, uid in zip(rows["source"], rows["article_title"], rows["article_content"], rows["unit_id"]):
        d = folder / source
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{uid}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    (folder / ".complete").write_text("")  # a hidden file: listed as a reject, never read
    return folder


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    t = time.perf_counter()
    src = files_corpus(n)
    print(f"corpus: {n:,} files in {src} (ready in {time.perf_counter() - t:.0f} s)", flush=True)
    work = Path(tempfile.mkdtemp(prefix="bench-files-"))
    raw, out = work / "raw", work / "out"
    shutil.copytree(src, raw)
    build = [sys.executable, "-m", "analysis", "build", "--raw", str(raw), "--out", str(out), "--no-progress"]
    try:
        results = {}
        for label, extra, change in (("full build", ["--full"], False), ("no-op rebuild", [], False),
                                     ("rebuild after changing 1% of the files", [], True),
                                     ("rebuild after adding 1% new files in a new folder", [], "add")):
            if change == "add":
                files = sorted(p for p in raw.rglob("*.txt"))
                new = raw / "new-crawl"
                new.mkdir()
                for i, p in enumerate(np.random.default_rng(1).choice(files, len(files) // 100, replace=False)):
                    (new / f"new-{i:06d}.txt").write_text(p.read_text(encoding="utf-8") + "\nThe YPG said the road was open.\n",
                                                          encoding="utf-8")
            elif change:
                files = sorted(p for p in raw.rglob("*.txt"))
                for p in np.random.default_rng(0).choice(files, len(files) // 100, replace=False):
                    p.write_text(p.read_text(encoding="utf-8") + "\nThe SDF said the truce held.\n", encoding="utf-8")
            seconds, peak, _ = run(build + extra)
            m = json.loads((out / "manifest.json").read_text())
            results[label] = seconds
            print(f"{label}: {m['counts']['documents']:,} documents, {len(m['partitions'])} partitions: {seconds:.1f} s; "
                  f"peak memory (all processes) {peak:,.0f} MB", flush=True)
        for label in ("rebuild after changing 1% of the files", "rebuild after adding 1% new files in a new folder"):
            print(f"{label} / full build: {results[label] / results['full build']:.0%}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
