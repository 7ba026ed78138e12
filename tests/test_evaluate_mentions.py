"""analysis.evaluate_mentions: references without text, the join with a build, and the scores.

Small tables written here check the arithmetic; the committed references (data/annotations) are checked for
shape and, with FA-KES present, evaluated against a fresh build.
"""
from __future__ import annotations

import pandas as pd
import pytest

from analysis import config, evaluate_mentions as ev, groups


@pytest.fixture(scope="module")
def gaz():
    return groups.load_gazetteer()


SENT = "Russian jets and the Syrian army shelled the border with Turkey near al-Qaeda-linked rebels."
SENT2 = "Nothing to see here."


def items() -> pd.DataFrame:
    return pd.DataFrame({"item_id": ["m1", "m2"], "doc_id": ["d1", "d2"], "section": "body", "sentence": [0, 3],
                         "text": [SENT, SENT2], "machine": "", "heldout": [False, True]})


def labels() -> dict[str, pd.DataFrame]:
    a = pd.DataFrame({"item_id": ["m1", "m1", "m1", "m1", "m2"],
                      "span": ["Russian jets", "Syrian army", "Turkey", "al-Qaeda", None],
                      "start": [0, 21, 57, 69, None], "end": [12, 32, 63, 77, None],
                      "actor": ["Russia", "Syrian state forces", "turkey", "al-Qaeda", None],
                      "role": ["actor", "actor", "place", "descriptor", None]})
    return {"A": a}


def test_mention_references_keep_no_text(gaz):
    refs = ev.mention_references(items(), labels(), gazetteer=gaz)
    assert list(refs.columns) == ev.MENTION_REF_COLUMNS
    assert refs["actor"].tolist() == ["russia", "syrian_state", "turkey", "al_qaeda", ""]
    assert refs["sentence_sha1"].tolist()[:1] == [ev.sha1(SENT)]
    assert not refs.isin([SENT, "Russian jets"]).any().any()
    bad = {"A": labels()["A"].assign(start=[1, 21, 57, 69, None])}
    with pytest.raises(ValueError, match=r"labels\['A'\], item 'm1': span 'Russian jets' is not the text at 1:12"):
        ev.mention_references(items(), bad, gazetteer=gaz)


def sentences() -> pd.DataFrame:
    return pd.DataFrame({"doc_id": ["d1", "d2"], "section": "body", "paragraph": 0, "sentence": [0, 3],
                         "start": [100, 40], "end": [100 + len(SENT), 40 + len(SENT2)], "text": [SENT, SENT2]})


def machine() -> pd.DataFrame:
    # found: Russian jets (right), Syrian army (right), Turkey (right span, role actor: a role error),
    # "al-Qaeda-linked" (a wrong span for al-Qaeda) and a spurious "Nothing" in the held-out sentence
    rows = [("d1", 100, 112, "Russian jets", "russia", "actor"), ("d1", 121, 132, "Syrian army", "syrian_state", "actor"),
            ("d1", 157, 163, "Turkey", "turkey", "actor"), ("d1", 169, 184, "al-Qaeda-linked", "al_qaeda", "descriptor"),
            ("d2", 40, 47, "Nothing", "russia", "actor")]
    return pd.DataFrame([(d, "body", 0, 0 if d == "d1" else 3, a, b, al, g, g, "x", r) for d, a, b, al, g, r in rows],
                        columns=groups.MENTION_COLUMNS + ["role"])


def test_score_mentions_counts_exact_and_overlapping_spans(gaz):
    refs, drift = ev.attach_sentences(ev.mention_references(items(), labels(), gazetteer=gaz), sentences())
    assert drift.empty
    out = ev.score_mentions(refs, machine())
    s = out["scores"]
    assert s.loc["train", ["gold", "machine"]].tolist() == [4, 4]
    assert s.loc["train", "span_actor_precision"] == 3 / 4 and s.loc["train", "span_actor_recall"] == 3 / 4
    assert s.loc["train", "overlap_actor_recall"] == 1.0
    assert s.loc["train", "role_accuracy"] == 2 / 3
    assert s.loc["heldout", ["gold", "machine", "span_precision"]].tolist() == [0, 1, 0.0]
    assert s.loc["all", "span_actor_precision"] == 3 / 5
    conf = out["confusion"]["train"]
    assert conf.loc["place", "actor"] == 1 and conf.loc["descriptor", "missed"] == 1 and conf.loc["spurious", "descriptor"] == 1
    assert set(out["errors"]["kind"]) == {"missed", "spurious"}


def test_drift_is_reported_not_scored(gaz):
    refs = ev.mention_references(items(), labels(), gazetteer=gaz)
    changed = sentences().assign(text=[SENT.replace("the Syrian army", "the Syrian  army"), SENT2])
    ok, drift = ev.attach_sentences(refs, changed)
    # "Russian jets" keeps the text up to its end; the spans after the edit keep the text from their start but
    # the sentence is one character longer, so only the span inside the edit is lost
    assert drift["start"].tolist() == [21] and ok["anchored"].tolist().count("shifted") == 3
    assert set(zip(ok["item_id"], ok["start"])) >= {("m1", 0), ("m1", 58), ("m1", 70)}


def test_references_follow_a_trimmed_sentence(gaz):
    """The cleaner later removes a dateline and a tag line: spans move with the text, or drift when removed."""
    refs = ev.mention_references(items(), labels(), gazetteer=gaz)
    trimmed = SENT[len("Russian jets and "):]  # the start is gone: "the Syrian army shelled ..."
    later = pd.DataFrame({"doc_id": ["d1", "d1", "d2"], "section": "body", "paragraph": 0, "sentence": [0, 1, 2],
                          "start": [0, 10, 50], "end": [9, 10 + len(trimmed), 50 + len(SENT2)],
                          "text": ["Dateline.", trimmed, SENT2]})
    ok, drift = ev.attach_sentences(refs, later)
    moved = ok[ok["item_id"] == "m1"].sort_values("start")
    assert moved[["sentence", "start", "end", "anchored"]].values.tolist() == [
        [1, 4, 15, "shifted"], [1, 40, 46, "shifted"], [1, 52, 60, "shifted"]]
    assert [trimmed[a:b] for a, b in zip(moved["start"], moved["end"])] == ["Syrian army", "Turkey", "al-Qaeda"]
    assert drift["start"].tolist() == [0]  # "Russian jets" was cut away
    assert ok.loc[ok["item_id"] == "m2", ["sentence", "anchored"]].values.tolist() == [[2, "shifted"]]  # renumbered


def test_score_roles_of_relation_items():
    rel_items = pd.DataFrame({"item_id": ["r1", "r2"], "corpus": "fakes", "doc_id": ["d1", "d1"], "section": "body",
                              "sentence": [0, 0], "text": [SENT, SENT], "a_start": [0, 57], "a_end": [12, 63],
                              "a_group": ["russia", "turkey"], "b_start": [21, 69], "b_end": [32, 77],
                              "b_group": ["syrian_state", "al_qaeda"], "heldout": False})
    lab = {"A": pd.DataFrame({"item_id": ["r1", "r2"], "role_a": ["actor", "place"], "role_b": ["actor", "not_actor"]}),
           "B": pd.DataFrame({"item_id": ["r2"], "role_a": ["actor"], "role_b": ["not_actor"]})}
    refs = ev.role_references(rel_items, lab)
    assert list(refs.columns) == ev.ROLE_REF_COLUMNS and len(refs) == 6
    ok, _ = ev.attach_sentences(refs, sentences())
    out = ev.score_roles(ok, machine())
    # r1: actor/actor right; r2 (A): Turkey place vs machine actor wrong, al-Qaeda span 69:77 has no machine
    # mention ("none"), right for not_actor; r2 (B): actor right, not_actor right
    assert out["scores"].loc["train", "accuracy"] == 5 / 6
    assert out["confusion"]["train"].loc["place", "actor"] == 1
    assert out["kappa"]["mentions"].tolist() == [2] and out["kappa"]["agreement"].tolist() == [0.5]
    with pytest.raises(ValueError, match=r"role_a must be one of actor, descriptor, place, not_actor; got 'party'"):
        ev.role_references(rel_items, {"A": lab["A"].assign(role_a="party")})


def test_committed_references_have_no_text():
    ann = config.PROJECT_ROOT / "data" / "annotations"
    m = pd.read_csv(ann / ev.MENTIONS_FILE, dtype=str, keep_default_na=False)
    r = pd.read_csv(ann / ev.ROLES_FILE, dtype=str, keep_default_na=False)
    assert list(m.columns) == ev.MENTION_REF_COLUMNS and list(r.columns) == ev.ROLE_REF_COLUMNS
    assert m["item_id"].nunique() == 240 and len(r) == 2 * 1980
    assert set(m["role"]) <= {"", "actor", "descriptor", "place"} and set(r["role"]) <= set(ev.GOLD_ROLES)
    assert m["sentence_sha1"].str.fullmatch(r"[0-9a-f]{40}").all()
    assert (r["head_sha1"].str.len() == 40).all() and (r["sentence_len"].astype(int) > 0).all()
    longest = max(m.astype(str).map(len).max().max(), r.astype(str).map(len).max().max())
    assert longest <= 40  # ids, offsets and hashes only: no sentence text


@pytest.mark.shared
def test_evaluation_on_fakes(fakes_csv, tmp_path):
    out = ev.run(work_dir=tmp_path)
    assert len(out.drift) < 0.12 * 4200  # spans in lines the cleaner now removes ("Related Coverage", tags)
    s = out.mentions["scores"]
    assert s.loc["all", "gold"] > 200 and s.loc["all", "sentences"] > 220
    assert s.loc["train", "span_actor_precision"] >= 0.95 and s.loc["train", "span_actor_recall"] >= 0.9
    r = out.roles["scores"]
    assert r.loc["all", "mentions"] > 3500 and r.loc["train", "accuracy"] >= 0.95
