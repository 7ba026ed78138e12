"""Command line: ``python -m analysis build [--raw PATH]... [--out DIR] [--column FIELD=NAME]...``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import config, ingest


def _mapping(values: list[str]) -> dict[str, str]:
    out = {}
    for v in values:
        field, sep, col = v.partition("=")
        if not sep or not col or field not in ingest.FIELDS:
            raise argparse.ArgumentTypeError(
                f"--column takes FIELD=COLUMN with FIELD one of {', '.join(ingest.FIELDS)}; got {v!r}")
        out[field] = col
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the processed tables from the raw corpus")
    b.add_argument("--raw", action="append", type=Path, metavar="PATH",
                   help=f"raw folder or file; repeat for several (default {config.RAW_DIR})")
    b.add_argument("--out", type=Path, metavar="DIR", help=f"output folder (default {config.PROCESSED_DIR})")
    b.add_argument("--column", action="append", default=[], metavar="FIELD=NAME",
                   help="map a tabular column explicitly, e.g. --column text=story (fields: "
                        + ", ".join(ingest.FIELDS) + ")")
    b.add_argument("--workers", type=int, help="processes for cleaning and splitting (default: all cores)")
    b.add_argument("--full", action="store_true", help="reprocess every document (no incremental reuse)")
    b.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    args = parser.parse_args(argv)
    try:
        columns = _mapping(args.column)
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    from .build import build_corpus

    raws = args.raw or [config.RAW_DIR]
    missing = [str(p) for p in raws if not Path(p).exists()]
    if missing:
        parser.error(f"--raw: no such file or folder: {', '.join(missing)}")
    if args.workers is not None and args.workers < 1:
        parser.error(f"--workers must be 1 or more; got {args.workers}")
    from .corpus import default_out_dir

    out = args.out or default_out_dir([Path(p) for p in raws])  # where load_corpus() looks for this corpus
    try:
        summary = build_corpus(raws, out, columns=columns, workers=args.workers,
                               progress=False if args.no_progress else None, incremental=not args.full)
    except ValueError as exc:
        parser.error(str(exc))
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
