"""Every notebook on a matrix of generated corpora (empty, one document, one outlet over a week, undated, no
group mentions, several outlets over two years, HTML + CSV + TXT mixed): each notebook executes, says in one
sentence what an analysis lacks, shows no text written for the seed articles, and its findings state facts
computed from that corpus."""
from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import pandas as pd

from analysis.corpus import load_corpus
import pytest

import corpora

pytestmark = pytest.mark.notebooks  # `make matrix` (part of `make test`); `make unit` leaves them out

NOTEBOOKS = ("00_corpus_overview", "01_source_comparison", "02_group_comention_timelines", "03_tfidf_topic_clustering")
#: Words that belong to the seed articles only: none may appear in another corpus's reports.
SEED_WORDS = ("Nizkor", "SouthFront", "Long War Journal", "Joscelyn", "seed article", "five articles", "EA WorldView",
              "Sayfullakh", "Jund al-Malahim")


def _run(name: str, root: str) -> tuple[str, dict, str]:
    os.environ["WORKBOOK_DATA"] = str(Path(root) / "data")  # builds go under the test's folder, not the project's
    from analysis import publish

    raw = corpora.MATRIX[name](Path(root) / "corpora" / name)
    result = publish.publish(raw, out_root=Path(root) / "reports", smoke=True, keep_notebooks=True)
    return name, dict(result.failed), str(result.out_dir)


@pytest.fixture(scope="module")
def matrix(tmp_path_factory):
    root = tmp_path_factory.mktemp("matrix")
    with ProcessPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(_run, list(corpora.MATRIX), [str(root)] * len(corpora.MATRIX)))
    return {name: (failed, Path(out)) for name, failed, out in done}, root


def _text(nb) -> str:
    """What a reader of the report sees: markdown cells and every output, as text."""
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(cell.source)
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                parts.append(out.get("text", ""))
            data = out.get("data", {})
            parts.append(data.get("text/markdown", "") or data.get("text/plain", ""))
            if out.get("output_type") == "error":
                parts.append("ERROR " + out.get("ename", ""))
    return "\n".join(parts).replace("**", "")


def _notebooks(matrix, name):
    failed, out = matrix[0][name]
    assert not failed, f"{name}: notebooks failed: {failed}"
    return {stem: _text(nbformat.read(out / f"{stem}.ipynb", as_version=4)) for stem in NOTEBOOKS}


@pytest.mark.parametrize("name", list(corpora.MATRIX))
def test_every_notebook_runs_without_seed_text(matrix, name):
    texts = _notebooks(matrix, name)
    for stem, text in texts.items():
        assert "ERROR" not in text and "Traceback" not in text, (name, stem)
        for word in SEED_WORDS:
            assert word not in text, f"{name}/{stem} shows seed text {word!r}"
        assert (matrix[0][name][1] / f"{stem}.html").exists()


def test_empty_corpus_says_so_everywhere(matrix):
    texts = _notebooks(matrix, "empty")
    for stem, text in texts.items():
        assert "the corpus has no documents" in text, stem
    assert "No documents." in texts["00_corpus_overview"]


def test_one_document(matrix):
    texts = _notebooks(matrix, "one_document")
    assert "1 document from 0 known outlets" in texts["00_corpus_overview"]
    assert "comparing sources needs at least 2 known values of `publisher` (this corpus has none)" in texts["01_source_comparison"]
    assert "no document has a publication date" in texts["02_group_comention_timelines"]
    assert re.search(r"topic clustering needs at least 16 units with terms .* this corpus has \d+",
                     texts["03_tfidf_topic_clustering"])
    # the pair the document states, with its sentence, closes notebook 02
    assert "Hay'at Tahrir al-Sham – Syrian state forces" in texts["02_group_comention_timelines"].split(
        "What this corpus shows")[-1] or "Syrian state forces – Hay'at Tahrir al-Sham" in texts["02_group_comention_timelines"]


def test_one_outlet_over_a_week_is_shown_by_day(matrix):
    texts = _notebooks(matrix, "one_outlet_week")
    assert "14 documents from 1 known outlet (most: Levant Wire (14))" in texts["00_corpus_overview"]
    assert "periods: days" in texts["02_group_comention_timelines"]
    assert "(this corpus has only 'Levant Wire')" in texts["01_source_comparison"]
    assert "from 2018-04-09 to 2018-04-15" in texts["00_corpus_overview"]


def test_undated_corpus_places_nothing_in_time(matrix):
    texts = _notebooks(matrix, "undated")
    assert "No document is dated" in texts["00_corpus_overview"]
    assert "no document has a publication date" in texts["02_group_comention_timelines"]
    assert "no document has a publication date" in texts["03_tfidf_topic_clustering"]


def test_corpus_without_group_mentions(matrix):
    texts = _notebooks(matrix, "no_mentions")
    assert "no armed group of the gazetteer is named in this corpus" in texts["02_group_comention_timelines"]
    assert "no armed group of the gazetteer is named in this corpus" in texts["01_source_comparison"]
    assert "24 documents from 2 known outlets" in texts["00_corpus_overview"]
    assert "k = " in texts["03_tfidf_topic_clustering"]


def test_several_outlets_findings_are_computed(matrix):
    texts = _notebooks(matrix, "several_outlets")
    assert "60 documents from 5 known outlets" in texts["00_corpus_overview"]
    assert "from 2016-01-01 to 2017-12-" in texts["00_corpus_overview"]
    assert "periods: months" in texts["02_group_comention_timelines"]
    # the strongest pair in the findings is the one with most sentences stating a relation in the build's table
    root = matrix[1]
    build = next((root / "data" / "processed" / "corpora").glob("several_outlets-*"))
    c = load_corpus(out=build, rebuild="never").comentions
    if c is not None:
        s = c[c["level"] == "sentence"]
        # as analysis.timeline.rank_pairs counts them: units stating cooperation or conflict (not `unclear`)
        rel = s.assign(r=s["polarity"].isin(["coop", "conflict", "mixed"])).groupby(
            ["group_a_name", "group_b_name"])["r"].agg(["sum", "size"])
        top = rel.sort_values(["sum", "size"], ascending=False).index[0]
        assert f"{top[0]} – {top[1]}: named together in" in texts["02_group_comention_timelines"]


def test_mixed_formats(matrix):
    texts = _notebooks(matrix, "mixed_formats")
    assert "18 documents" in texts["00_corpus_overview"]
