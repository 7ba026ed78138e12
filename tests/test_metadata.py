"""Metadata with provenance on the seeds, and the register."""
from datetime import date

import pandas as pd
import pytest

from analysis import metadata

SEED_META = [
    # doc_id, outlet, publisher, author, published, provenance, republished
    ("000_d686775f40cc3bfe", "Equipo Nizkor", "The Long War Journal", "Thomas Joscelyn", "2015-10-25", "explicit", "2015-11-10"),
    ("001_b56186b7e25fdbe2", "SouthFront", "SouthFront", None, None, "unknown", None),
    ("002_37241c7d1fbbb02d", "Equipo Nizkor", "The Long War Journal", "Thomas Joscelyn", "2015-06-01", "explicit", "2015-06-08"),
    ("003_5d8a2d34b2c5a701", None, None, None, "2018-06-25", "curated", None),
    ("004_2a92430512ca9889", None, None, None, None, "unknown", None),
]


@pytest.fixture(scope="module")
def seed_docs(tmp_path_factory):
    from analysis.build import build_corpus
    from analysis import config

    out = tmp_path_factory.mktemp("seeds")
    build_corpus([config.RAW_DIR], out, analyses=False)
    return pd.read_parquet(out / "documents.parquet").set_index("doc_id")


@pytest.mark.parametrize("doc_id, outlet, publisher, author, published, provenance, republished", SEED_META)
def test_seed_metadata(seed_docs, doc_id, outlet, publisher, author, published, provenance, republished):
    d = seed_docs.loc[doc_id]
    assert (d.outlet if pd.notna(d.outlet) else None) == outlet
    assert (d.publisher if pd.notna(d.publisher) else None) == publisher
    assert (d.author if pd.notna(d.author) else None) == author
    assert d.published_provenance == provenance
    assert (d.published.date().isoformat() if pd.notna(d.published) else None) == published
    assert (d.republished.date().isoformat() if pd.notna(d.republished) else None) == republished


def test_banner_month_is_not_a_date(seed_docs):
    # SouthFront's donation banner says "JUNE 2023": not the article's date, and never today's date.
    assert pd.isna(seed_docs.loc["001_b56186b7e25fdbe2", "published"])


def test_curated_fields_are_marked(seed_docs):
    assert seed_docs.loc["003_5d8a2d34b2c5a701", "curated_fields"] == "published"
    assert seed_docs.loc["000_d686775f40cc3bfe", "curated_fields"] == ""


@pytest.mark.parametrize(
    "text_in, expected",
    [
        ("The attack on 23 June 2018 was followed by another on June 25, 2018.", date(2018, 6, 25)),
        ("On June 24, via its Ebaa News Agency, HTS issued a statement.", None),  # no year: nothing inferred
        ("JUNE 2023", None),
        ("Meeting held 2017-04-05 and Wed 05 Apr 2017.", date(2017, 4, 5)),
    ],
)
def test_latest_mentioned_date(text_in, expected):
    assert metadata.latest_mentioned_date(text_in) == expected


def test_inferred_date_when_the_text_has_no_dateline():
    meta = metadata.resolve(text_meta={}, field_meta={}, register=None,
                            body="Clashes resumed on 3 March 2016 and again on 5 March 2016.")
    assert (meta["published"], meta["published_provenance"]) == (date(2016, 3, 5), "inferred")


@pytest.mark.parametrize("value, expected", [("4/5/2017", date(2017, 4, 5)), ("2017-04-05T10:00:00Z", date(2017, 4, 5)),
                                             ("25Oct15", date(2015, 10, 25)), ("April 5, 2017", date(2017, 4, 5)),
                                             ("Oct 25 2015", date(2015, 10, 25)),
                                             ("Sun, 25 Oct 2015 14:03:00 +0000", date(2015, 10, 25)),
                                             ("Sun, 25 Oct 2015", date(2015, 10, 25)),
                                             ("Tue, 31 Feb 2015 10:00:00 +0000", None),
                                             ("not a date", None), ("", None)])
def test_parse_date(value, expected):
    assert metadata.parse_date(value) == expected
