"""Command line: ``python -m analysis build [--raw PATH]... [--out DIR] [--column FIELD=NAME]...
[--workers N] [--scheduler auto|sync|processes|tcp://host:8786] [--full]``.

Usage errors (a missing raw path, an unusable --out, a bad option value) exit with status 2 before
any work; a build locked by another build exits with status 3.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import config

FIELDS = ("id", "title", "text", "source", "date", "author", "url")  # = analysis.ingest.FIELDS (checked in tests)


def _mapping(values: list[str]) -> dict[str, str]:
    out = {}
    for v in values:
        field, sep, col = v.partition("=")
        if not sep or not col or field not in FIELDS:
            raise argparse.ArgumentTypeError(
                f"--column takes FIELD=COLUMN with FIELD one of {', '.join(FIELDS)}; got {v!r}")
        out[field] = col
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="build the processed tables from the raw corpus")
    b.add_argument("--raw", action="append", type=Path, metavar="PATH",
                   help=f"raw folder or file; repeat for several (default {config.RAW_DIR})")
    b.add_argument("--out", metavar="DIR",
                   help=f"output folder (default {config.PROCESSED_DIR} for data/raw, "
                        f"{config.PROCESSED_DIR}/corpora/<name>-<hash> for other corpora)")
    b.add_argument("--column", action="append", default=[], metavar="FIELD=NAME",
                   help="map a tabular column explicitly, e.g. --column text=story (fields: " + ", ".join(FIELDS) + ")")
    b.add_argument("--workers", type=int, help="local worker processes (default: every core; capped at the cores)")
    b.add_argument("--scheduler", default="auto", metavar="WHERE",
                   help="auto (default: in this process for small work, local processes for large), sync, "
                        "processes, or a Dask scheduler address such as tcp://host:8786")
    b.add_argument("--full", action="store_true", help="rebuild every partition (no incremental reuse)")
    b.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    args = parser.parse_args(argv)
    try:
        columns = _mapping(args.column)
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    from . import store
    from .build import build_corpus, check_raw
    from .corpus import default_out_dir
    from .executor import check_workers, resolve_scheduler

    try:
        raws = check_raw(args.raw or [config.RAW_DIR], name="--raw")
        out = store.check_out_dir(args.out if args.out is not None else default_out_dir(raws),  # where
                                  raw=raws, name="--out")  # load_corpus() looks for this corpus
        workers = check_workers(args.workers, name="--workers")
        resolve_scheduler(args.scheduler, n_tasks=0, work=0, workers=workers)
    except (ValueError, TypeError, FileNotFoundError) as exc:
        parser.error(str(exc))
    try:
        summary = build_corpus(raws, out, columns=columns, workers=workers, scheduler=args.scheduler,
                               progress=False if args.no_progress else None, incremental=not args.full)
    except store.BuildLocked as exc:
        print(f"python -m analysis build: {exc}", file=sys.stderr)
        return 3
    except ValueError as exc:  # e.g. a column mapping naming no column
        parser.error(str(exc))
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
