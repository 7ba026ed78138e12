"""Command line:

``python -m analysis build [--raw PATH]... [--out DIR] [--column FIELD=NAME]...``: build the tables;
``python -m analysis model``: train the relation classifier from the annotations and evaluate it (``make model``);
``python -m analysis annotations --items FILE --labels NAME=FILE...``: import annotators' relation labels as
references (``data/annotations/relations.csv``).
"""
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
    mo = sub.add_parser("model", help="train the relation classifier from the annotations and evaluate it")
    mo.add_argument("--no-corrections", action="store_true", help="leave the analysts' corrections out of training")
    an = sub.add_parser("annotations", help="import relation labels as references (never the sentence text)")
    an.add_argument("--items", type=Path, required=True, metavar="FILE", help="the items file the annotators labelled")
    an.add_argument("--labels", action="append", required=True, metavar="NAME=FILE",
                    help="an annotator's relation_labels.csv, e.g. A=annotate/A/relation_labels.csv; repeat")
    an.add_argument("--out", type=Path, metavar="FILE", help=f"references file (default {config.RELATION_ANNOTATIONS})")
    args = parser.parse_args(argv)
    if args.command == "model":
        return _model(not args.no_corrections)
    if args.command == "annotations":
        return _annotations(parser, args)
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


def _model(corrections: bool) -> int:
    from .relation_training import train_and_evaluate

    if not config.RELATION_ANNOTATIONS.exists():
        print(f"model: no annotations at {config.RELATION_ANNOTATIONS}; nothing to train", file=sys.stderr)
        return 1
    missing = [f"{name} ({path})" for name, path in config.ANNOTATED_CORPORA.items() if not Path(path).exists()]
    if missing:
        print(f"model: not trained, the annotated corpora {', '.join(missing)} are absent (the shared corpora live "
              f"beside the project); the committed model {config.RELATION_MODEL} is left as it is", file=sys.stderr)
        return 1
    model, ev = train_and_evaluate(corrections=corrections)
    for note in ev["data"]["notes"]:
        print(f"note: {note}")
    cv, ho = ev["cross_validation"], ev["heldout"]
    print(f"model: {ev['data']['train']} training items, {len(model.vocabulary_):,} features, C={ev['model']['C']}, "
          f"thresholds {ev['model']['thresholds']} -> {config.RELATION_MODEL}")
    print(f"cross-validation accuracy {cv['forced']['accuracy']}; held-out ({ho['forced']['n']} items) accuracy "
          f"{ho['forced']['accuracy']}, keyword heuristic {ho['keyword_heuristic']['accuracy']}; with unclear: "
          f"coverage {ho['with_unclear']['coverage']}, accuracy {ho['with_unclear']['accuracy_on_labelled']} "
          f"-> {config.RELATION_EVAL}")
    return 0


def _annotations(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from .relation_labels import import_labels, write_references

    files = {}
    for v in args.labels:
        name, sep, path = v.partition("=")
        if not sep or not name or not path:
            parser.error(f"--labels takes NAME=FILE; got {v!r}")
        files[name] = Path(path)
    missing = [str(p) for p in [args.items, *files.values()] if not p.exists()]
    if missing:
        parser.error(f"no such file: {', '.join(missing)}")
    refs, rejects = import_labels(args.items, files)
    for r in rejects.itertuples(index=False):
        print(f"rejected: {r.file} row {r.row}: {r.reason}", file=sys.stderr)
    out = write_references(refs, args.out)
    print(f"{len(refs):,} labels of {refs['item_id'].nunique():,} items by {len(files)} annotators -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
