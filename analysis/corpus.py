"""Load the processed tables, building them first when they are missing or stale."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from . import config
from .build import TABLES, build_corpus, fingerprint


@dataclass
class Corpus:
    """The build's tables (see docs/data_contract.md) and where they came from."""

    documents: pd.DataFrame
    sentences: pd.DataFrame
    rejects: pd.DataFrame
    mentions: pd.DataFrame | None = None
    relations: pd.DataFrame | None = None
    comentions: pd.DataFrame | None = None
    out_dir: Path | None = None
    raw: list[Path] = field(default_factory=list)

    def __repr__(self) -> str:
        return (f"Corpus({len(self.documents):,} documents, {len(self.sentences):,} sentences, "
                f"{len(self.rejects):,} rejects; from {', '.join(map(str, self.raw))})")

    def text(self, doc_id: str, section: str = "body") -> str:
        """The body or comments of one document."""
        if section not in ("body", "comments"):
            raise ValueError(f"`section` must be one of 'body', 'comments'; got {section!r}")
        return self.documents.set_index("doc_id").at[doc_id, section]


def default_out_dir(raw: list[Path]) -> Path:
    """``data/processed`` for the project's own raw folder; a folder of its own under
    ``data/processed/corpora/`` for any other corpus, so builds never overwrite each other."""
    if len(raw) == 1 and raw[0].resolve() == config.RAW_DIR.resolve():
        return config.PROCESSED_DIR
    key = hashlib.sha256("|".join(str(p.resolve()) for p in raw).encode()).hexdigest()[:8]
    return config.PROCESSED_DIR / "corpora" / f"{raw[0].stem or 'corpus'}-{key}"


def load_corpus(raw: Iterable[Path | str] | Path | str | None = None, out: Path | str | None = None, *,
                columns: Mapping[str, str] | None = None, rebuild: str = "auto", quiet: bool = True) -> Corpus:
    """The corpus tables for ``raw`` (default ``data/raw``, or ``WORKBOOK_CORPUS`` when set).

    rebuild: "auto" builds when the tables are missing or stale (raw files, reference files or code
    changed), "always" builds, "never" only reads.
    """
    if rebuild not in ("auto", "always", "never"):
        raise ValueError(f"`rebuild` must be one of 'auto', 'always', 'never'; got {rebuild!r}")
    if raw is None:
        raw = config.corpus_from_env() or [config.RAW_DIR]
    elif isinstance(raw, (str, Path)):
        raw = [raw]
    raw = [Path(p).expanduser() for p in raw]
    for p in raw:
        if not p.exists():
            raise FileNotFoundError(f"`raw`: no such file or folder: {p}")
    out_dir = Path(out) if out is not None else default_out_dir(raw)
    manifest = out_dir / "build.json"
    stale = True
    if manifest.exists():
        stored = json.loads(manifest.read_text(encoding="utf-8"))
        stale = stored.get("fingerprint") != fingerprint(raw, columns) or not all(
            (out_dir / f"{t}.parquet").exists() for t in stored.get("tables", []))
    if rebuild == "always" or (rebuild == "auto" and stale):
        summary = build_corpus(raw, out_dir, columns=columns)
        if not quiet:
            print(summary)
    elif not manifest.exists():
        raise FileNotFoundError(f"no build in {out_dir} and rebuild='never'")
    tables = {t: pd.read_parquet(out_dir / f"{t}.parquet") if (out_dir / f"{t}.parquet").exists() else None
              for t in TABLES}
    return Corpus(**tables, out_dir=out_dir, raw=raw)
