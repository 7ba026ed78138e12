"""``load_corpus`` of current tables plus a notebook's first cells on the seeds, in a fresh process
(what every notebook pays): prints the seconds of the interpreter start, of the imports of the
notebook's first cell, and of ``load_corpus`` + ``print(corpus)`` + reading the documents table.
Target (issue 13): load_corpus + first cell <= 1 s.

    .venv/bin/python bench/bench_load.py
"""
from __future__ import annotations

import subprocess
import sys

from scale import ROOT

CELL = """
import time
t0 = time.perf_counter()
import os
CORPUS = os.environ.get("WORKBOOK_CORPUS") or None
import numpy as np
import pandas as pd
import analysis
from analysis import overview
t1 = time.perf_counter()
corpus = analysis.load_corpus(CORPUS)
print(corpus)
docs = corpus.documents
t2 = time.perf_counter()
import sys
heavy = sorted(m for m in ("nltk", "trafilatura", "ftfy", "ahocorasick", "sklearn") if m in sys.modules)
print(f"imports {t1 - t0:.2f} s; load_corpus + print + documents {t2 - t1:.2f} s; "
      f"heavy modules imported: {heavy or 'none'}")
"""


def main() -> None:
    subprocess.run([sys.executable, "-m", "analysis", "build"], cwd=ROOT, check=True, capture_output=True)
    for _ in range(3):
        import time

        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", CELL], cwd=ROOT, check=True, capture_output=True, text=True).stdout
        print(out.strip().split("\n")[-1] + f"; whole process {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
