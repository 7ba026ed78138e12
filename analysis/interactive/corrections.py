"""Corrections by the analyst ("correct the machine"): a pair-sentence marked coop, conflict or none in the
evidence browser is appended to ``data/annotations/corrections/<corpus name>.csv``.

Columns (the relation classifier reads the same file, issue 11): doc_id, section, sentence, sentence_sha1 (of
the sentence text, so a correction of a sentence whose text later changed can be recognised), group_a, group_b
(ids, a < b), label ('coop', 'conflict', 'none'), who, when (ISO 8601, UTC). The file is append-only; the last
correction of a pair-sentence wins (``latest_corrections``). The HTML reports offer the same rows as a CSV
download, which ``import_corrections`` appends to the corpus's file.
"""
from __future__ import annotations

import csv
import datetime as dt
import getpass
import hashlib
from pathlib import Path
from typing import Sequence

import pandas as pd

from .. import config

__all__ = ["LABELS", "CORRECTION_COLUMNS", "corrections_path", "sentence_sha1", "record_correction",
           "load_corrections", "latest_corrections", "import_corrections"]

LABELS = ("coop", "conflict", "none")
CORRECTION_COLUMNS = ["doc_id", "section", "sentence", "sentence_sha1", "group_a", "group_b", "label", "who", "when"]
KEY = ["doc_id", "section", "sentence", "group_a", "group_b"]


def corrections_path(raw: Sequence[Path | str] | Path | str | None = None) -> Path:
    """``data/annotations/corrections/<corpus name>.csv`` for the corpus read from ``raw`` (None: the seeds)."""
    from ..publish import corpus_name

    return config.CORRECTIONS_DIR / f"{corpus_name(raw)}.csv"


def sentence_sha1(text: str) -> str:
    """SHA-1 of the sentence text (UTF-8), as stored with a correction."""
    return hashlib.sha1(str(text).encode("utf-8")).hexdigest()


def record_correction(path: Path | str, *, doc_id: str, section: str, sentence: int, text: str, group_a: str,
                      group_b: str, label: str, who: str | None = None,
                      when: dt.datetime | None = None) -> dict:
    """Append one correction to ``path`` (created with its header when missing) and return the row."""
    if label not in LABELS:
        raise ValueError(f"`label` must be one of {', '.join(map(repr, LABELS))}; got {label!r}")
    if section not in ("body", "comments"):
        raise ValueError(f"`section` must be one of 'body', 'comments'; got {section!r}")
    if not str(doc_id).strip() or not str(group_a).strip() or not str(group_b).strip() or group_a == group_b:
        raise ValueError(f"a correction needs a doc_id and two different groups; got doc_id={doc_id!r}, "
                         f"group_a={group_a!r}, group_b={group_b!r}")
    a, b = sorted((str(group_a), str(group_b)))
    stamp = (when or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    row = {"doc_id": str(doc_id), "section": section, "sentence": int(sentence), "sentence_sha1": sentence_sha1(text),
           "group_a": a, "group_b": b, "label": label, "who": who or _user(), "when": stamp.isoformat()}
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists() or path.stat().st_size == 0
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=CORRECTION_COLUMNS)
        if new:
            writer.writeheader()
        writer.writerow(row)
    return row


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in a container: still record the correction
        return "analyst"


def load_corrections(path: Path | str) -> pd.DataFrame:
    """Every correction in ``path`` (an empty table with the columns when the file does not exist)."""
    path = Path(path)
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "sentence" else object) for c in CORRECTION_COLUMNS})
    frame = pd.read_csv(path, dtype={c: str for c in CORRECTION_COLUMNS if c != "sentence"}, keep_default_na=False)
    missing = [c for c in CORRECTION_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: a corrections file needs the columns {CORRECTION_COLUMNS}; missing {missing}")
    bad = frame[~frame["label"].isin(LABELS)]
    if len(bad):
        raise ValueError(f"{path}, row {int(bad.index[0]) + 2}: `label` must be one of {', '.join(LABELS)}; "
                         f"got {bad['label'].iloc[0]!r}")
    frame["sentence"] = frame["sentence"].astype("int64")
    return frame[CORRECTION_COLUMNS]


def latest_corrections(path: Path | str) -> pd.DataFrame:
    """The last correction of each pair-sentence (by file order)."""
    frame = load_corrections(path)
    return frame.drop_duplicates(KEY, keep="last").reset_index(drop=True)


def import_corrections(downloaded: Path | str, path: Path | str) -> int:
    """Append the rows of a corrections CSV downloaded from an HTML report to ``path``; returns how many."""
    rows = load_corrections(downloaded)
    if not Path(downloaded).exists():
        raise FileNotFoundError(f"`downloaded`: no such file: {downloaded}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists() or path.stat().st_size == 0
    rows.to_csv(path, mode="a", header=new, index=False, columns=CORRECTION_COLUMNS)
    return len(rows)
