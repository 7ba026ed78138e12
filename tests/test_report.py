"""Reports that read like reports: display objects, findings computed from tables, the report runner."""
from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from analysis import config, findings, groups, publish, report


# ------------------------------------------------------------------------------------------- tables
def test_table_says_how_many_rows_it_shows_and_formats_numbers():
    frame = pd.DataFrame({"group_a_name": [f"Group {i}" for i in range(412)], "n_ab": range(412),
                          "q_value": [0.000123] * 412, "published": pd.to_datetime(["2016-03-01"] * 412)})
    t = report.table(frame, rows=20, columns={"group_a_name": "actor", "n_ab": "together", "q_value": "q",
                                              "published": "date"}, formats={"q": "{:.2g}"})
    text = repr(t)
    assert "(showing 20 of 412 rows)" in text
    assert "actor" in text and "group_a_name" not in text
    assert "0.00012" in text and "2016-03-01" in text and "00:00" not in text
    static = t.static_html()  # what a viewer without JavaScript sees
    assert "showing 20 of 412 rows" in static and static.count("<tr>") == 21
    interactive = t._repr_html_()  # every row, searchable: the 412th is in the page
    assert "Group 411" in interactive and "Group 411" not in static
    big = report.table(pd.DataFrame({"n": [1234567]}))
    assert "1,234,567" in repr(big) and "(1 row)" in repr(big)


def test_table_escapes_html_and_shows_missing_values_as_a_dash():
    t = report.table(pd.DataFrame({"title": ["<script>alert(1)</script>", None], "n": [1.5, float("nan")]}))
    for html in (t.static_html(), t._repr_html_()):
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    assert "—" in repr(t)


@pytest.mark.parametrize("kwargs, message", [
    ({"rows": -1}, "`rows` must be a whole number of 0 or more, or None; got -1"),
    ({"columns": ["nope"]}, r"`columns` names column\(s\) \['nope'\] that `frame` lacks"),
])
def test_table_argument_errors_name_the_parameter(kwargs, message):
    with pytest.raises(ValueError, match=message):
        report.table(pd.DataFrame({"a": [1]}), **kwargs)


def test_figure_needs_alt_text_and_carries_it():
    from analysis.plots import new_figure

    fig, ax = new_figure((2, 2))
    ax.plot([0, 1], [0, 1])
    with pytest.raises(ValueError, match="`alt` must be a non-empty description"):
        report.figure(fig, alt=" ")
    shown = report.figure(fig, alt='Line from "0" to 1')
    assert 'alt="Line from &quot;0&quot; to 1"' in shown._repr_html_()
    assert repr(shown) == '[figure: Line from "0" to 1]'


# ------------------------------------------------------------------------------------------- findings
def test_overview_findings_state_what_the_table_holds():
    docs = pd.DataFrame({
        "doc_id": ["a", "b", "c"], "outlet": ["Levant Wire", "Levant Wire", None],
        "published": pd.to_datetime(["2018-04-09", "2018-04-12", None]),
        "published_provenance": ["explicit", "inferred", "unknown"], "n_comment_words": [0, 12, 0],
        "boilerplate": ["Share this\nSubscribe", "Share this", ""], "n_words": [100, 300, 50]})
    rejects = pd.DataFrame({"path": ["x.bin"], "reason": ["binary file (NUL bytes)"]})
    text = "\n".join(findings.overview_findings(docs, rejects))
    assert "**3 documents** from 1 known outlet (most: Levant Wire (2)); 1 document without an outlet." in text
    assert "**2 of 3 documents are dated** (explicit 1, inferred 1), from 2018-04-09 to 2018-04-12; 1 undated " \
           "document is left out of every timeline" in text
    assert "the most frequent: “Share this” (2×)" in text
    assert "1 document carries reader comments (12 words)" in text


def test_requirements_say_what_would_enable_the_analysis():
    docs = pd.DataFrame({"publisher": ["Levant Wire", None, " "], "published": [pd.NaT] * 3,
                         "published_provenance": ["unknown"] * 3})
    assert "this corpus has only 'Levant Wire'" in findings.needs_sources(docs)
    assert "add a date column" in findings.needs_dates(docs)
    assert findings.needs_sources(docs.assign(publisher=["a", "b", None])) is None
    assert findings.needs_units(15) and findings.needs_units(16) is None


def test_topic_findings_list_the_biggest_topics_and_count_the_rest():
    summary = pd.DataFrame({"size": [50, 30, 20, 10], "share": [0.45, 0.27, 0.18, 0.1], "coherence": [0.1] * 4,
                            "top_terms": ["aid, convoy", "raqqa, sdf", "chemical, gas", "bomb, car"]},
                           index=pd.Index([0, 1, 2, 3], name="cluster"))
    out = findings.topic_findings(["k = 4 was chosen."], summary, None, max_topics=2)
    assert out[1] == "Topic 0: 50 units (45%), top terms aid, convoy."
    assert out[-1].startswith("2 smaller topics hold 30 units (28%)")


# ------------------------------------------------------------------------------------------- lineage, paths
def test_collapsed_lineage_is_named_by_its_latest_member():
    gaz = groups.load_gazetteer()
    assert gaz.lineage_root("hts") == "nusra"
    assert gaz.lineage_name("nusra") == gaz["hts"].name
    assert gaz.lineage_name("liwa_al_islam") == gaz["jaysh_al_islam"].name


def test_relative_corpus_path_resolves_from_where_it_was_typed(monkeypatch, tmp_path):
    monkeypatch.setenv("PWD", str(tmp_path))
    monkeypatch.setenv("WORKBOOK_CORPUS", "mine" + os.pathsep + "/abs/other")
    monkeypatch.chdir(config.PROJECT_ROOT / "notebooks")  # where a kernel runs
    assert config.corpus_from_env() == [tmp_path / "mine", Path("/abs/other")]


@pytest.mark.parametrize("raw, name", [(None, "seeds"), (config.RAW_DIR, "seeds"),
                                       (Path("/x/FA-KES-Dataset.csv"), "FA-KES-Dataset"),
                                       ([Path("/x/my corpus"), Path("/y/b")], "my_corpus+1")])
def test_corpus_names(raw, name):
    assert publish.corpus_name(raw) == name


# ------------------------------------------------------------------------------------------- the runner
def test_publish_runs_every_notebook_names_the_failed_one_and_clears_stale_reports(tmp_path, monkeypatch):
    books = tmp_path / "notebooks"
    books.mkdir()
    ok = new_notebook(cells=[new_markdown_cell("# 00 · Fine\n\nIntro."), new_code_cell("x = 1"),
                             new_markdown_cell("## First part"), new_code_cell("print('answer', 6 * 7)"),
                             new_markdown_cell("## Second part"), new_code_cell("import sys; print('stderr-marker-93', file=sys.stderr)")])
    bad = new_notebook(cells=[new_markdown_cell("# 01 · Broken"), new_code_cell("raise RuntimeError('boom 17')")])
    later = new_notebook(cells=[new_code_cell("print('still ran')")])
    for name, nb in (("00_fine", ok), ("01_broken", bad), ("02_later", later)):
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, books / f"{name}.ipynb")
    out = tmp_path / "reports"
    stale = out / "seeds" / "05_old.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("old")
    result = publish.publish(None, out_root=out, notebooks=publish.notebook_paths(books), timeout=120)
    assert not stale.exists()
    assert sorted(p.name for p in result.written) == ["00_fine.html", "01_broken.html", "02_later.html"]
    assert list(result.failed) == ["01_broken"] and "boom 17" in result.failed["01_broken"]
    assert "FAILED: 01_broken" in str(result)
    fine = (out / "seeds" / "00_fine.html").read_text()
    assert "answer 42" in fine and "print(" not in fine  # code hidden by default
    assert "stderr-marker-93" not in fine  # stderr left out of reports
    assert '<nav class="wb-toc">' in fine and 'href="#First-part"' in fine
    for page in (out / "seeds").glob("*.html"):
        text = page.read_text()
        assert "cdnjs" not in text and "require.min.js" not in text and "mathjax" not in text.lower(), page.name
    broken = (out / "seeds" / "01_broken.html").read_text()
    assert "jp-InputArea" in broken and "boom 17" in broken  # a failed notebook keeps its code and error
    assert "still ran" in (out / "seeds" / "02_later.html").read_text()


def test_publish_cli_refuses_a_missing_corpus(capsys):
    with pytest.raises(SystemExit) as exc:
        publish.main(["--corpus", "/no/such/corpus"])
    assert exc.value.code == 2
    assert "`corpus`: no such file or folder: /no/such/corpus" in capsys.readouterr().err
