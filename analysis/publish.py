"""Run the numbered notebooks on one corpus and write them as HTML reports:
``python -m analysis.publish [--corpus PATH]... [--code] [--out DIR]`` (what ``make report`` calls).

Reports go to ``reports/<corpus name>/NN_name.html`` (``reports/seeds/`` for the project's own data/raw).
That folder's old reports are removed first, so a report is never left over from an earlier run. Every
notebook runs even when one fails; the failed one is still written (with its error shown), and the command
then exits 1 naming it. Reports hide the code by default (``--code`` keeps it), carry a table of contents,
and load nothing from the network.
"""
from __future__ import annotations

import argparse
import html
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from . import config

__all__ = ["corpus_name", "notebook_paths", "publish", "PublishResult", "main"]

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
_H2 = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)
_TAG = re.compile(r"<[^>]+>")


def corpus_name(raw: Sequence[Path | str] | Path | str | None) -> str:
    """A short name for a corpus, used for its reports folder: ``seeds`` for the project's own data/raw,
    else the stem of the (first) raw folder or file, e.g. ``FA-KES-Dataset``."""
    if raw is None:
        return "seeds"
    paths = [Path(raw)] if isinstance(raw, (str, Path)) else [Path(p) for p in raw]
    if not paths:
        raise ValueError("`raw` must name at least one folder or file; got an empty list")
    first = paths[0].expanduser().resolve()
    if len(paths) == 1 and first == config.RAW_DIR.resolve():
        return "seeds"
    name = re.sub(r"[^\w.-]+", "_", first.stem or first.name).strip("._") or "corpus"
    return name + (f"+{len(paths) - 1}" if len(paths) > 1 else "")


def notebook_paths(folder: Path | None = None) -> list[Path]:
    """The numbered notebooks (``NN_name.ipynb``) in order."""
    folder = folder or (config.PROJECT_ROOT / "notebooks")
    return sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))


@dataclass
class PublishResult:
    out_dir: Path
    written: list[Path] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed

    def __str__(self) -> str:
        lines = [f"{p.name}  ({self.seconds.get(p.stem, 0):.0f} s)" + ("  FAILED" if p.stem in self.failed else "")
                 for p in self.written]
        lines.append(f"-> {self.out_dir}")
        for name, err in self.failed.items():
            lines.append(f"FAILED: {name}: {err}")
        return "\n".join(lines)


def _toc(body: str) -> str:
    """Insert a table of contents (the notebook's second-level headings) after the first cell (the title)."""
    heads = [(anchor, _TAG.sub("", text).replace("¶", "").strip()) for anchor, text in _H2.findall(body)]
    if len(heads) < 2:
        return body
    items = "".join(f'<li><a href="#{html.escape(a, quote=True)}">{html.escape(html.unescape(t))}</a></li>'
                    for a, t in heads)
    nav = f'<nav class="wb-toc"><strong>Contents</strong><ol>{items}</ol></nav>\n'
    cells = [m.start() for m in re.finditer(r'<div class="jp-Cell ', body)]
    at = cells[1] if len(cells) > 1 else body.find("<main>") + len("<main>")
    return body[:at] + nav + body[at:]


def _strip_for_report(nb, *, code: bool) -> None:
    """Without code: drop stderr streams (warnings, progress bars) but keep errors, and drop the code cells left
    with no output (their empty boxes would leave gaps), so a report reads clean."""
    if code:
        return
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", [])
                               if not (o.get("output_type") == "stream" and o.get("name") == "stderr")]
    nb.cells = [c for c in nb.cells if c.get("cell_type") != "code" or c.get("outputs")]


def _export(nb, path: Path, *, code: bool) -> None:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="workbook", extra_template_basedirs=[str(TEMPLATE_DIR)],
                            exclude_input=not code, exclude_input_prompt=not code, exclude_output_prompt=not code)
    _strip_for_report(nb, code=code)
    body, _ = exporter.from_notebook_node(nb)
    tmp = path.with_suffix(".html.tmp")
    tmp.write_text(_toc(body), encoding="utf-8")
    tmp.replace(path)


def publish(corpus: Sequence[Path | str] | Path | str | None = None, *, out_root: Path | str | None = None,
            code: bool = False, notebooks: Sequence[Path] | None = None, timeout: int = 1200,
            smoke: bool = False, keep_notebooks: bool = False) -> PublishResult:
    """Execute every notebook on ``corpus`` (None: the seeds) and write ``<out_root>/<name>/NN_name.html``
    (and, with ``keep_notebooks``, the executed ``NN_name.ipynb`` beside it)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    raw = None
    if corpus is not None:
        paths = [Path(corpus)] if isinstance(corpus, (str, Path)) else [Path(p) for p in corpus]
        if not paths:
            raise ValueError("`corpus` must name at least one folder or file, or be None for the seeds; got []")
        missing = [str(p) for p in paths if not p.expanduser().exists()]
        if missing:
            raise FileNotFoundError(f"`corpus`: no such file or folder: {', '.join(missing)}")
        raw = [p.expanduser().resolve() for p in paths]
    out_dir = Path(out_root or config.REPORTS_DIR) / corpus_name(raw)
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in [*out_dir.glob("[0-9][0-9]_*.html"), *out_dir.glob("[0-9][0-9]_*.ipynb")]:
        old.unlink()
    nbs = list(notebooks) if notebooks is not None else notebook_paths()
    env_before = {k: os.environ.get(k) for k in ("WORKBOOK_CORPUS", "WORKBOOK_SMOKE", "WORKBOOK_REPORTS")}
    os.environ["WORKBOOK_CORPUS"] = os.pathsep.join(map(str, raw)) if raw else ""
    os.environ["WORKBOOK_SMOKE"] = "1" if smoke else ""
    os.environ["WORKBOOK_REPORTS"] = str(out_dir.resolve())
    result = PublishResult(out_dir)
    try:
        for path in nbs:
            nb = nbformat.read(path, as_version=4)
            client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                    resources={"metadata": {"path": str(path.parent)}})
            t0 = time.perf_counter()
            try:
                client.execute()
            except CellExecutionError as exc:
                result.failed[path.stem] = str(exc).strip().splitlines()[-1][:300] if str(exc).strip() else "error"
            except Exception as exc:  # a dead kernel or a timeout: still write what ran, and go on
                result.failed[path.stem] = f"{type(exc).__name__}: {exc}"[:300]
            result.seconds[path.stem] = time.perf_counter() - t0
            if keep_notebooks:
                nbformat.write(nb, out_dir / f"{path.stem}.ipynb")
            target = out_dir / f"{path.stem}.html"
            _export(nb, target, code=code or path.stem in result.failed)
            result.written.append(target)
    finally:
        for k, v in env_before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analysis.publish", description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="append", metavar="PATH",
                        help="raw corpus folder or file (repeat for several); default: the project's data/raw")
    parser.add_argument("--code", action="store_true", help="keep the code cells in the reports")
    parser.add_argument("--out", metavar="DIR", help=f"reports root (default {config.REPORTS_DIR})")
    parser.add_argument("--smoke", action="store_true", help="smoke mode (shorter tables, fewer resamples)")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per cell (default 1200)")
    parser.add_argument("--notebooks", action="store_true", help="also keep the executed notebooks (.ipynb)")
    args = parser.parse_args(argv)
    corpus = [c for c in (args.corpus or []) if c.strip()] or None
    try:
        result = publish(corpus, out_root=args.out, code=args.code, timeout=args.timeout, smoke=args.smoke,
                         keep_notebooks=args.notebooks)
    except (FileNotFoundError, ValueError) as exc:
        parser.error(str(exc))
    print(result)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
