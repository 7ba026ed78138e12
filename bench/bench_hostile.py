"""Cost of hostile inputs (issue 10): memory must grow linearly with the input, never with its square.

- a run-on line naming groups, with no full stop (100 KB, 300 KB, 1 MB): before sentences were bounded,
  100 KB took 1.1 GB and 1 MB 24 GB in the co-mention step;
- a partly downloaded CSV whose tail is zeros (50 MB and 200 MB of zeros after 20,000 rows): before, memory
  was eight times the tail.

Each build runs in a forked child (one worker); printed: seconds and peak memory, to compare with the
baseline of a one-document build.

    .venv/bin/python bench/bench_hostile.py
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from scale import timed

NAMES = ["Ahrar al-Sham", "Jaysh al-Islam", "Hay'at Tahrir al-Sham", "Faylaq al-Rahman", "the Syrian Democratic Forces",
         "the Islamic State", "Jabhat al-Nusra", "the Levant Front", "Nour al-Din al-Zenki", "Jaysh al-Izza",
         "Hezbollah", "the Free Syrian Army", "the YPG", "Liwa al-Quds", "the Turkistan Islamic Party"]


def run_on(folder: Path, size: int) -> Path:
    parts, n, i = [], 0, 0
    while n < size:
        parts.append(NAMES[i % len(NAMES)])
        n += len(parts[-1]) + 2
        i += 1
    folder.mkdir(parents=True)
    (folder / "runon.txt").write_text("Run-on report\n\n" + ", ".join(parts) + "\n", encoding="utf-8")
    return folder


def zero_tail(folder: Path, zeros: int) -> Path:
    rows = ["id,text"] + [f'{i},"Fighting near Idlib, report {i}: Ahrar al-Sham fighters held the town."'
                          for i in range(20_000)]
    folder.mkdir(parents=True)
    with open(folder / "partial.csv", "wb") as f:
        f.write(("\n".join(rows) + "\n").encode()[:-30])
        chunk = b"\x00" * (1 << 20)
        for _ in range(zeros >> 20):
            f.write(chunk)
    return folder


def build(raw: Path, out: Path):
    from analysis.build import build_corpus

    return lambda: str(build_corpus([raw], out, progress=False, workers=1)).splitlines()[0]


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    try:
        empty = base / "empty"
        empty.mkdir()
        (empty / "a.txt").write_text("Headline\n\nAhrar al-Sham fighters reached Idlib.\n", encoding="utf-8")
        timed("baseline: one short document", build(empty, base / "o-empty"), 1)
        for size in (100_000, 300_000, 1_000_000):
            raw = run_on(base / f"runon-{size}", size)
            timed(f"run-on line of group names, {size / 1e6:.1f} MB", build(raw, base / f"o-runon-{size}"), 1)
        for zeros in (50 << 20, 200 << 20):
            raw = zero_tail(base / f"zeros-{zeros}", zeros)
            timed(f"CSV of 20,000 rows + {zeros >> 20} MB zero-filled tail", build(raw, base / f"o-zeros-{zeros}"), 1)
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
