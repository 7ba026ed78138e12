"""Analysts' corrections of the relation classifier: one CSV per corpus, outside the raw data.

An analyst who reads a pair-sentence and disagrees with the machine records ``coop``, ``conflict`` or ``none``
for it (``record_correction``). Corrections live in ``data/annotations/corrections/<corpus name>.csv``
(``config.CORRECTIONS_DIR``; never in a raw folder), where the corpus name is ``seeds`` for the project's
``data/raw`` and otherwise the stem of the raw folder or file (``corpus_name``). The evidence browser
(``analysis.interactive.corrections``) writes the same file with the same columns. On the next build a correction
overrides the model's label for its row (``source = curated``), as long as the sentence still has the same
text (its sha1); ``make model`` adds the corrections to the training data.

Columns (``CORRECTION_COLUMNS``): doc_id, section, sentence (number in the section), sentence_sha1, group_a,
group_b (sorted ids), label, who, when (UTC ISO time). The last correction of a row wins.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Sequence

import pandas as pd

from . import config
from .files import write_atomic

__all__ = ["CORRECTION_COLUMNS", "CORRECTION_LABELS", "corpus_name", "corrections_path", "record_correction",
           "read_corrections"]

CORRECTION_COLUMNS = ["doc_id", "section", "sentence", "sentence_sha1", "group_a", "group_b", "label", "who", "when"]
CORRECTION_LABELS = ("coop", "conflict", "none")
_KEY = ["doc_id", "section", "sentence", "group_a", "group_b"]


def corpus_name(raw: str | Path | Sequence[str | Path] | None) -> str:
    """``seeds`` for the project's ``data/raw`` (or None); else the stem of the (first) raw folder or file: the
    one definition, ``analysis.publish.corpus_name``, which also names the corpus's reports folder."""
    from .publish import corpus_name as name

    return name(raw)


def corrections_path(corpus: str, *, folder: str | Path | None = None) -> Path:
    """``<folder>/<corpus>.csv`` (folder default ``config.CORRECTIONS_DIR``)."""
    if not isinstance(corpus, str) or not corpus or any(c in corpus for c in "/\\") or corpus.startswith("."):
        raise ValueError(f"`corpus` must be a corpus name such as 'seeds' (no path separators); got {corpus!r}")
    folder = Path(folder) if folder is not None else config.CORRECTIONS_DIR
    for raw in config.ANNOTATED_CORPORA.values():
        if Path(raw).is_dir() and Path(raw).resolve() in [folder.resolve(), *folder.resolve().parents]:
            raise ValueError(f"`folder` must not be inside a raw folder (raw data is never written to); got {folder}")
    return folder / f"{corpus}.csv"


def read_corrections(corpus: str | None = None, *, path: str | Path | None = None) -> pd.DataFrame:
    """The corrections of ``corpus`` (or the file ``path``), the last one per row; an empty table when none.

    Rows with a label outside coop/conflict/none or a missing key raise a ValueError naming the file and row.
    """
    if path is None:
        if corpus is None:
            raise ValueError("`corpus` or `path` is needed; got neither")
        path = corrections_path(corpus)
    path = Path(path)
    if not path.exists():
        return _empty()
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in CORRECTION_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: the corrections file must have the column(s) {missing}; got {list(df.columns)}")
    for k, r in enumerate(df.itertuples(index=False), start=1):
        if r.label not in CORRECTION_LABELS:
            raise ValueError(f"{path}: row {k}: label must be one of {', '.join(CORRECTION_LABELS)}; got {r.label!r}")
        if not r.doc_id or not r.section or not r.group_a or not r.group_b or not str(r.sentence).isdigit():
            raise ValueError(f"{path}: row {k}: doc_id, section, sentence, group_a and group_b are needed; got {tuple(r)}")
    df = df[CORRECTION_COLUMNS].copy()
    df["sentence"] = df["sentence"].astype("int64")
    return df.drop_duplicates(_KEY, keep="last").reset_index(drop=True)


def record_correction(corpus: str, *, doc_id: str, section: str, sentence: int, text: str, group_a: str,
                      group_b: str, label: str, who: str, when: str | None = None,
                      folder: str | Path | None = None) -> Path:
    """Append one correction to the corpus's corrections file (atomic: the file is rewritten under a
    temporary name, then renamed). ``text`` is the sentence, used only for its sha1 (the text is not
    stored). Returns the file's path."""
    if label not in CORRECTION_LABELS:
        raise ValueError(f"`label` must be one of {', '.join(CORRECTION_LABELS)}; got {label!r}")
    if section not in ("body", "comments"):
        raise ValueError(f"`section` must be one of 'body', 'comments'; got {section!r}")
    if not isinstance(sentence, int) or isinstance(sentence, bool) or sentence < 0:
        raise ValueError(f"`sentence` must be a sentence number (int >= 0); got {sentence!r}")
    if not isinstance(text, str) or not text:
        raise ValueError(f"`text` must be the sentence text (for its sha1); got {text!r}")
    if not who or not isinstance(who, str):
        raise ValueError(f"`who` must name the analyst; got {who!r}")
    if group_a == group_b:
        raise ValueError(f"`group_a` and `group_b` must differ; got {group_a!r} twice")
    a, b = sorted((str(group_a), str(group_b)))
    when = when or dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    path = corrections_path(corpus, folder=folder)
    old = path.read_text(encoding="utf-8") if path.exists() else ",".join(CORRECTION_COLUMNS) + "\n"
    if not old.endswith("\n"):
        old += "\n"
    row = pd.DataFrame([[doc_id, section, sentence, hashlib.sha1(text.encode("utf-8")).hexdigest(), a, b, label,
                         who, when]], columns=CORRECTION_COLUMNS)
    return write_atomic(path, old + row.to_csv(index=False, header=False, lineterminator="\n"))


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "sentence" else object) for c in CORRECTION_COLUMNS})
