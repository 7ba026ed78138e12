"""Metadata with provenance on the seeds, the register, and the order of trust between sources."""
from datetime import date

import pandas as pd
import pytest

from analysis import metadata, outlets

SEED_META = [
    # doc_id, outlet, publisher, author, published, provenance, republished
    # (the Nizkor copies state their dates in the text, in the site's attribution line: inferred)
    ("000_d686775f40cc3bfe", "Equipo Nizkor", "The Long War Journal", "Thomas Joscelyn", "2015-10-25", "inferred", "2015-11-10"),
    ("001_b56186b7e25fdbe2", "SouthFront", "SouthFront", None, None, "unknown", None),
    ("002_37241c7d1fbbb02d", "Equipo Nizkor", "The Long War Journal", "Thomas Joscelyn", "2015-06-01", "inferred", "2015-06-08"),
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


def test_seed_dates_carry_their_evidence(seed_docs):
    d = seed_docs.loc["000_d686775f40cc3bfe"]
    assert (d.date_source, d.date_evidence) == ("site", "[Source: By Thomas Joscelyn, The Long War Journal, NJ, 25Oct15]")
    assert (d.outlet_provenance, d.outlet_source) == ("inferred", "site")
    assert seed_docs.loc["003_5d8a2d34b2c5a701", "date_source"] == "register"
    assert seed_docs.date_conflict.eq("").all() and seed_docs.date_rejected.eq("").all()


RULES = dict(sites=metadata.load_sites(), outlet_rules=outlets.load_outlets(), today=date(2024, 1, 1))


def describe(text, fields=None, *, kind="txt", path="a.txt", register=None):
    return metadata.describe(text, fields or {}, kind=kind, path=path, register=register, **RULES)


def test_a_date_in_the_running_text_is_never_taken():
    meta = describe("Clashes in Idlib\n\nClashes resumed on 3 March 2016 and again on 5 March 2016, "
                    "fifteen years after the attacks of September 11, 2001.")
    assert (meta["published"], meta["published_provenance"], meta["date_evidence"]) == (None, "unknown", None)


@pytest.mark.parametrize(
    "fields, kind, path, register, text, expected",
    [
        # a column beats the dateline; the dateline 700 days away is a conflict
        ({"date": "2017-04-05"}, "row", "x.csv#row=1", None, "23 February 2015 Rebels advanced.",
         ("2017-04-05", "explicit", "column", "dateline says 2015-02-23 (23 February 2015), 772 days from the column date")),
        # a column and a dateline two days apart: no conflict
        ({"date": "2017-04-05"}, "row", "x.csv#row=1", None, "Mon 03 Apr 2017 Rebels advanced.",
         ("2017-04-05", "explicit", "column", "")),
        # the register beats the page metadata
        ({"date": "2017-04-05"}, "html", "p.html", {"published": date(2017, 4, 1)}, "Rebels advanced.",
         ("2017-04-01", "curated", "register", "html says 2017-04-05 (page metadata: 2017-04-05), 4 days from the register date")),
        # the dateline beats the URL and the file name
        ({"url": "https://www.reuters.com/world/2018/04/14/syria-strikes"}, "html", "2018-04-13_p.html", None,
         "BEIRUT, April 14, 2018 (Reuters) - Strikes hit Damascus.", ("2018-04-14", "inferred", "dateline", "")),
        ({"url": "https://www.reuters.com/world/2018/04/14/syria-strikes"}, "html", "p.html", None,
         "Strikes hit Damascus.", ("2018-04-14", "inferred", "url", "")),
        ({}, "txt", "2018/04/12/strikes.txt", None, "Strikes hit Damascus.", ("2018-04-12", "inferred", "filename", "")),
        # a tabular row takes no date from its file's name
        ({}, "row", "2018-04-12_export.csv#row=3", None, "Strikes hit Damascus.", (None, "unknown", None, "")),
    ],
)
def test_sources_in_order_of_trust(fields, kind, path, register, text, expected):
    meta = describe(text, fields, kind=kind, path=path, register=register)
    got = (meta["published"].isoformat() if meta["published"] else None, meta["published_provenance"],
           meta["date_source"], meta["date_conflict"])
    assert got == expected


@pytest.mark.parametrize("value, why", [("2031-05-01", "after the build date 2024-01-01"), ("1987-03-02", "before 1990")])
def test_impossible_dates_are_flagged_not_used(value, why):
    meta = describe("Rebels advanced.", {"date": value}, kind="row", path="x.csv#row=1")
    assert (meta["published"], meta["published_provenance"]) == (None, "unknown")
    assert meta["date_rejected"] == f"column {value} (date column: {value}): {why}"
    # the next source is used instead
    meta = describe("Damascus Monitor | 24 March 2015\nRebels advanced.", {"date": value}, kind="row", path="x.csv#row=1")
    assert (meta["published"], meta["date_source"]) == (date(2015, 3, 24), "dateline")


def test_a_date_column_that_says_nothing_is_a_warning():
    meta = describe("Rebels advanced.", {"date": "someday"}, kind="row", path="x.csv#row=1")
    assert meta["_warning"] == "date not understood: 'someday'" and meta["published"] is None


@pytest.mark.parametrize(
    "fields, kind, register, text, expected",
    [
        ({"source": "Syria Direct"}, "row", None, "BEIRUT (Reuters) - Strikes hit Damascus.",
         ("Syria Direct", "explicit", "column", "Reuters")),
        ({}, "txt", {"outlet": "Enab Baladi"}, "Strikes hit Damascus.", ("Enab Baladi", "curated", "register", "Enab Baladi")),
        ({"url": "https://english.alarabiya.net/News/2017"}, "row", None, "BEIRUT (AFP) - Strikes.",
         ("Al Arabiya", "inferred", "url", "AFP")),
        ({}, "txt", None, "Damascus Monitor | 24 March 2015\nStrikes hit Damascus.",
         ("Damascus Monitor", "inferred", "header", "Damascus Monitor")),
        ({}, "txt", None, "IDLIB, Syria, Jan. 28, 2017 (Levant Wire) - Strikes hit.",
         ("Levant Wire", "inferred", "wire", "Levant Wire")),
        ({}, "txt", None, "Strikes hit Damascus, the monitor said.\n\nMore strikes followed. - AFP",
         ("AFP", "inferred", "wire", "AFP")),
        ({"url": "https://news.example-levant.org/a/1"}, "row", None, "Strikes.",
         ("example-levant.org", "inferred", "url", "example-levant.org")),
        ({}, "txt", None, "The state news agency (SANA) said strikes hit Damascus.", (None, "unknown", None, None)),
    ],
)
def test_outlets_and_publishers(fields, kind, register, text, expected):
    meta = describe(text, fields, kind=kind, path="x", register=register)
    assert (meta["outlet"], meta["outlet_provenance"], meta["outlet_source"], meta["publisher"]) == expected


@pytest.mark.parametrize("value, expected", [("4/5/2017", date(2017, 4, 5)), ("2017-04-05T10:00:00Z", date(2017, 4, 5)),
                                             ("25Oct15", date(2015, 10, 25)), ("April 5, 2017", date(2017, 4, 5)),
                                             ("Oct 25 2015", date(2015, 10, 25)),
                                             ("Sat, 14 Apr 2018 10:32:00 +0000", date(2018, 4, 14)),
                                             ("Sun, 25 Oct 2015", date(2015, 10, 25)),
                                             ("April 2018", None), ("not a date", None), ("", None)])
def test_parse_date(value, expected):
    assert metadata.parse_date(value) == expected
