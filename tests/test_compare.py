"""analysis.compare and analysis.neardup: known answers on hand-made and real corpora."""
from __future__ import annotations

import math
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from scipy.stats import norm

from analysis import compare, load_corpus
from analysis.plots import compare as plots
from analysis.text import tokenize


# --------------------------------------------------------------------------- corpora

def fakes_rows(csv) -> pd.DataFrame:
    """Every FA-KES row as a document, repeated texts included (the build drops those)."""
    df = pd.read_csv(csv)
    return pd.DataFrame({"doc_id": [f"{u}#{k}" for k, u in enumerate(df["unit_id"])],
                         "outlet": df["source"], "publisher": df["source"], "body": df["article_content"],
                         "published": pd.to_datetime(df["date"], format="%m/%d/%Y", errors="coerce")})


@pytest.fixture(scope="session")
def fakes(fakes_csv, tmp_path_factory):
    return load_corpus(raw=[fakes_csv], out=tmp_path_factory.mktemp("fakes")).documents


@pytest.fixture(scope="session")
def seeds(seeds_raw, tmp_path_factory):
    return load_corpus(raw=[seeds_raw], out=tmp_path_factory.mktemp("seeds")).documents


def docs(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["doc_id", "publisher", "body"]).assign(comments="")


# --------------------------------------------------------------------------- distinctive terms

def test_log_odds_known_answer():
    # A: terrorists attacked the city terrorists fled        (6 tokens)
    # B: rebels attacked the city the regime shelled rebels  (8 tokens); N = 14.
    # prior=1: a_w = corpus count of w, a_0 = 14.
    d = docs(("a1", "A", "Terrorists attacked the city."), ("a2", "A", "Terrorists fled."),
             ("b1", "B", "Rebels attacked the city. The regime shelled rebels."))
    got = compare.distinctive_terms(d, prior=1.0, min_count=1, top=None).set_index(["source", "term"])
    # terrorists for A: y_A=2, y_B=0, a=2
    lo = math.log((2 + 2) / (6 + 14 - 2 - 2)) - math.log((0 + 2) / (8 + 14 - 0 - 2))
    assert got.loc[("A", "terrorists"), "log_odds"] == pytest.approx(lo)
    assert got.loc[("A", "terrorists"), "z"] == pytest.approx(lo / math.sqrt(1 / 4 + 1 / 2))
    assert got.loc[("A", "terrorists"), "z"] == pytest.approx(1.05804, abs=1e-5)  # ln(2.5) / sqrt(0.75)
    assert tuple(got.loc[("A", "terrorists"), ["count_source", "count_rest"]]) == (2, 0)
    # fled for A: y_A=1, y_B=0, a=1
    assert got.loc[("A", "fled"), "z"] == pytest.approx(
        (math.log(2 / 18) - math.log(1 / 21)) / math.sqrt(1 / 2 + 1 / 1))
    # the for B: y_B=2, y_A=1, a=3
    assert got.loc[("B", "the"), "z"] == pytest.approx(
        (math.log(5 / 17) - math.log(4 / 16)) / math.sqrt(1 / 5 + 1 / 4))
    # rebels for B: y_B=2, y_A=0, a=2
    assert got.loc[("B", "rebels"), "z"] == pytest.approx(math.log(2) / math.sqrt(3 / 4))
    # attacked for A: y_A=1, y_B=1, a=2 (1 in 6 words against 1 in 8)
    assert got.loc[("A", "attacked"), "z"] == pytest.approx(
        (math.log(3 / 17) - math.log(3 / 19)) / math.sqrt(1 / 3 + 1 / 3))
    # only over-used terms are listed: "the" is 1 in 6 words for A against 2 in 8 for B
    assert ("A", "the") not in got.index and ("B", "attacked") not in got.index
    assert not got["significant"].any()  # 14 tokens prove nothing


def test_three_sources_each_against_the_rest():
    d = docs(("1", "A", "alpha alpha alpha common"), ("2", "B", "beta beta beta common"),
             ("3", "C", "gamma gamma gamma common"))
    got = compare.distinctive_terms(d, prior=1.0, min_count=1, top=1)
    assert dict(zip(got["source"], got["term"])) == {"A": "alpha", "B": "beta", "C": "gamma"}
    # symmetric design: each source's own word gets the same z
    assert got["z"].nunique() == 1


def test_fakes_state_media_versus_opposition_terms(fakes):
    got = compare.distinctive_terms(fakes, top=None)
    for src in ("sana", "manar"):
        top = got[got["source"] == src].head(20)
        assert {"terrorist", "terrorists"} & set(top["term"]), src
        assert top["significant"].all()
    alalam = got[got["source"] == "alalam"].set_index("term")
    assert alalam.loc["terrorists", "significant"] and alalam.loc["takfiri", "significant"]
    etilaf = got[got["source"] == "etilaf"].set_index("term")
    assert etilaf.loc["regime", "significant"] and etilaf.loc["regime", "z"] > 5
    # the state outlets never over-use "regime"; the opposition coalition never over-uses "terrorists"
    for src in ("sana", "manar", "alalam"):
        assert "regime" not in set(got.loc[got["source"] == src, "term"])
    assert "terrorists" not in set(got.loc[got["source"] == "etilaf", "term"])
    summary = compare.distinctive_summary(got).set_index("source")
    assert summary.loc["sana", "n_significant"] > 50 and summary.loc["tass", "n_significant"] == 0
    assert summary.loc["sana", "documents"] == 51


def test_fakes_corrections(fakes):
    bonf = compare.distinctive_terms(fakes, top=None, correction="bonferroni")
    bh = compare.distinctive_terms(fakes, top=None, correction="bh")
    m = bonf.attrs["n_terms"]
    assert (bonf["significant"] == (bonf["z"] >= norm.isf(0.05 / m))).all()
    nb, nh = compare.distinctive_summary(bonf), compare.distinctive_summary(bh)
    assert (nh["n_significant"] >= nb["n_significant"]).all() and nh["n_significant"].sum() > nb["n_significant"].sum()
    # the summary counts the whole vocabulary, not only the rows kept by `top`
    top5 = compare.distinctive_terms(fakes, top=5)
    assert compare.distinctive_summary(top5)["n_significant"].tolist() == nh["n_significant"].tolist()
    assert top5.groupby("source").size().max() == 5


def test_min_count_and_stop_words():
    d = docs(("1", "A", "the rare the the"), ("2", "B", "the other the"))
    got = compare.distinctive_terms(d, prior=1.0, min_count=2, top=None)
    assert list(zip(got["source"], got["term"])) == [("A", "the")]
    # totals keep the dropped words: n_A=4, n_B=3, N=7; the: y_A=3, y_B=2, a=5, a_0=7
    assert got["z"].iloc[0] == pytest.approx((math.log(8 / 3) - math.log(7 / 3)) / math.sqrt(1 / 8 + 1 / 7))
    assert compare.distinctive_terms(d, prior=1.0, min_count=1, top=None, stop_words=["THE"])["term"].isin(
        ["rare", "other"]).all()


def test_group_names_count_as_one_term(seeds):
    groups = pytest.importorskip("analysis.groups", reason="analysis.groups (group gazetteer) not yet in the project")
    gaz = groups.load_gazetteer()
    got = compare.distinctive_terms(seeds, min_count=1, top=None, gazetteer=gaz).set_index(["source", "term"])
    terms = set(got.index.get_level_values("term"))
    assert "nusrah" not in terms and not any(t.startswith("grp_") and t.endswith("'s") for t in terms)
    # Long War Journal: "Islamic State" 16 times, 7 of them "Islamic State's": all one term
    lwj = seeds[seeds["publisher"] == "The Long War Journal"]
    n = sum(len(re.findall(r"\bIslamic State\b", b)) for b in lwj["body"])
    assert got.loc[("The Long War Journal", "grp_islamic_state"), "count_source"] == n
    # SouthFront writes Jaysh al-Islam / Jaish al-Islam: one group
    sf = seeds.loc[seeds["publisher"] == "SouthFront", "body"].iloc[0]
    assert got.loc[("SouthFront", "grp_jaysh_al_islam"), "count_source"] == len(re.findall(r"Ja[iy]sh al-Islam", sf))


# --------------------------------------------------------------------------- framing

@pytest.mark.parametrize(
    "text_in, expected",
    [
        ("Pro-regime militias and the regime's forces; a regimented life.", {"regime": 2}),
        ("Terrorists, terrorism and a terrorist's car.", {"terrorist": 2, "terror": 1}),
        ("Armed groups, disarmed groups and armed factions.", {"armed groups": 2}),
        ("The moderate rebels in rebel-held Idlib.", {"moderate": 1, "rebel": 2}),
        ("Anti-government forces left government-held areas; governmental bodies.", {"government": 2}),
        ("Takfiri gangs and takfiris, jihadists and Jihadi John.", {"takfiri": 2, "jihadist": 2}),
    ],
)
def test_framing_matching_rule(text_in, expected):
    got = compare.framing(docs(("1", "A", text_in)), n_boot=0)
    counts = {f: c for f, c in zip(got["frame"], got["count"]) if c}
    assert counts == expected
    assert (got["words"] == len(tokenize(text_in))).all()


def test_framing_custom_lexicon_and_rates():
    d = docs(("1", "A", "rebels " * 3 + "word " * 97), ("2", "B", "militants " + "word " * 49))
    got = compare.framing(d, lexicon={"fighters": ["rebel*", "militants"]}, n_boot=0).set_index("source")
    assert got.loc["A", "per_1000"] == pytest.approx(30.0) and got.loc["B", "per_1000"] == pytest.approx(20.0)
    assert got["low"].isna().all()  # one document per source: no interval


def test_fakes_framing_state_media_versus_opposition(fakes):
    got = compare.framing(fakes, n_boot=500).set_index(["source", "frame"])
    etilaf_terr, etilaf_reg = got.loc[("etilaf", "terrorist")], got.loc[("etilaf", "regime")]
    for src in ("sana", "manar", "alalam"):
        terr, reg = got.loc[(src, "terrorist")], got.loc[(src, "regime")]
        assert terr["per_1000"] > 10 * etilaf_terr["per_1000"]
        assert terr["low"] > etilaf_terr["high"], src  # intervals do not overlap
        assert etilaf_reg["low"] > reg["high"], src
        assert terr["low"] <= terr["per_1000"] <= terr["high"]
    # 11,270 body words: the datelines glued to the top of SANA's texts are boilerplate (issue 9)
    assert got.loc[("sana", "terrorist"), "per_1000"] == pytest.approx(1000 * 335 / 11270)
    assert got.loc[("sana", "opposition"), "count"] == 0


def test_framing_is_reproducible_and_seeded(fakes):
    sub = fakes[fakes["publisher"].isin(["sana", "etilaf"])]
    a, b = compare.framing(sub, n_boot=200), compare.framing(sub, n_boot=200)
    pd.testing.assert_frame_equal(a, b)
    c = compare.framing(sub, n_boot=200, random_state=1)
    assert not np.allclose(a["low"].fillna(0), c["low"].fillna(0))


def test_body_versus_comments(seeds):
    body = compare.framing(seeds, n_boot=0).set_index(["source", "frame"])
    com = compare.framing(seeds, section="comments", n_boot=0).set_index(["source", "frame"])
    # Long War Journal copies have no comments: no rows; SouthFront readers write "terror" twice
    assert "The Long War Journal" not in com.index.get_level_values(0)
    sf = seeds[seeds["publisher"] == "SouthFront"].iloc[0]
    assert com.loc[("SouthFront", "terror"), "words"] == sf["n_comment_words"]
    assert com.loc[("SouthFront", "terror"), "count"] == len(re.findall(r"\bterror(?:ism)?\b", sf["comments"].lower()))
    assert body.loc[("SouthFront", "terror"), "words"] == sf["n_words"]
    assert body.loc[("SouthFront", "terror"), "count"] == 0
    terms = compare.distinctive_terms(seeds, section="comments", min_count=2, top=None)
    assert set(terms["source"]) <= {"SouthFront", "(unknown)"}


# --------------------------------------------------------------------------- coverage

def test_coverage_known_answer():
    d = pd.DataFrame({"doc_id": ["d1", "d2", "d3"], "publisher": ["A", "A", "B"], "body": ["x", "y", "z"],
                      "comments": "", "n_words": [100, 300, 200], "n_comment_words": [0, 0, 50]})
    m = pd.DataFrame({"doc_id": ["d1", "d1", "d2", "d2", "d2", "d2", "d3", "d3", "gone"],
                      "section": ["body"] * 7 + ["comments", "body"],
                      "group_id": ["hts", "hts", "hts", "isis", "isis", "isis", "isis", "hts", "hts"],
                      "group_name": ["HTS", "HTS", "HTS", "ISIS", "ISIS", "ISIS", "ISIS", "HTS", "HTS"]})
    got = compare.coverage(d, m, n_boot=1000).set_index(["source", "group_id"])
    assert got.loc[("A", "hts"), "per_1000"] == pytest.approx(7.5)  # 3 / 400 words
    assert got.loc[("A", "isis"), "per_1000"] == pytest.approx(7.5)
    assert got.loc[("B", "isis"), "per_1000"] == pytest.approx(5.0)  # 1 / 200; the comment mention is apart
    assert got.loc[("B", "hts"), "mentions"] == 0 and got.loc[("B", "hts"), "group_name"] == "HTS"
    # two documents: resamples {d1,d1} = 20, {d1,d2} = 7.5, {d2,d2} = 3.33 per 1,000 (each >= 1/4)
    assert got.loc[("A", "hts"), "low"] == pytest.approx(1000 / 300)
    assert got.loc[("A", "hts"), "high"] == pytest.approx(20.0)
    assert np.isnan(got.loc[("B", "isis"), "low"])  # one document
    com = compare.coverage(d, m, section="comments", n_boot=0).set_index(["source", "group_id"])
    assert com.loc[("B", "hts"), "per_1000"] == pytest.approx(20.0) and "A" not in com.index.get_level_values(0)


# --------------------------------------------------------------------------- near-duplicates

def _chrome(body: str) -> str:
    return ("SouthFront\nHome | Analysis | Videos | Support SouthFront\nDonate: BTC ETH PayPal\n\n" + body
            + "\n\nShare this: Facebook Twitter Telegram VK\nRelated posts\nLeave a Reply\n"
            "Your email address will not be published. Required fields are marked *")


def _truncate(text: str, share: float) -> str:
    cut = text.rfind(". ", 0, int(len(text) * share))
    return text[:cut + 1]


def _edit(text: str) -> str:
    swaps = {" said ": " stated ", " killed ": " left dead ", " Syrian ": " Syria's ", " on ": " upon "}
    for a, b in swaps.items():
        text = text.replace(a, b, 2)
    return text + " Additional reporting by our correspondent."


@pytest.fixture(scope="session")
def fakes_raw(fakes_csv):
    return fakes_rows(fakes_csv)


def test_near_duplicates_real_cases(seeds, fakes_raw):
    unrelated = fakes_raw[~fakes_raw["body"].duplicated(keep=False)].iloc[::12].head(60)
    long = unrelated[unrelated["body"].str.len() > 2500].iloc[:3]
    s000 = seeds.iloc[0]
    extra = pd.DataFrame({"doc_id": ["sf-copy", "trunc", "edit"], "publisher": ["SouthFront", "x", "y"],
                          "body": [_chrome(s000["body"]), _truncate(long.iloc[0]["body"], 0.55),
                                   _edit(long.iloc[1]["body"])]})
    d = pd.concat([seeds[["doc_id", "publisher", "body"]], unrelated[["doc_id", "publisher", "body"]], extra],
                  ignore_index=True)
    got = compare.near_duplicates(d).set_index(["doc_a", "doc_b"])
    expected = {(s000["doc_id"], "sf-copy"), (long.iloc[0]["doc_id"], "trunc"), (long.iloc[1]["doc_id"], "edit")}
    assert set(got.index) == expected  # and no unrelated pair
    chrome = got.loc[(s000["doc_id"], "sf-copy")]
    assert 0.85 < chrome["similarity"] < 1 and chrome["containment"] > 0.95
    trunc = got.loc[(long.iloc[0]["doc_id"], "trunc")]
    assert trunc["similarity"] < 0.7 and trunc["containment"] == pytest.approx(1.0)
    assert 0.8 <= got.loc[(long.iloc[1]["doc_id"], "edit"), "similarity"] < 1
    # Jaccard alone misses the truncated copy
    jac = compare.near_duplicates(d, min_containment=None)
    assert set(zip(jac["doc_a"], jac["doc_b"])) == expected - {(long.iloc[0]["doc_id"], "trunc")}


def test_near_duplicates_fakes_repeated_rows(fakes_raw):
    got = compare.near_duplicates(fakes_raw)
    found = set(zip(got["doc_a"], got["doc_b"]))
    body = fakes_raw["body"]
    first = {t: i for i, t in reversed(list(zip(fakes_raw["doc_id"], body)))}
    repeats = [(first[t], i) for i, t in zip(fakes_raw["doc_id"][body.duplicated()], body[body.duplicated()])]
    assert len(repeats) == 15
    assert set(repeats) <= found
    assert (got.set_index(["doc_a", "doc_b"]).loc[repeats, "similarity"] == 1.0).all()
    n = len(fakes_raw)
    assert got.attrs["candidates"] < 0.001 * n * (n - 1) / 2  # LSH: no all-pairs comparison
    # every reported pair really shares most of its shingles (checked exactly)
    assert ((got["similarity"] >= 0.8) | (got["containment"] >= 0.8)).all()
    # the build keeps one copy of each repeated text; the rest of the pairs are near-copies
    syn = compare.syndication(fakes_raw, got)
    assert syn.groupby("cluster")["is_original"].sum().eq(1).all()


def test_syndication_original_and_drop(seeds):
    s = seeds.set_index("doc_id")
    nizkor = s.index[0]  # Equipo Nizkor copy of a Long War Journal article, 2015-10-25
    orig = pd.DataFrame({"doc_id": ["lwj", "sf"], "outlet": ["The Long War Journal", "SouthFront"],
                         "publisher": ["The Long War Journal", "SouthFront"],
                         "published": pd.to_datetime(["2015-10-25", "2015-11-02"]),
                         "body": [_chrome(s.loc[nizkor, "body"]), s.loc[nizkor, "body"] + " Via LWJ."],
                         "comments": ""})
    d = pd.concat([seeds, orig], ignore_index=True)
    pairs = compare.near_duplicates(d)
    syn = compare.syndication(d, pairs).set_index("doc_id")
    assert set(syn.index) == {nizkor, "lwj", "sf"}
    # same date as the Nizkor copy: the publisher's own copy is the original
    assert (syn["original"] == "lwj").all() and (syn["original_publisher"] == "The Long War Journal").all()
    kept = compare.drop_syndicated(d, pairs)
    assert len(kept) == len(d) - 2 and "lwj" in set(kept["doc_id"])
    # without the Long War Journal's own copy the earliest copy (Nizkor) stays, under its original publisher
    d2 = d[d["doc_id"] != "lwj"]
    kept2 = compare.drop_syndicated(d2, compare.near_duplicates(d2)).set_index("doc_id")
    assert "sf" not in kept2.index and kept2.loc[nizkor, "publisher"] == "The Long War Journal"
    prof = compare.source_profile(kept2.reset_index()).set_index("source")
    assert "SouthFront" in prof.index and prof.loc["SouthFront", "documents"] == 1


# --------------------------------------------------------------------------- profile

def test_source_profile_seeds(seeds):
    got = compare.source_profile(seeds).set_index("source")
    lwj = got.loc["The Long War Journal"]
    assert lwj["documents"] == 2 and lwj["first"] == pd.Timestamp("2015-06-01")
    assert lwj["last"] == pd.Timestamp("2015-10-25") and lwj["share_with_comments"] == 0
    assert got.loc["SouthFront", "undated"] == 1 and got.loc["SouthFront", "share_with_comments"] == 1
    assert got["words"].sum() == seeds["n_words"].sum()
    assert "(unknown)" not in compare.source_profile(seeds, unknown=None)["source"].tolist()


# --------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("func", [compare.distinctive_terms, compare.framing, compare.near_duplicates,
                                  compare.source_profile])
def test_bare_str_is_rejected(func):
    with pytest.raises(TypeError, match=r"`documents` must be a pandas DataFrame.*got str"):
        func("data/raw/000_d686775f40cc3bfe.txt")


def test_bad_options_name_the_parameter(seeds):
    with pytest.raises(ValueError, match=r"`by` must be one of 'publisher', 'outlet', 'author'; got 'site'"):
        compare.distinctive_terms(seeds, by="site")
    with pytest.raises(ValueError, match=r"`section` must be one of 'body', 'comments'; got 'text'"):
        compare.framing(seeds, section="text")
    with pytest.raises(ValueError, match=r"`correction` must be one of 'bh', 'bonferroni'"):
        compare.distinctive_terms(seeds, correction="holm")
    with pytest.raises(ValueError, match=r"`bands` must be an int from 1 to `num_perm` \(128\); got 130"):
        compare.near_duplicates(seeds, bands=130)
    with pytest.raises(ValueError, match=r"frame 'rebel' must list one or more terms"):
        compare.framing(seeds, lexicon={"rebel": []})
    with pytest.raises(ValueError, match=r"at least two sources"):
        compare.distinctive_terms(seeds[seeds["publisher"] == "SouthFront"])
    with pytest.raises(TypeError, match=r"`mentions` must be a pandas DataFrame"):
        compare.coverage(seeds, "mentions.parquet")
    with pytest.raises(ValueError, match=r"`documents` must have the column\(s\) 'publisher'"):
        compare.framing(seeds.drop(columns="publisher"))


# --------------------------------------------------------------------------- plots

def test_plots_return_figures_and_leave_input_alone(fakes):
    sub = fakes[fakes["publisher"].isin(["sana", "manar", "etilaf", "reuters"])]
    terms = compare.distinctive_terms(sub, top=8)
    frames = compare.framing(sub, n_boot=100)
    m = pd.DataFrame({"doc_id": sub["doc_id"].iloc[:6].tolist(), "section": "body",
                      "group_id": ["isis", "isis", "hts", "fsa", "isis", "hts"],
                      "group_name": ["Islamic State", "Islamic State", "HTS", "FSA", "Islamic State", "HTS"]})
    cov = compare.coverage(sub, m, n_boot=50)
    before = [t.copy() for t in (terms, frames, cov)]
    figs = [plots.distinctive_terms_chart(terms, top=8),
            plots.framing_chart(frames, frames=["terrorist", "regime", "rebel", "opposition"]),
            plots.coverage_heatmap(cov)]
    assert all(isinstance(f, Figure) for f in figs)
    assert len([a for a in figs[0].axes if a.get_visible()]) == 4
    assert len(figs[1].axes[0].get_yticklabels()) == 4
    assert figs[2].axes[0].get_images()[0].get_array().shape == (4, 3)
    for a, b in zip(before, (terms, frames, cov)):
        pd.testing.assert_frame_equal(a, b)
    assert plt.get_fignums() == []  # not registered with pyplot: nothing to show or leak
    with pytest.raises(ValueError, match=r"`sources` must be among"):
        plots.framing_chart(frames, sources=["bbc"])
