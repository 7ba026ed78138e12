"""analysis.comention: sentence polarity on real sentences, the comentions table, statistics, time series."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import fisher_exact

from analysis import comention, groups, relations, text, timeline
from analysis.association import pair_statistics
from analysis.comention import comentions
from analysis.relations import load_cues, sentence_polarities


@pytest.fixture(scope="module")
def gaz():
    return groups.load_gazetteer()


@pytest.fixture(scope="module")
def cues():
    return load_cues()


def polarities(gaz, cues, s: str, previous: str | None = None) -> dict[tuple[str, str], str]:
    spans = [(a, b, gaz._gids[g]) for a, b, _, g in gaz.scan(s)]
    prev = None
    if previous is not None:
        found = gaz.scan(previous)
        prev = (previous, found[0][0] if found else len(previous))
    return sentence_polarities(s, spans, cues=cues, previous=prev)


def sentences_of(docs: dict[tuple[str, str], str]) -> pd.DataFrame:
    rows = [(d, sec, p, n, a, b, t[a:b]) for (d, sec), t in docs.items() for p, n, a, b in text.iter_sentences(t)]
    return pd.DataFrame(rows, columns=groups.SENTENCE_COLUMNS)


SEED_002 = ("Unconfirmed reports on social media suggest that the Al Nusrah Front, Ahrar al Sham and other members of "
            "Jaysh al Fateh were planning to open new fronts against the Assad regime in the coming days and weeks.")
SEED_000_P1 = ("Three jihadist groups in Syria have formed a joint operations room in the Damascus countryside to combat "
               "the Syrian regime and Russian forces. The three organizations are Al Nusrah Front, Ahrar al Sham and "
               "Ajnad al Sham.")


# ------------------------------------------------------------------------------------------- sentence polarity
def test_conjoined_subjects_cooperate_against_a_third_party(gaz, cues):
    assert polarities(gaz, cues, SEED_002) == {
        ("ahrar_al_sham", "nusra"): "coop", ("jaysh_al_fateh", "nusra"): "coop", ("ahrar_al_sham", "jaysh_al_fateh"): "coop",
        ("nusra", "syrian_state"): "conflict", ("ahrar_al_sham", "syrian_state"): "conflict",
        ("jaysh_al_fateh", "syrian_state"): "conflict"}


@pytest.mark.parametrize(
    "sentence, pair, polarity",
    [
        ("Earlier this year, Jaysh al Islam battled the Islamic State's fighters in Ghouta, just outside of Damascus.",
         ("islamic_state", "jaysh_al_islam"), "conflict"),
        ("For months, Jaysh al Islam's Twitter feed has advertised its repeated clashes with the Islamic State.",
         ("islamic_state", "jaysh_al_islam"), "conflict"),
        ("Al Nusrah Front, Ahrar al Sham, Ajnad al Sham form anti-Russian alliance in Damascus countryside",
         ("ahrar_al_sham", "ajnad_al_sham"), "coop"),
        ("Jaysh al Islam has cooperated with Al Nusrah and Ahrar al Sham, but has also had disagreements with them.",
         ("jaysh_al_islam", "nusra"), "mixed"),
        ("Jaysh al Islam has cooperated with Al Nusrah and Ahrar al Sham, but has also had disagreements with them.",
         ("ahrar_al_sham", "nusra"), "coop"),
        ("Jaysh al Islam is widely suspected of being backed by Saudi Arabia.", ("jaysh_al_islam", "saudi_arabia"), "coop"),
        ("This in essence unites both factions against ISIS, who have strongly condemned JMA, and have tried to "
         "undermine that faction through video messages from fighters who claim to have left JMA.",
         ("islamic_state", "jma"), "conflict"),
        ("The faction is also fighting alongside both the Islamic Front and Ahrar a-Sham, the two groups that ISIS "
         "continues to criticize.", ("ahrar_al_sham", "islamic_front"), "coop"),
        ("The faction is also fighting alongside both the Islamic Front and Ahrar a-Sham, the two groups that ISIS "
         "continues to criticize.", ("islamic_front", "islamic_state"), "conflict"),
        ("Jihadist groups in Syria are attempting to rally insurgents against an offensive launched by the Assad "
         "regime, Russia and their allies in the southwest part of the country.", ("russia", "syrian_state"), "coop"),
        ("Now, more than year a later, HTS and other rebel groups are calling for joint efforts against the regime in "
         "Daraa once again.", ("hts", "syrian_state"), "conflict"),
        ("“Despite all the attempts of military escalation against us by the alliance of Faylaq al-Rahman and the "
         "Al-Nusra Front, we haven’t been dragged into confrontation with those we see as brothers in religion, arms "
         "and revolution like Faylaq al-Rahman”.", ("faylaq_al_rahman", "nusra"), "coop"),
        # FA-KES
        ("Heavy clashes then erupted between the Daesh fighters and members of the US-backed Syrian Democratic Forces "
         "(SDF) an alliance of Kurdish and Arab fighters some of whose combatants were among the dead Abdel Rahman said.",
         ("islamic_state", "sdf"), "conflict"),
        ("Heavy clashes then erupted between the Daesh fighters and members of the US-backed Syrian Democratic Forces "
         "(SDF) an alliance of Kurdish and Arab fighters some of whose combatants were among the dead Abdel Rahman said.",
         ("sdf", "united_states"), "coop"),
        ("At least 50 jihadists from the Islamic State and Al-Nusra Front were killed overnight by Syrian troops backed "
         "by Lebanese Hezbollah fighters near the Lebanese border a monitor said Saturday.", ("islamic_state", "nusra"),
         "neutral"),
        ("At least 50 jihadists from the Islamic State and Al-Nusra Front were killed overnight by Syrian troops backed "
         "by Lebanese Hezbollah fighters near the Lebanese border a monitor said Saturday.", ("nusra", "syrian_state"),
         "conflict"),
        ("At least 50 jihadists from the Islamic State and Al-Nusra Front were killed overnight by Syrian troops backed "
         "by Lebanese Hezbollah fighters near the Lebanese border a monitor said Saturday.", ("hezbollah", "syrian_state"),
         "coop"),
        ("The Observatory said running water was restored Tuesday in Aleppo after an understanding between the regime "
         "and Al-Qaedas affiliate in Syria Al-Nusra Front.", ("al_qaeda", "syrian_state"), "neutral"),
    ],
)
def test_sentence_polarity_on_real_sentences(gaz, cues, sentence, pair, polarity):
    assert polarities(gaz, cues, sentence).get(pair, "neutral") == polarity


def test_enumeration_takes_the_previous_sentences_relation(gaz, cues):
    first, second = SEED_000_P1.split(". ", 1)
    assert polarities(gaz, cues, second) == {("ahrar_al_sham", "ajnad_al_sham"): "neutral", ("ahrar_al_sham", "nusra"): "neutral",
                                             ("ajnad_al_sham", "nusra"): "neutral"}
    assert set(polarities(gaz, cues, second, previous=first + ".").values()) == {"coop"}


def test_reciprocal_and_passive_subjects():
    # minimal strings: the reciprocal/passive rules in isolation
    gaz = groups.load_gazetteer()
    cues = load_cues()
    assert polarities(gaz, cues, "Nusra and Ahrar al-Sham clashed in Idlib.") == {("ahrar_al_sham", "nusra"): "conflict"}
    assert polarities(gaz, cues, "Nusra and Ahrar al-Sham clashed with regime forces.")[("ahrar_al_sham", "nusra")] == "coop"
    assert polarities(gaz, cues, "Nusra and Ahrar al-Sham were targeted in Idlib.") == {("ahrar_al_sham", "nusra"): "neutral"}


def test_cues_longest_wins_and_group_names_are_not_cues(cues):
    s = "The faction is also fighting alongside both"
    assert [(s[a:b], lab) for a, b, lab in cues.find(s)] == [("fighting alongside", "coop")]
    s = "the United Nations said the fighters clashed"
    assert [(s[a:b], lab) for a, b, lab in cues.find(s)] == [("clashed", "conflict")]


# ------------------------------------------------------------------------------------------- the table
@pytest.fixture(scope="module")
def seeds(gaz, seeds_raw):
    docs = {}
    for p in sorted(seeds_raw.glob("*.txt")):
        raw = p.read_text(encoding="utf-8")
        body, _, comments = raw.partition("Notify of")  # seed 001: reader comments after the SouthFront widget
        docs[(p.stem, "body")] = body
        if comments:
            docs[(p.stem, "comments")] = comments
    sents = sentences_of(docs)
    mentions = groups.find_mentions(sents, gazetteer=gaz)
    return sents, mentions


def test_comentions_table_on_seeds(gaz, seeds):
    sents, mentions = seeds
    c = comentions(mentions, sents, gazetteer=gaz)
    assert list(c.columns) == comention.COMENTION_COLUMNS
    assert set(c["level"]) == {"sentence", "paragraph", "document"}
    assert (c["group_a"] < c["group_b"]).all()
    assert set(c["polarity"]) <= set(relations.POLARITIES)
    d2 = c[(c["doc_id"] == "002_37241c7d1fbbb02d") & (c["level"] == "sentence")].set_index(["group_a", "group_b"])
    text = sents.set_index(["doc_id", "section", "sentence"])["text"]
    # "Earlier this year, Jaysh al Islam battled the Islamic State's fighters in Ghouta" and "its repeated clashes
    # with the Islamic State": conflict, sentence by sentence
    pair = d2.loc[("islamic_state", "jaysh_al_islam")]
    said = {text[("002_37241c7d1fbbb02d", "body", int(k))]: pol for k, pol in zip(pair["sentence"], pair["polarity"])}
    battled = next(t for t in said if "battled" in t)
    clashes = next(t for t in said if "repeated clashes" in t)
    assert said[battled] == "conflict" and said[clashes] in ("conflict", "unclear")
    # the document row sums its sentence rows
    doc = c[(c["doc_id"] == "002_37241c7d1fbbb02d") & (c["level"] == "document")].set_index(["group_a", "group_b"])
    row = doc.loc[("islamic_state", "jaysh_al_islam")]
    assert row["n_joint"] == len(pair) == 3 and row["n_conflict"] == (pair["polarity"] == "conflict").sum() >= 1
    assert row["n_unclear"] == (pair["polarity"] == "unclear").sum()
    assert row["polarity"] == "conflict"
    # pairs named in one document but never in one sentence: no relation stated
    apart = doc[doc["n_joint"] == 0]
    assert len(apart) and (apart["polarity"] == "neutral").all() and (apart["n_coop"] + apart["n_conflict"] == 0).all()
    # evidence: the sentences behind a row, as "section:sentence"
    ev = row["evidence"].split(";")
    assert len(ev) == row["n_sentences"] and all(e.startswith("body:") for e in ev)
    evs = comention.evidence_sentences(doc.reset_index().iloc[[0]], sents)
    assert evs["text"].notna().all() and len(evs) == doc.reset_index().iloc[0]["n_sentences"]


def test_comments_are_kept_apart_from_body(gaz, seeds):
    sents, mentions = seeds
    c = comentions(mentions, sents, gazetteer=gaz)
    d1 = c[c["doc_id"] == "001_b56186b7e25fdbe2"]
    com = d1[d1["section"] == "comments"]
    assert not com.empty and set(d1["section"]) == {"body", "comments"}
    assert all(e.startswith("comments:") for ev in com["evidence"] for e in ev.split(";"))
    # FSA and Nusra are only named together in the comments
    assert ("fsa", "nusra") in set(zip(com["group_a"], com["group_b"]))
    body = d1[d1["section"] == "body"]
    assert ("fsa", "nusra") not in set(zip(body["group_a"], body["group_b"]))


def test_collapse_lineage_drops_self_pairs(gaz, seeds):
    sents, mentions = seeds
    plain = comentions(mentions, sents, gazetteer=gaz)
    collapsed = comentions(mentions, sents, gazetteer=gaz, collapse_lineage=True)
    assert ("hts", "nusra") in set(zip(plain["group_a"], plain["group_b"]))
    assert not ({"hts", "jfs"} & (set(collapsed["group_a"]) | set(collapsed["group_b"])))
    assert (collapsed["group_a"] != collapsed["group_b"]).all()


def test_comentions_survive_parquet(gaz, seeds, tmp_path):
    sents, mentions = seeds
    c = comentions(mentions, sents, gazetteer=gaz)
    c.to_parquet(tmp_path / "c.parquet", index=False)
    back = pd.read_parquet(tmp_path / "c.parquet")
    assert back["evidence"].tolist() == c["evidence"].tolist()
    assert back["paragraph"].isna().sum() == (c["level"] == "document").sum()


def test_empty_inputs(gaz):
    sents = sentences_of({("d", "body"): "Nothing here."})
    out = comentions(groups.find_mentions(sents, gazetteer=gaz), sents, gazetteer=gaz)
    assert out.empty and list(out.columns) == comention.COMENTION_COLUMNS


def test_broken_cue_file(tmp_path):
    p = tmp_path / "cues.yaml"
    p.write_text("coop: [alliance]\nconflict: clash\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'conflict' must be a list of non-empty strings; got 'clash'"):
        load_cues(p)
    p.write_text("coop: [alliance]\nconflict: [clash*]\nmodifiers: {backed: friendly}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'modifiers' must map a suffix to one of"):
        load_cues(p)


# ------------------------------------------------------------------------------------------- statistics
def test_pair_statistics_numbers():
    # 4 documents: A+B, A+B, A, C ; B+C never together
    rows = [("d1", "A"), ("d1", "B"), ("d2", "A"), ("d2", "B"), ("d3", "A"), ("d4", "C"), ("d4", "A")]
    mentions = pd.DataFrame({"doc_id": [d for d, _ in rows], "section": "body", "paragraph": 0, "sentence": 0,
                             "start": 0, "end": 1, "group_id": [g for _, g in rows]})
    com = pd.DataFrame({"doc_id": ["d1", "d2", "d4"], "level": "document", "group_a": ["A", "A", "A"],
                        "group_b": ["B", "B", "C"], "polarity": ["coop", "conflict", "neutral"]})
    st = pair_statistics(com, mentions).set_index(["group_a", "group_b"])
    ab = st.loc[("A", "B")]
    assert (ab["n_units"], ab["n_a"], ab["n_b"], ab["n_ab"]) == (4, 4, 2, 2)
    assert ab["pmi"] == pytest.approx(math.log2(2 * 4 / (4 * 2)))
    assert ab["jaccard"] == pytest.approx(2 / 4)
    assert (ab["n_coop"], ab["n_conflict"], ab["n_neutral"]) == (1, 1, 0)
    # one-sided Fisher on the 2x2 table equals the hypergeometric tail
    ac = st.loc[("A", "C")]
    table = [[1, 3], [0, 0]]
    assert ac["p_value"] == pytest.approx(fisher_exact(table, alternative="greater")[1])
    # q-values: BH over all 3 possible pairs
    assert np.all(st["q_value"] >= st["p_value"])
    with pytest.raises(ValueError, match="`level` must be one of 'sentence', 'paragraph', 'document'; got 'doc'"):
        pair_statistics(com, mentions, level="doc")


def test_pair_statistics_on_seeds(gaz, seeds):
    sents, mentions = seeds
    c = comentions(mentions, sents, gazetteer=gaz)
    st = pair_statistics(c, mentions, level="sentence")
    assert {"pmi", "npmi", "jaccard", "p_value", "q_value"} <= set(st.columns)
    assert st["npmi"].between(-1, 1).all() and st["q_value"].between(0, 1).all()
    top = st.iloc[0]
    assert top["n_ab"] >= 2 and top["pmi"] > 0


# ------------------------------------------------------------------------------------------- time series
def test_over_time_keeps_undated_apart(gaz, seeds):
    sents, mentions = seeds
    c = comentions(mentions, sents, gazetteer=gaz)
    docs = pd.DataFrame({
        "doc_id": ["000_d686775f40cc3bfe", "001_b56186b7e25fdbe2", "002_37241c7d1fbbb02d", "003_5d8a2d34b2c5a701",
                   "004_2a92430512ca9889"],
        "published": pd.to_datetime(["2015-10-25", None, "2015-06-01", "2018-06-25", None]),
        "published_provenance": ["explicit", "unknown", "explicit", "curated", "unknown"]})
    ts = timeline.comentions_over_time(c, docs, freq="Q")
    assert set(ts.undated["doc_id"]) == {"001_b56186b7e25fdbe2", "004_2a92430512ca9889"}
    assert set(ts.dated["period"].dt.year) == {2015, 2018}
    row = ts.dated[(ts.dated["group_a"] == "ahrar_al_sham") & (ts.dated["group_b"] == "nusra")]
    assert row["period"].dt.strftime("%Y-%m").tolist() == ["2015-04", "2015-10"]
    assert row["n_explicit"].tolist() == [1, 1]
    mt = timeline.mentions_over_time(mentions, docs, freq="M", gazetteer=gaz, collapse_lineage=True)
    hts_2018 = mt.dated[(mt.dated["group_id"] == "nusra") & (mt.dated["period"] == "2018-06-01")]
    assert hts_2018["n_mentions"].item() == (mentions["doc_id"].eq("003_5d8a2d34b2c5a701")
                                              & mentions["group_id"].isin(["hts", "nusra"])).sum()
    assert hts_2018["n_curated"].item() == 1
    with pytest.raises(ValueError, match="`freq` must be one of 'D', 'W', 'M', 'Q', 'Y'; got 'H'"):
        timeline.comentions_over_time(c, docs, freq="H")
    # every quarter from 2015Q2 to 2018Q2 is listed; the quarters without a document are gaps (0), not dropped
    per = ts.documents.set_index("period")["n_documents"]
    assert len(per) == 13 and per.sum() == 3 and (per == 0).sum() == 10


@pytest.mark.parametrize("dates, freq", [
    (["2018-04-09", "2018-04-14"], "D"),                 # one week of news: days
    (["2018-04-01", "2018-06-30"], "W"),                 # a quarter: weeks (13)
    (["2016-01-15", "2017-06-01"], "M"),                 # 18 months
    (["2011-03-01", "2018-12-01"], "Q"),                 # FA-KES's span: 32 quarters
    (["1991-01-01", "2018-12-01"], "Y"),                 # 28 years
    ([None, None], "M"),                                 # nothing dated: the default
])
def test_choose_freq_fits_the_span(dates, freq):
    docs = pd.DataFrame({"published": pd.to_datetime(dates), "published_provenance": ["explicit"] * len(dates)})
    assert timeline.choose_freq(docs) == freq


def test_choose_freq_ignores_unknown_provenance():
    docs = pd.DataFrame({"published": pd.to_datetime(["2001-09-11", "2018-04-10", "2018-04-12"]),
                         "published_provenance": ["unknown", "explicit", "explicit"]})
    assert timeline.choose_freq(docs) == "D"


def test_rank_pairs_puts_relations_before_alphabet():
    dated = pd.DataFrame({"group_a": ["a", "a", "b", "c"], "group_b": ["b", "c", "c", "d"],
                          "n_units": [3, 3, 5, 1], "n_documents": [3, 3, 2, 1],
                          "n_coop": [0, 2, 0, 0], "n_conflict": [0, 0, 1, 1], "n_mixed": [0, 0, 0, 0]})
    ranked = timeline.rank_pairs(dated)
    assert list(zip(ranked["group_a"], ranked["group_b"])) == [("a", "c"), ("b", "c"), ("c", "d"), ("a", "b")]
    assert ranked["rank"].tolist() == [1, 2, 3, 4]


def test_network_periods_names_the_omitted():
    dated = pd.DataFrame({"period": pd.to_datetime(["2014-01-01", "2015-01-01", "2016-01-01", "2017-01-01"]),
                          "n_units": [10, 2, 5, 1], "n_coop": [0, 2, 1, 0], "n_conflict": [1, 0, 3, 0],
                          "n_mixed": [0, 0, 0, 0]})
    shown, omitted = timeline.network_periods(dated, max_periods=2)
    assert [p.year for p in shown] == [2015, 2016] and [p.year for p in omitted] == [2014, 2017]
