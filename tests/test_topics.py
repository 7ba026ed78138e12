"""Topic clustering (analysis.topics, analysis.topic_tables, analysis.plots.topics).

Fast tests run on hand-made corpora and the five seed articles; the BBC tests (5 labelled classes,
../shared) check quality against scikit-learn's own text-clustering example and stability across
seeds, reusing one vectorised matrix per session."""
from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from matplotlib.figure import Figure
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer
from threadpoolctl import threadpool_limits

from analysis import topics
from analysis.build import build_corpus
from analysis.plots import topics as tplots
from analysis.text import paragraph_spans

SEEDS = (0, 1, 2)

# --------------------------------------------------------------------------- hand-made corpora

VOCAB = {
    "war": "shelling airstrike frontline artillery ceasefire offensive militia checkpoint sniper convoy".split(),
    "aid": "refugees camp shelter food donors convoy medicine winter families hospital".split(),
    "talks": "negotiations envoy geneva delegation agenda constitution mediator summit proposal transition".split(),
}


def synthetic(n_per: int = 40, seed: int = 0) -> tuple[pd.DataFrame, pd.Series]:
    """Documents drawn from three disjoint vocabularies plus shared filler words."""
    rng = np.random.default_rng(seed)
    filler = "syria people local sources group city region forces".split()
    rows, truth = [], {}
    for topic, words in VOCAB.items():
        for i in range(n_per):
            body = " ".join(rng.choice(words, 25).tolist() + rng.choice(filler, 15).tolist())
            doc_id = f"{topic}{i:03d}"
            rows.append({"doc_id": doc_id, "title": "", "body": body, "publisher": ["A", "B"][i % 2],
                         "published": pd.Timestamp("2016-01-15") + pd.DateOffset(months=i % 6) if i % 5 else pd.NaT})
            truth[doc_id] = topic
    return pd.DataFrame(rows), pd.Series(truth)


@pytest.fixture(scope="module")
def synth():
    docs, truth = synthetic()
    return docs, truth, topics.cluster(docs, random_state=0, n_stability=2)


@pytest.fixture(scope="module")
def seed_docs(seeds_raw, tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    build_corpus([seeds_raw], out, analyses=False, progress=False)
    return pd.read_parquet(out / "documents.parquet"), pd.read_parquet(out / "sentences.parquet")


@pytest.fixture(scope="module")
def seed_result(seed_docs):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the default k_range adapts to 44 paragraphs without a warning
        return topics.cluster(seed_docs[0], unit="paragraph", random_state=0)


@pytest.mark.parametrize(
    "text_in, terms",
    [
        ("Reuters said the rebels' convoy reached Aleppo on Tuesday.", ["rebels", "convoy", "reached", "aleppo"]),
        ("Assad's forces shelled 45,000 homes in 2016, Mr Smith says.", ["assad", "forces", "shelled", "homes", "smith"]),
        ("HTS and al-Qaeda: a U.S. strike, al Qaeda", ["hts", "al-qaeda", "u.s.", "strike", "qaeda"]),
        ("I'm told it's a 2-day truce", ["truce"]),
    ],
)
def test_term_analyzer(text_in, terms):
    assert topics.TermAnalyzer(stop_words=topics.default_stop_words())(text_in) == terms


def test_stop_words_come_from_the_reference_file_users_extend(tmp_path):
    default = topics.default_stop_words()
    assert {"said", "reuters", "mr", "also", "would", "the"} <= default
    extra = tmp_path / "extra.txt"
    extra.write_text("# comment\nFooword\n\n", encoding="utf-8")
    mine = topics.default_stop_words(extra)
    assert "fooword" in mine and "# comment" not in mine and "reuters" not in mine and "the" in mine


def test_npmi_extremes_and_independence():
    # terms 0,1 always together; 2 never with 0; 3 independent of 0 (each in half, together in a quarter)
    rows = np.array([[1, 1, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 0]], dtype=float)
    b = sp.csc_matrix(rows)
    assert topics.npmi(b, [0, 1]) == pytest.approx(1.0)
    assert topics.npmi(b, [0, 2]) == pytest.approx(-1.0)
    assert topics.npmi(b, [0, 3]) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("n, top", [(44, 5), (120, 12), (400, 20), (789, 28), (2088, 30), (100_000, 30)])
def test_default_k_range_scales_with_the_corpus(n, top):
    assert topics.default_k_range(n) == range(2, top + 1)


def test_k_at_the_edge_is_flagged_and_the_range_widened(synth):
    docs, truth, _ = synth
    v = topics.vectorize(docs, random_state=0)
    # a range you give is used as it is: k = 2 at its lower edge is flagged, with the best k above 2 named
    r = topics.cluster(v, k_range=[2], n_stability=0)
    assert r.params["k_flags"] == ["upper edge", "lower edge"]
    r = topics.cluster(v, k_range=[2, 3], n_stability=0)
    assert r.k == 3 and r.params["k_flags"] == ["upper edge"]
    assert "The chosen k is the largest tried (3)" in " ".join(topics.describe_k_choice(r))


def test_synthetic_topics_are_found_with_k_chosen_from_the_data(synth):
    docs, truth, r = synth
    assert r.k == 3
    assert topics.evaluate(r, truth) == {"nmi": pytest.approx(1.0), "ari": pytest.approx(1.0), "n": 120}
    assert r.k_curve.loc[r.k_curve["chosen"], "k"].tolist() == [3]
    assert r.k_curve["k"].tolist() == list(range(2, 13))  # 120 units: k up to 12
    assert r.params["k_flags"] == [] and r.params["k_widened"] is None
    assert r.scores["stability"] == pytest.approx(1.0) and r.scores["coherence"] > 0.3
    assert 0 < r.scores["silhouette"] <= 1
    # each cluster is labelled by its own vocabulary (c-TF-IDF), filler words never lead
    for c, words in r.top_terms(5).items():
        topic = truth[r.assignments.loc[r.assignments["cluster"] == c, "doc_id"]].mode()[0]
        assert set(words) <= set(VOCAB[topic]), (c, words)
    # clusters numbered by size, sizes add up, weights descending within a cluster
    assert r.clusters["size"].sum() == len(docs) and r.clusters["size"].is_monotonic_decreasing
    assert all(g["weight"].is_monotonic_decreasing for _, g in r.terms.groupby("cluster"))
    assert list(r.coords.columns) == ["doc_id", "cluster", "x", "y"] and r.coords[["x", "y"]].notna().all().all()


def test_ctfidf_matches_the_bertopic_formula(synth):
    docs, _, r = synth
    v = topics.vectorize(docs)
    labels = r.assignments["cluster"].to_numpy()
    counts = v.counts.toarray()
    m = np.vstack([counts[labels == c].sum(axis=0) for c in range(r.k)])
    expected = m / m.sum(axis=1, keepdims=True) * np.log(1 + m.sum(axis=1).mean() / m.sum(axis=0))
    got = r.terms.assign(col=lambda t: t["term"].map({t: i for i, t in enumerate(v.terms)}))
    assert np.allclose(got["weight"], expected[got["cluster"], got["col"]])


def test_topics_by_source_and_over_time(synth):
    docs, _, r = synth
    by = topics.topics_by(r, docs, by="publisher")
    assert list(by.columns) == ["publisher", "cluster", "n", "share"]
    assert by["n"].sum() == len(docs)
    assert np.allclose(by.groupby("publisher")["share"].sum(), 1.0)
    table, undated = topics.topics_over_time(r, docs, freq="M")
    assert table["n"].sum() + undated["n"].sum() == len(docs)
    assert undated["n"].sum() == docs["published"].isna().sum() == 24
    assert table["period"].unique().tolist() == [f"2016-{m:02d}" for m in range(1, 7)]
    quarterly = topics.topics_over_time(r, docs, freq="Q").table
    assert quarterly["period"].unique().tolist() == ["2016Q1", "2016Q2"]
    assert np.allclose(quarterly.groupby("period")["share"].sum(), 1.0)


def test_paragraph_units_on_the_seed_articles(seed_docs, seed_result):
    docs, sentences = seed_docs
    r = seed_result
    # paragraphs numbered as in the sentences table, every paragraph of every body once
    body_paras = set(map(tuple, sentences.loc[sentences["section"] == "body", ["doc_id", "paragraph"]].drop_duplicates()
                         .itertuples(index=False)))
    assert set(map(tuple, r.assignments[["doc_id", "paragraph"]].itertuples(index=False))) == body_paras
    assert len(r.assignments) == sum(len(paragraph_spans(b)) for b in docs["body"])
    assert 2 <= r.k <= len(r.assignments) // 8
    assert r.scores["stability"] > 0.9  # few LSA dimensions: no seed lottery even on 44 paragraphs
    reps = topics.representatives(r, docs, n=2, max_chars=None)
    bodies = docs.set_index("doc_id")["body"]
    for row in reps.itertuples():
        a, b = paragraph_spans(bodies[row.doc_id])[row.paragraph]
        assert row.text == bodies[row.doc_id][a:b]
    assert reps.groupby("cluster")["similarity"].apply(lambda s: s.is_monotonic_decreasing).all()
    # undated seed articles are reported apart
    _, undated = topics.topics_over_time(r, docs, freq="Q")
    undated_docs = set(docs.loc[docs["published"].isna(), "doc_id"])
    assert undated["n"].sum() == r.assignments["doc_id"].isin(undated_docs).sum() > 0


def test_same_result_for_other_seeds_on_the_seed_articles(seed_docs, seed_result):
    other = topics.cluster(seed_docs[0], unit="paragraph", random_state=7, n_stability=0)
    assert other.k == seed_result.k
    assert adjusted_rand_score(other.assignments["cluster"], seed_result.assignments["cluster"]) == pytest.approx(1.0)


def test_group_names_become_single_terms(seed_docs):
    from analysis.groups import load_gazetteer

    plain = topics.vectorize(seed_docs[0], unit="paragraph")
    grouped = topics.vectorize(seed_docs[0], unit="paragraph", gazetteer=load_gazetteer())
    assert "hts" in set(plain.terms) and "hts" not in set(grouped.terms)
    assert {"grp_hts", "grp_jaysh_al_islam", "grp_islamic_state"} <= set(grouped.terms)
    assert grouped.params["gazetteer"] and not plain.params["gazetteer"]


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"unit": "sentence"}, "`unit` must be one of 'document', 'paragraph'; got 'sentence'"),
        ({"k": 1}, "`k` must be None (choose from the data) or an integer from 2"),
        ({"k": "5"}, "got '5'"),
        ({"k": 2.5}, "got 2.5"),
        ({"k": True}, "got True"),
        ({"k": 500}, "an integer from 2 to 119 (fewer than the 120 units); got 500"),
        ({"k_range": []}, "`k_range` must be distinct integers of 2 or more (e.g. range(2, 13)); got []"),
        ({"k_range": [1, 2, 3]}, "got [1, 2, 3]"),
        ({"k_range": "2-12"}, "got '2-12'"),
        ({"k_range": [40, 50]}, "`k_range`: with 120 units k can go up to 15; got [40, 50]"),
        ({"criterion": "elbow"}, "`criterion` must be one of 'combined', 'stability', 'silhouette'; got 'elbow'"),
        ({"n_init": 0}, "`n_init` must be an integer of 1 or more; got 0"),
        ({"random_state": None}, "`random_state` must be an integer of 0 or more; got None"),
    ],
)
def test_bad_options_say_what_is_allowed_and_what_was_given(synth, kwargs, message):
    with pytest.raises(ValueError) as err:
        topics.cluster(synth[0], **kwargs)
    assert message in str(err.value)


def test_bad_inputs(synth, seed_result):
    docs, truth, r = synth
    with pytest.raises(TypeError, match="`documents` must be a pandas DataFrame.*got str"):
        topics.cluster("data/raw")
    with pytest.raises(ValueError, match="`documents` lacks column.*body"):
        topics.cluster(docs.drop(columns="body"))
    with pytest.raises(ValueError, match="gives 2 document.*at least 3.*unit='paragraph'"):
        topics.cluster(docs.head(2))
    with pytest.raises(ValueError, match="`by` must be a column of documents, e.g. one of 'publisher'.*got 'site'"):
        topics.topics_by(r, docs, by="site")
    with pytest.raises(ValueError, match="`freq` must be one of 'D', 'W', 'M', 'Q', 'Y'.*got 'H'"):
        topics.topics_over_time(r, docs, freq="H")
    with pytest.raises(ValueError, match="`labels` has no label for 40 unit"):
        topics.evaluate(r, truth[truth != "aid"])
    with pytest.raises(ValueError, match="one label per unit \\(120\\); got 3"):
        topics.evaluate(r, ["a", "b", "c"])
    with pytest.raises(TypeError, match="`result` must be a TopicResult"):
        topics.topics_by(r.assignments, docs)


def test_contradictory_settings_warn_and_say_which_wins(synth):
    docs = synth[0]
    with pytest.warns(UserWarning, match="k=3 given, so k_range is ignored"):
        r = topics.cluster(docs, k=3, k_range=range(2, 5), n_stability=0)
    assert r.k == 3 and r.k_curve.empty
    with pytest.warns(UserWarning, match="k_range: k above 15 left out: 120 units are too few"):
        r = topics.cluster(docs, k_range=range(2, 20), n_stability=0)
    assert r.k_curve["k"].max() == 15
    v = topics.vectorize(docs)
    with pytest.warns(UserWarning, match="unit, min_df ignored: `documents` is already vectorised"):
        topics.cluster(v, k=3, unit="paragraph", min_df=5, n_stability=0)


# --------------------------------------------------------------------------- plots


def test_plots_return_figures_and_leave_their_input_alone(synth):
    docs, _, r = synth
    by = topics.topics_by(r, docs)
    over = topics.topics_over_time(r, docs, freq="M")
    calls = [
        (tplots.plot_k_curve, r.k_curve, {}),
        (tplots.plot_top_terms, r.terms, {"n_terms": 5}),
        (tplots.plot_topic_map, r.coords, {"labels": r.clusters}),
        (tplots.plot_topics_by, by, {"labels": r.clusters}),
        (tplots.plot_topics_over_time, over.table, {"undated": over.undated}),
    ]
    for fn, table, kw in calls:
        before = table.copy()
        fig = fn(table, **kw)
        assert isinstance(fig, Figure) and fig.axes, fn.__name__
        pd.testing.assert_frame_equal(table, before)
    assert "k = 3 chosen" in tplots.plot_k_curve(r.k_curve).axes[0].get_title()
    assert "24 undated units" in tplots.plot_topics_over_time(over.table, undated=over.undated).axes[0].get_title()
    with pytest.raises(ValueError, match="`k_curve` has no rows"):
        tplots.plot_k_curve(r.k_curve.iloc[:0])
    with pytest.raises(ValueError, match="`terms` must have the column\\(s\\) 'weight'"):
        tplots.plot_top_terms(r.terms.drop(columns="weight"))


# --------------------------------------------------------------------------- BBC benchmark (5 classes)


@pytest.fixture(scope="session")
def bbc(bbc_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("bbc")
    build_corpus([bbc_dir], out, analyses=False, progress=False)
    docs = pd.read_parquet(out / "documents.parquet")
    labels = pd.Series(docs["path"].str.split("/").str[0].to_numpy(), index=docs["doc_id"])
    assert labels.nunique() == 5
    return docs, labels


@pytest.fixture(scope="session")
def bbc_vectors(bbc):
    return topics.vectorize(bbc[0], random_state=0)


@pytest.fixture(scope="session")
def bbc_k5(bbc_vectors):
    return {s: topics.cluster(bbc_vectors, k=5, random_state=s, n_stability=0) for s in SEEDS}


def sklearn_example_nmi(docs: pd.DataFrame, labels: pd.Series, seed: int, _cache: dict = {}) -> float:
    """scikit-learn's "Clustering text documents using k-means" recipe: TF-IDF (max_df=0.5, min_df=5,
    English stop words), LSA(100) + Normalizer, KMeans(n_init=10)."""
    if "X" not in _cache:
        _cache["X"] = TfidfVectorizer(max_df=0.5, min_df=5, stop_words="english").fit_transform(
            docs["title"].fillna("") + "\n\n" + docs["body"])
    lsa = make_pipeline(TruncatedSVD(n_components=100, random_state=seed), Normalizer(copy=False))
    with threadpool_limits(1):  # as fast on 2 cores, and no thrashing when they are busy
        km = KMeans(n_clusters=5, max_iter=100, n_init=10, random_state=seed).fit(lsa.fit_transform(_cache["X"]))
    return normalized_mutual_info_score(labels[docs["doc_id"]].to_numpy(), km.labels_)


@pytest.mark.shared
@pytest.mark.parametrize("seed", SEEDS)
def test_bbc_k5_beats_the_scikit_learn_example(bbc, bbc_k5, seed):
    docs, labels = bbc
    ours = topics.evaluate(bbc_k5[seed], labels)
    baseline = sklearn_example_nmi(docs, labels, seed)
    assert ours["nmi"] >= baseline, (seed, ours, baseline)
    assert ours["nmi"] > 0.88 and ours["ari"] > 0.9


@pytest.mark.shared
def test_bbc_same_clusters_for_every_seed(bbc, bbc_k5):
    aris = [adjusted_rand_score(a.assignments["cluster"], b.assignments["cluster"])
            for a, b in itertools.combinations(bbc_k5.values(), 2)]
    assert min(aris) > 0.99, aris
    # the whole pipeline (SVD included) with another seed
    other = topics.cluster(bbc[0], k=5, random_state=11, n_stability=0)
    assert adjusted_rand_score(other.assignments["cluster"], bbc_k5[0].assignments["cluster"]) > 0.99
    # clusters numbered by size: the same numbers, not only the same partition
    assert (other.assignments["cluster"] == bbc_k5[0].assignments["cluster"]).mean() > 0.99


@pytest.mark.shared
def test_bbc_k_chosen_from_the_data(bbc, bbc_vectors):
    r = topics.cluster(bbc_vectors, random_state=0)
    assert topics.evaluate(r, bbc[1])["nmi"] > 0.8, r.k_curve
    assert r.k_curve["k"].tolist() == list(range(2, 31)) and r.k_curve["chosen"].sum() == 1  # 2,088 units
    assert r.k == r.k_curve.loc[r.k_curve["combined"].idxmax(), "k"] == 5
    assert r.params["k_flags"] == []  # a clear peak: k = 5 is stable (the five BBC sections)
    text = " ".join(topics.describe_k_choice(r))
    assert "k = 5 was chosen from k = 2–30 (2,088 units)" in text and "no clear number" not in text
    assert r.scores["stability"] > 0.99 and r.scores["coherence"] > 0.1 and r.scores["silhouette"] > 0.05
    # topic labels name the classes: each cluster's top terms are its class's words
    top = r.top_terms(10)
    assert any({"film", "music"} & set(t) for t in top.values())
    assert any({"labour", "election"} & set(t) for t in top.values())
