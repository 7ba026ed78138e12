"""Corrections by the analyst ("correct the machine") from the evidence browser: a pair-sentence marked coop,
conflict or none goes to ``data/annotations/corrections/<corpus name>.csv``.

The file, its columns and its atomic writer are :mod:`analysis.corrections` (the relation classifier reads the
same file on the next build and lists the rows as curated); this module gives the browser its path-based
helpers and imports the CSV that an HTML report's "download corrections" button saves.
"""
from __future__ import annotations

import datetime as dt
import getpass
import hashlib
from pathlib import Path
from typing import Sequence

import pandas as pd

from .. import corrections as _store
from ..files import write_atomic

__all__ = ["LABELS", "CORRECTION_COLUMNS", "corrections_path", "sentence_sha1", "record_correction",
           "load_corrections", "latest_corrections", "import_corrections"]

LABELS = _store.CORRECTION_LABELS
CORRECTION_COLUMNS = _store.CORRECTION_COLUMNS


def corrections_path(raw: Sequence[Path | str] | Path | str | None = None) -> Path:
    """``data/annotations/corrections/<corpus name>.csv`` for the corpus read from ``raw`` (None: the seeds)."""
    return _store.corrections_path(_store.corpus_name(raw))


def sentence_sha1(text: str) -> str:
    """SHA-1 of the sentence text (UTF-8), as stored with a correction."""
    return hashlib.sha1(str(text).encode("utf-8")).hexdigest()


def record_correction(path: Path | str, *, doc_id: str, section: str, sentence: int, text: str, group_a: str,
                      group_b: str, label: str, who: str | None = None,
                      when: dt.datetime | None = None) -> dict:
    """Append one correction to the corrections file ``path`` (atomically, by
    :func:`analysis.corrections.record_correction`) and return the row."""
    path = Path(path)
    if not str(doc_id).strip():
        raise ValueError(f"`doc_id` must name the document; got {doc_id!r}")
    stamp = (when or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    _store.record_correction(path.stem, doc_id=str(doc_id), section=section, sentence=int(sentence), text=str(text),
                             group_a=str(group_a), group_b=str(group_b), label=label, who=who or _user(),
                             when=stamp.isoformat(), folder=path.parent)
    a, b = sorted((str(group_a), str(group_b)))
    return {"doc_id": str(doc_id), "section": section, "sentence": int(sentence), "sentence_sha1": sentence_sha1(text),
            "group_a": a, "group_b": b, "label": label, "who": who or _user(), "when": stamp.isoformat()}


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in a container: still record the correction
        return "analyst"


def load_corrections(path: Path | str) -> pd.DataFrame:
    """Every correction in ``path``, in file order (an empty table with the columns when there is none)."""
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
    """The last correction of each pair-sentence (by file order), as the classifier applies them."""
    return _store.read_corrections(path=path)


def import_corrections(downloaded: Path | str, path: Path | str) -> int:
    """Append the rows of a corrections CSV downloaded from an HTML report to ``path`` (atomically); returns
    how many."""
    if not Path(downloaded).exists():
        raise FileNotFoundError(f"`downloaded`: no such file: {downloaded}")
    rows = load_corrections(downloaded)
    path = Path(path)
    old = path.read_text(encoding="utf-8") if path.exists() and path.stat().st_size else ",".join(CORRECTION_COLUMNS) + "\n"
    if not old.endswith("\n"):
        old += "\n"
    write_atomic(path, old + rows.to_csv(index=False, header=False, columns=CORRECTION_COLUMNS, lineterminator="\n"))
    return len(rows)
