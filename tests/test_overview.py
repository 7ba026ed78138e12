"""Tables for notebook 00 on a generated corpus: metadata per outlet, date sources, conflicts, removed
templates, and the register template for the documents without an outlet or a date."""
import pandas as pd
import pytest

import newsgen
from analysis import metadata, overview
from analysis.build import build_corpus


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    raw = tmp_path_factory.mktemp("ov") / "raw"
    gold = newsgen.assemble(raw, {"wire": 12, "site": 9, "week": 21, "jsonl": 10, "wordpress": 6})
    out = tmp_path_factory.mktemp("ov_out")
    build_corpus([raw], out, analyses=False)
    return raw, out, gold, pd.read_parquet(out / "documents.parquet")


def test_metadata_by_outlet(built):
    _, _, gold, docs = built
    table = overview.metadata_by_outlet(docs).set_index("outlet")
    assert table.loc["Levant Wire"].to_dict() == {"documents": 12, "explicit": 0, "inferred": 10, "curated": 0,
                                                  "unknown": 2, "date_conflicts": 0, "dates_rejected": 0,
                                                  "without_date": 2}
    # row 5 of the JSONL states a date in 2040: flagged, not used
    assert table.loc["Enab Baladi"].to_dict() == {"documents": 3, "explicit": 2, "inferred": 0, "curated": 0,
                                                  "unknown": 1, "date_conflicts": 0, "dates_rejected": 1,
                                                  "without_date": 1}
    assert table.loc["Syria Direct", "dates_rejected"] == 0 and table["dates_rejected"].sum() == 1
    assert table["documents"].sum() == len(docs)
    assert (table[list(metadata.PROVENANCE)].sum(axis=1) == table["documents"]).all()


def test_date_sources_and_missing_metadata(built):
    _, _, gold, docs = built
    sources = overview.date_sources(docs).set_index("outlet")
    assert sources.loc["Damascus Monitor"].to_dict() == {"column": 0, "html": 0, "dateline": 9, "url": 0,
                                                         "filename": 0, "none": 0}
    assert sources.loc["Levant Wire", "filename"] == 2 and sources.loc["Levant Wire", "none"] == 2
    missing = overview.missing_metadata(docs).iloc[0].to_dict()
    undated = sum(g.published is None for gs in gold.values() for g in gs)
    assert missing == {"documents": 58, "without_outlet": 0, "without_date": undated, "without_either": undated,
                       "date_conflicts": 0, "dates_rejected": 1}


def test_date_conflicts_lists_flagged_documents(built):
    _, _, _, docs = built
    flagged = overview.date_conflicts(docs)
    assert list(flagged.doc_id) == ["j4"]
    assert flagged.iloc[0].date_rejected.endswith("after the build date " + pd.Timestamp.today().strftime("%Y-%m-%d"))


def test_removed_templates(built):
    _, _, _, docs = built
    top = overview.removed_templates(docs, top=3)
    site = top[top.outlet == "Damascus Monitor"]
    assert len(site) == 3 and (site.documents == 9).all()
    assert "image caption" in set(top.template) or "image copyright" in set(top.template)
    with pytest.raises(ValueError, match="`top` must be a positive int; got 0"):
        overview.removed_templates(docs, top=0)


def test_metadata_template_lists_the_documents_to_curate(built):
    raw, out, gold, docs = built
    template = overview.metadata_template(docs)
    assert list(template.columns) == list(metadata.REGISTER_COLUMNS)
    expected = sorted(g.path for gs in gold.values() for g in gs if g.published is None or g.outlet is None)
    assert sorted(template.path) == expected
    # nothing inferred is pre-filled as a fact: only the notes say what the build found
    assert (template[["outlet", "publisher", "author", "title", "published", "republished", "url"]] == "").all().all()
    row = template.set_index("path").loc["week/week.csv#row=3"]
    assert row.notes.startswith("outlet: Al-Ahram (inferred; url domain ahram.org.eg: https://english.ahram.org.eg/")
    assert "published: none stated" in row.notes


def test_template_written_beside_the_tables_never_into_raw(built):
    raw, out, _, docs = built
    before = sorted(p.name for p in raw.rglob("*"))
    path = overview.write_metadata_template(docs, out, raw=[raw])
    assert path == out / "metadata_template.csv"
    written = pd.read_csv(path, keep_default_na=False)
    assert list(written.columns) == list(metadata.REGISTER_COLUMNS) and len(written) == len(overview.metadata_template(docs))
    for bad in (raw, raw / "week"):
        with pytest.raises(ValueError, match="`out_dir` must not be a raw folder or inside one"):
            overview.write_metadata_template(docs, bad, raw=[raw])
    assert sorted(p.name for p in raw.rglob("*")) == before


def test_a_filled_template_is_a_register(built, tmp_path):
    """The analyst fills the template and saves it as the register: the dates become curated."""
    import shutil

    raw, _, gold, docs = built
    corpus = tmp_path / "raw"
    shutil.copytree(raw, corpus)
    template = overview.metadata_template(docs)
    template["published"] = "2018-04-12"
    template["outlet"] = template["outlet"].where(template["outlet"] != "", "")
    template.to_csv(corpus / "metadata.csv", index=False)
    out = tmp_path / "out"
    build_corpus([corpus], out, analyses=False)
    again = pd.read_parquet(out / "documents.parquet").set_index("path")
    filled = again.loc[template.path]
    assert (filled.published_provenance == "curated").all() and (filled.date_source == "register").all()
    assert overview.metadata_template(again.reset_index()).empty


def test_plot_metadata_by_outlet(built):
    from analysis.plots import corpus as plots

    _, _, _, docs = built
    table = overview.metadata_by_outlet(docs)
    before = table.copy()
    fig = plots.plot_metadata_by_outlet(table)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(table.outlet)
    assert any("1 rejected" in t.get_text() for t in ax.texts)
    pd.testing.assert_frame_equal(table, before)
    with pytest.raises(ValueError, match="`table` must be analysis.overview.metadata_by_outlet"):
        plots.plot_metadata_by_outlet(docs)
