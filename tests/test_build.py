"""Whole builds on real corpora: FA-KES and the BBC benchmark from ../shared, and the seeds."""
import csv

import pandas as pd
import pytest

from analysis import config
from analysis.build import build_corpus
from analysis.corpus import load_corpus


def tables(out, names=("documents", "sentences", "rejects")):
    c = load_corpus(out=out, rebuild="never")
    return {t: c.table(t) for t in names}


@pytest.fixture(scope="module")
def fakes(fakes_csv, tmp_path_factory):
    out = tmp_path_factory.mktemp("fakes")
    build_corpus([fakes_csv], out, analyses=False)
    return tables(out)


def test_fakes_every_row_is_a_document_or_a_reject(fakes, fakes_csv):
    with open(fakes_csv, encoding="utf-8", newline="") as f:
        n_rows = sum(1 for _ in csv.DictReader(f))
    assert n_rows == 804
    docs, rejects = fakes["documents"], fakes["rejects"]
    rows = set(docs.path) | set(rejects.path)
    assert rows == {f"FA-KES-Dataset.csv#row={i}" for i in range(1, 805)}
    assert len(docs) + len(rejects) == 804
    # 15 rows repeat a text: each is a reject naming the document it repeats.
    assert len(rejects) == 15 and rejects.reason.str.startswith("duplicate text of ").all()


def test_fakes_outlets_dates_and_ids(fakes):
    docs = fakes["documents"]
    assert docs.outlet.nunique() == 15
    assert {"sana", "manar", "reuters", "etilaf", "trt"} <= set(docs.outlet)
    assert docs.published.notna().all() and (docs.published_provenance == "explicit").all()
    assert docs.published.min() >= pd.Timestamp("2011-01-01") and docs.published.max() <= pd.Timestamp("2019-01-01")
    assert docs.doc_id.is_unique
    assert docs.loc[docs.doc_id == "1914947530", "title"].item() == "Syria attack symptoms consistent with nerve agent use WHO"


def test_sentence_offsets_point_into_the_text(fakes):
    docs = fakes["documents"].set_index("doc_id")
    s = fakes["sentences"].sample(500, random_state=0)
    for row in s.itertuples():
        assert docs.at[row.doc_id, row.section][row.start:row.end] == row.text


@pytest.fixture(scope="module")
def bbc(bbc_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("bbc")
    build_corpus([bbc_dir], out, analyses=False)
    return tables(out, ("documents", "rejects"))


def test_bbc_every_file_accounted_with_unique_ids(bbc, bbc_dir):
    docs, rejects = bbc["documents"], bbc["rejects"]
    files = {p.relative_to(bbc_dir).as_posix() for p in bbc_dir.rglob("*.txt")}
    assert len(files) == 2225
    assert set(docs.path) | set(rejects.path) == files
    assert docs.doc_id.is_unique
    # stems repeat across the five folders, so ids carry the folder
    assert {"business/001", "sport/001", "tech/001"} <= set(docs.doc_id)
    # the BBC set holds exact repeats of some stories: each is a reject naming its first copy
    assert rejects.reason.str.startswith("duplicate text of ").all()
    assert rejects.loc[rejects.path == "business/240.txt", "reason"].item() == "duplicate text of business/214"


def test_bbc_latin1_file_keeps_its_pound_sign(bbc):
    d = bbc["documents"].set_index("doc_id").loc["sport/199"]
    assert d.title == "Chelsea sack Mutu"
    assert "£15.8m" in d.body


def _copy_seeds(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for p in sorted(config.RAW_DIR.iterdir()):
        (raw / p.name).write_bytes(p.read_bytes())
    return raw


def test_builds_are_deterministic_and_incremental(tmp_path):
    raw = _copy_seeds(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    s1 = build_corpus([raw], a, analyses=False, partition_size=1)
    build_corpus([raw], b, analyses=False, partition_size=1)
    la, lb = load_corpus(out=a, rebuild="never"), load_corpus(out=b, rebuild="never")
    for t in ("documents", "sentences", "rejects"):
        assert [p.name for p in la.files(t)] == [p.name for p in lb.files(t)]
        assert [p.read_bytes() for p in la.files(t)] == [p.read_bytes() for p in lb.files(t)], t
    assert s1.reused == 0 and s1.partitions > 1
    again = build_corpus([raw], a, analyses=False, partition_size=1)
    assert again.reused == 5 and again.ran == 0
    (raw / "003_5d8a2d34b2c5a701.txt").write_text("A new headline\n\nHTS fighters entered Daraa.\n", encoding="utf-8")
    changed = build_corpus([raw], a, analyses=False, partition_size=1)
    assert 0 < changed.ran < changed.partitions and changed.reused >= 1
    c = load_corpus(out=a, rebuild="never")
    assert c.text("003_5d8a2d34b2c5a701") == "HTS fighters entered Daraa."
    # and the incremental result equals a full rebuild
    build_corpus([raw], b, analyses=False, incremental=False, partition_size=1)
    for t in ("documents", "sentences", "rejects"):
        pd.testing.assert_frame_equal(c.table(t), load_corpus(out=b, rebuild="never").table(t))


def test_load_corpus_builds_when_stale(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Headline\n\nJabhat al-Nusra fighters entered Idlib.\n", encoding="utf-8")
    c = load_corpus(raw, tmp_path / "out")
    assert len(c.documents) == 1
    (raw / "b.txt").write_text("Other\n\nThe SDF took Raqqa in October 2017.\n", encoding="utf-8")
    assert len(load_corpus(raw, tmp_path / "out").documents) == 2
    with pytest.raises(ValueError, match="`rebuild` must be one of 'auto', 'always', 'never'; got 'sometimes'"):
        load_corpus(raw, tmp_path / "out", rebuild="sometimes")


def test_incremental_build_keeps_mentions_and_comentions_equal_to_a_full_build(tmp_path):
    raw = _copy_seeds(tmp_path)
    inc, full = tmp_path / "inc", tmp_path / "full"
    build_corpus([raw], inc, partition_size=1)
    seed = (raw / "000_d686775f40cc3bfe.txt").read_text(encoding="utf-8")
    (raw / "000_d686775f40cc3bfe.txt").write_text(seed.replace("Ajnad al Sham", "Faylaq al-Rahman"), encoding="utf-8")
    s = build_corpus([raw], inc, partition_size=1)
    assert s.ran < s.partitions
    build_corpus([raw], full, incremental=False, partition_size=1)
    a, b = load_corpus(out=inc, rebuild="never"), load_corpus(out=full, rebuild="never")
    for t in ("mentions", "comentions"):
        pd.testing.assert_frame_equal(a.table(t), b.table(t))
    m = a.mentions
    first = m[m.doc_id == "000_d686775f40cc3bfe"]
    assert "faylaq_al_rahman" in set(first.group_id) and "ajnad_al_sham" not in set(first.group_id)
