"""The relation classifier: cue lexicon, features, model file, the relations table, corrections, annotations,
relations over time, the build stage, and (with FA-KES) that retraining reproduces the committed model."""
from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import config, corrections, groups, relation_labels, relation_model, text, timeline
from analysis.comention import comentions
from analysis.pair_relations import RELATION_COLUMNS, relations_table
from analysis.relation_features import pair_features
from analysis.relations import load_cues
from analysis.corpus import load_corpus


@pytest.fixture(scope="module")
def gaz():
    return groups.load_gazetteer()


@pytest.fixture(scope="module")
def cues():
    return load_cues()


@pytest.fixture(scope="module")
def model():
    return relation_model.load_model()


def one_sentence(sentence: str, doc: str = "d") -> pd.DataFrame:
    return pd.DataFrame([(doc, "body", 0, 0, 0, len(sentence), sentence)], columns=groups.SENTENCE_COLUMNS)


def sentences_of(docs: dict[str, str]) -> pd.DataFrame:
    rows = [(d, "body", p, n, a, b, t[a:b]) for d, t in docs.items() for p, n, a, b in text.iter_sentences(t)]
    return pd.DataFrame(rows, columns=groups.SENTENCE_COLUMNS)


def features_of(gaz, cues, sentence: str, pair: tuple[str, str]) -> set[str]:
    found = gaz.scan(sentence)
    spans = [(a, b) for a, b, _, _ in found]
    ids = [gaz._gids[g] for _, _, _, g in found]
    i, j = ids.index(pair[0]), ids.index(pair[1])
    f, _ = pair_features(sentence, spans, [(min(i, j), max(i, j))], cues=cues,
                         kinds=[gaz.groups[g].kind for g in ids])
    return set(f[0])


def label_of(gaz, model, cues, sentence: str, pair: tuple[str, str]) -> str:
    """The class the model leans to (its label, or 'unclear' when below the class's threshold: both are given)."""
    sents = one_sentence(sentence)
    rel = relations_table(groups.find_mentions(sents, gazetteer=gaz), sents, model=model, cues=cues)
    row = rel[(rel["group_a"] == min(pair)) & (rel["group_b"] == max(pair))]
    assert len(row) == 1, f"the pair {pair} is not in {rel[['group_a', 'group_b']].values.tolist()}"
    assert row["label"].item() in (row["best_label"].item(), "unclear")
    return row["best_label"].item()


# ------------------------------------------------------------------------------------------- cue lexicon
@pytest.mark.parametrize("sentence, cue, label", [
    ("There was fierce fighting between the two in Kobani.", "fierce fighting", "conflict"),  # longest wins
    ("The army retook Palmyra in March.", "retook", "conflict"),
    ("Turkish troops exchanged artillery fire with the militia.", "exchanged artillery fire", "conflict"),
    ("Jets flew sorties in support of the army.", "in support of", "coop"),
    ("Iran sent fighters to bolster the regime.", "bolster", "coop"),
    ("Some brigades decided to side with the front.", "side with", "coop"),
    ("The front absorbed the smaller brigade in January.", "absorbed", "coop"),
    ("The group has also lost territory to the rebels.", "lost territory to", "conflict"),
    ("The United Nations called for calm.", None, None),  # an ignored name is no cue
])
def test_missed_phrasings_are_cues(cues, sentence, cue, label):
    hits = [(sentence[a:b], lab) for a, b, lab in cues.find(sentence)]
    assert hits == ([] if cue is None else [(cue, label)])


# ------------------------------------------------------------------------------------------- features
@pytest.mark.parametrize("sentence, pair, present, absent", [
    # co-listed groups: one slot, no relation between them
    ("The Syrian Army and Air Force struck the positions of the ISIL and al-Nusra Front.", ("islamic_state", "nusra"),
     {"colisted", "colisted_and", "cue_left:conflict"}, {"cue_between:conflict"}),
    ("The attack was carried out by Syrian government or Russian war planes.", ("syrian_state", "russia"),
     {"colisted", "colisted_or"}, {"colisted_and"}),
    # negation, denial, exclusion
    ("The temporary truce does not apply to ISIS and the Nusra Front.", ("islamic_state", "nusra"),
     {"negation", "negation_near", "colisted"}, set()),
    ("Both the YPG and al-Nusra denied involvement.", ("ypg", "nusra"), {"negation", "colisted"}, set()),
    # time: two years, a coop cue and a conflict cue
    ("The YPG closely cooperated with ISIL between 2013 and 2014, but was in open conflict with it in 2017.",
     ("ypg", "islamic_state"), {"years2", "year", "cue_any:coop", "cue_between:coop", "time:but"} - {"time:but"},
     set()),
    # reported speech
    ("SANA said that the Syrian army clashed with ISIS near Deir ez-Zor.", ("syrian_state", "islamic_state"),
     {"reported", "cue_direct:conflict"}, set()),
    # a cue about a third party: "backed by" relates the SLF and Suqour, not Suqour and HTS
    ("Clashes erupted between the Jabhat Tahrir Souriya, backed by the Suqour al-Sham Brigades, and Hayat Tahrir al-Sham.",
     ("jabhat_tahrir_souriya", "hts"), {"third_between:1", "cue_intro:conflict", "third_after_cue"}, set()),
    # modifiers and prefixes glued to a name
    ("The US-backed SDF advanced on Raqqa.", ("united_states", "sdf"), {"mod1:backed", "cue_direct:coop"}, set()),
    ("Tags anti-Daesh coalition airstrikes Deir ez-Zor", ("islamic_state", "us_led_coalition"), {"prefix1:anti"}, set()),
    ("Hezbollah fighters fought alongside Syrian government troops.", ("hezbollah", "syrian_state"),
     {"e1_first", "cue_between_word:fought alongside", "kind_pair:militia|state_force"}, set()),
])
def test_features_on_real_sentences(gaz, cues, sentence, pair, present, absent):
    f = features_of(gaz, cues, sentence, pair)
    assert present <= f, sorted(present - f)
    assert not (absent & f), sorted(absent & f)
    assert not any(g in feat for feat in f for g in pair), "group ids never appear in features"


# ------------------------------------------------------------------------------------------- the model
@pytest.mark.parametrize("sentence, pair, expected", [
    # the class the model leans to (its label may be 'unclear' below the class's threshold)
    # co-listed: the heuristic said conflict / coop / coop
    ("The Syrian Army and Air Force struck the positions of the ISIL and al-Nusra Front.", ("islamic_state", "nusra"),
     "none"),
    ("The de-escalation agreement excludes both the Islamic State group and Hayat Tahrir al-Sham.",
     ("islamic_state", "hts"), "none"),
    ("The attack was carried out by Syrian government or Russian war planes.", ("syrian_state", "russia"), "none"),
    # negation and denial: the heuristic said coop / conflict
    ("The temporary truce does not apply to ISIS and the Nusra Front.", ("islamic_state", "nusra"), "none"),
    ("Both the YPG and al-Nusra denied involvement.", ("ypg", "nusra"), "none"),
    # phrasings the heuristic missed
    ("There were fierce clashes between ISIS and Kurdish YPG in Kobani.", ("islamic_state", "ypg"), "conflict"),
    ("The Syrian army retook Palmyra from ISIS.", ("syrian_state", "islamic_state"), "conflict"),
    ("The SDF took Manbij from Daesh last August.", ("sdf", "islamic_state"), "conflict"),
    ("Turkish troops exchanged artillery fire with the YPG on Sunday.", ("turkey", "ypg"), "conflict"),
    ("Russian jets flew sorties in support of the Syrian army.", ("russia", "syrian_state"), "coop"),
    ("Jabhat Fateh al-Sham absorbed Nour al-Din al-Zenki in January.", ("jfs", "zenki"), "coop"),
    ("The US-backed SDF advanced on Raqqa.", ("united_states", "sdf"), "coop"),
    ("Jaysh al Islam battled the Islamic State's fighters in Ghouta.", ("jaysh_al_islam", "islamic_state"), "conflict"),
    # (model retrained with the issue-11 gazetteer and roles: these two former known failures now pass)
    ("The SDF has been fighting with support from the US-led coalition against Daesh.", ("sdf", "us_led_coalition"),
     "coop"),
    ("The YPG closely cooperated with ISIL between 2013 and 2014, but was in open conflict with it in 2017.",
     ("ypg", "islamic_state"), "conflict"),
    # known failures of the trained model (measured, not hidden): a strict xfail turns red once they are fixed
    pytest.param("Clashes erupted between the Jabhat Tahrir Souriya, backed by the Suqour al-Sham Brigades, and "
                 "Hayat Tahrir al-Sham.", ("suqour_al_sham", "hts"), "conflict",
                 marks=pytest.mark.xfail(strict=True, reason="', and' co-listing pushes coop: the model says coop")),
])
def test_model_on_the_issues_sentences(gaz, cues, model, sentence, pair, expected):
    assert label_of(gaz, model, cues, sentence, pair) == expected


def test_model_file_round_trip_and_format(model, tmp_path):
    assert model.classes_ == ("coop", "conflict", "none")
    assert set(model.thresholds) == {"coop", "conflict", "none"} and all(0 < t < 1 for t in model.thresholds.values())
    path = relation_model.save_model(model, tmp_path / "m.json")
    assert path.read_text(encoding="utf-8") == config.RELATION_MODEL.read_text(encoding="utf-8")
    lines = path.read_text(encoding="utf-8").splitlines()
    weights = [x for x in lines if x.startswith('    "')]
    assert len(weights) == len(model.vocabulary_)  # one line per feature: a retrained model diffs line by line
    back = relation_model.load_model(path)
    feats = [["between:clashes", "cue_between:conflict", "cue_direct:conflict", "cue_between_last:conflict"],
             ["colisted", "colisted_or"], ["no:such feature"]]
    l1, b1, p1, w1 = model.predict(feats)
    l2, b2, p2, w2 = back.predict(feats)
    assert l1.tolist() == l2.tolist() and b1.tolist() == b2.tolist() and np.allclose(p1, p2) and w1 == w2
    assert b1.tolist() == ["conflict", "none", "none"] and "cue_between:conflict" in w1[0]
    assert w1[2] == ""  # no known feature: nothing decided it but the intercepts
    table = model.weights()
    assert list(table.columns) == ["feature", "meaning", "coop", "conflict", "none"]
    assert table.set_index("feature").loc["colisted_or", "meaning"] == "joined by 'or' in one slot"
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    with pytest.raises(ValueError, match="`format` must be 'relation-model/1'; got 'something-else'"):
        relation_model.load_model(bad)
    with pytest.raises(FileNotFoundError, match="train it with `make model`"):
        relation_model.load_model(tmp_path / "absent.json")


def test_unclear_below_the_class_threshold(model):
    strict = relation_model.RelationModel(model.classes_, model.vocabulary_, model.coef_, model.intercept_,
                                          {"coop": 1.0, "conflict": 1.0, "none": 1.0})
    labels, best, proba, _ = strict.predict([["between:clashes", "cue_between:conflict", "cue_direct:conflict"]])
    assert labels.tolist() == ["unclear"] and best.tolist() == ["conflict"] and 0.34 < proba[0] < 1.0


def test_fit_model_checks_its_input():
    with pytest.raises(ValueError, match="`labels` must be among coop, conflict, none; got \\['allies'\\]"):
        relation_model.fit_model([["a"]], ["allies"])
    with pytest.raises(ValueError, match="one entry per row; got 2 and 1"):
        relation_model.fit_model([["a"], ["b"]], ["coop"])


# ------------------------------------------------------------------------------------------- relations table
SEEDISH = {
    "wire-1": "Jaysh al Islam battled the Islamic State in Ghouta. The Syrian army retook Palmyra from ISIS.",
    "wire-2": "Jaysh al Islam battled the Islamic State in Ghouta. Nothing else happened that day.",
    "places": "Shelling near the border with Turkey killed three SDF fighters. Hezbollah fought alongside the Syrian army.",
}


def test_relations_table_columns_roles_and_offsets(gaz, cues, model):
    sents = sentences_of(SEEDISH)
    mentions = groups.find_mentions(sents, gazetteer=gaz)
    rel = relations_table(mentions, sents, model=model, cues=cues)
    assert list(rel.columns) == RELATION_COLUMNS
    assert set(rel["label"]) <= {"coop", "conflict", "none", "unclear"} and (rel["source"] == "model").all()
    assert (rel["group_a"] < rel["group_b"]).all()
    # offsets are into the section text, like the mentions'
    body = {d: t for d, t in SEEDISH.items()}
    r = rel[(rel["doc_id"] == "wire-1") & (rel["group_b"] == "jaysh_al_islam")].iloc[0]
    assert body["wire-1"][r["b_start"]:r["b_end"]] == "Jaysh al Islam"
    assert [body["wire-1"][int(a):int(b)] for a, b in (x.split("-") for x in r["cue_spans"].split(";"))] == ["battled"]
    assert r["best_label"] == "conflict" and r["label"] in ("conflict", "unclear") and r["why"].startswith("cue_")
    # with roles, only actors enter: "the border with Turkey" is a place
    roles = mentions.assign(role=np.where((mentions["group_id"] == "turkey"), "place", "actor"))
    with_roles = relations_table(roles, sents, model=model, cues=cues)
    assert ("sdf", "turkey") in set(zip(rel["group_a"], rel["group_b"]))
    assert ("sdf", "turkey") not in set(zip(with_roles["group_a"], with_roles["group_b"]))
    assert len(with_roles) == len(rel) - 1
    # nothing to relate
    empty = relations_table(mentions.iloc[:0], sents, model=model, cues=cues)
    assert empty.empty and list(empty.columns) == RELATION_COLUMNS
    with pytest.raises(ValueError, match="'group_kind' column, or pass `kinds`"):
        relations_table(mentions.drop(columns="group_kind"), sents, model=model, cues=cues)
    with pytest.raises(TypeError, match="`model` must be a RelationModel"):
        relations_table(mentions, sents, model="relations.json", cues=cues)


def test_corrections_override_the_model(gaz, cues, model, tmp_path):
    sents = sentences_of(SEEDISH)
    mentions = groups.find_mentions(sents, gazetteer=gaz)
    s0 = sents.iloc[0]
    corrections.record_correction("wire", doc_id="wire-1", section="body", sentence=0, text=s0["text"],
                                  group_a="jaysh_al_islam", group_b="islamic_state", label="none", who="analyst",
                                  when="2026-11-22T10:00:00+00:00", folder=tmp_path)
    corrections.record_correction("wire", doc_id="wire-2", section="body", sentence=0, text="an older text",
                                  group_a="islamic_state", group_b="jaysh_al_islam", label="coop", who="analyst",
                                  folder=tmp_path)
    corrections.record_correction("wire", doc_id="gone", section="body", sentence=3, text="x", group_a="a",
                                  group_b="b", label="coop", who="analyst", folder=tmp_path)
    corr = corrections.read_corrections(path=tmp_path / "wire.csv")
    assert len(corr) == 3 and "text" not in corr.columns
    with pytest.warns(UserWarning, match="2 correction\\(s\\) not applied: 1 whose sentence text changed, 1 whose"):
        rel = relations_table(mentions, sents, model=model, cues=cues, corrections=corr)
    fixed = rel[(rel["doc_id"] == "wire-1") & (rel["sentence"] == 0)].iloc[0]
    assert (fixed["label"], fixed["source"], fixed["best_label"]) == ("none", "curated", "conflict")
    assert fixed["model_label"] in ("conflict", "unclear")
    assert fixed["why"] == "curated by analyst on 2026-11-22T10:00:00+00:00"
    stale = rel[(rel["doc_id"] == "wire-2") & (rel["sentence"] == 0)].iloc[0]
    assert stale["source"] == "model" and stale["label"] == stale["model_label"]
    # the comentions table lists the curated sentence
    c = comentions(mentions, sents, relations=rel, gazetteer=gaz)
    doc = c[(c["doc_id"] == "wire-1") & (c["level"] == "document") & (c["group_b"] == "jaysh_al_islam")].iloc[0]
    assert (doc["n_curated"], doc["n_joint"], doc["n_conflict"], doc["polarity"]) == (1, 1, 0, "neutral")


def test_corrections_file(tmp_path):
    path = corrections.record_correction("my-corpus", doc_id="a", section="body", sentence=2, text="S.",
                                         group_a="nusra", group_b="hts", label="coop", who="kim", folder=tmp_path)
    corrections.record_correction("my-corpus", doc_id="a", section="body", sentence=2, text="S.", group_a="hts",
                                  group_b="nusra", label="none", who="lee", folder=tmp_path)
    assert path == tmp_path / "my-corpus.csv" and not list(tmp_path.glob(".*.tmp"))
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(corrections.CORRECTION_COLUMNS) and len(lines) == 3
    got = corrections.read_corrections(path=path)
    assert got[["group_a", "group_b", "label", "who"]].values.tolist() == [["hts", "nusra", "none", "lee"]]
    with pytest.raises(ValueError, match="`label` must be one of coop, conflict, none; got 'ally'"):
        corrections.record_correction("c", doc_id="a", section="body", sentence=0, text="S.", group_a="x",
                                      group_b="y", label="ally", who="kim", folder=tmp_path)
    with pytest.raises(ValueError, match="must not be inside a raw folder"):
        corrections.corrections_path("seeds", folder=config.ANNOTATED_CORPORA["seeds"] / "sub")
    path.write_text(path.read_text(encoding="utf-8") + "a,body,3,abc,x,y,friends,kim,now\n", encoding="utf-8")
    with pytest.raises(ValueError, match="my-corpus.csv: row 3: label must be one of"):
        corrections.read_corrections(path=path)
    assert corrections.corpus_name(config.ANNOTATED_CORPORA["seeds"]) == "seeds"
    assert corrections.corpus_name([tmp_path / "exports" / "site.jsonl"]) == "site"
    assert corrections.read_corrections("nothing-here").empty


# ------------------------------------------------------------------------------------------- annotations
def test_import_agreement_and_adjudication(tmp_path):
    items = pd.DataFrame({
        "item_id": ["r1", "r2", "r3", "r4"], "corpus": "c", "doc_id": ["d1", "d1", "d2", "d3"], "section": "body",
        "sentence": [0, 1, 0, 0], "text": ["A fought B.", "A and B.", "A backed B.", "A, B."], "a_start": 0,
        "a_end": 1, "a_group": "ga", "b_start": [8, 6, 9, 3], "b_end": [9, 7, 10, 4], "b_group": "gb", "hard": ""})
    items.to_csv(tmp_path / "items.csv", index=False)
    (tmp_path / "A.csv").write_text("item_id,relation,role_a,role_b,earlier,reported,note\n"
                                    "r1,coop,actor,actor,,,\nr2,coop,actor,actor,,,\nr3,none,actor,place,,,\n"
                                    "r4,conflict,actor,actor,,1,quote\nr9,coop,actor,actor,,,\nr1,friends,actor,actor,,,\n",
                                    encoding="utf-8")
    (tmp_path / "B.csv").write_text("item_id,relation,role_a,role_b,earlier,reported,note\n"
                                    "r1,coop,actor,actor,,,\nr2,none,actor,actor,,,\nr3,none,actor,actor,,,\n"
                                    "r4,conflict,actor,actor,,1,\n", encoding="utf-8")
    refs, rejects = relation_labels.import_labels(tmp_path / "items.csv", {"A": tmp_path / "A.csv", "B": tmp_path / "B.csv"})
    assert rejects.values.tolist() == [
        [str(tmp_path / "A.csv"), 5, "item_id 'r9' is not in items.csv"],
        [str(tmp_path / "A.csv"), 6, "item_id 'r1' labelled twice by A; the first label is kept"]]
    assert len(refs) == 8 and "text" not in refs.columns and "note" not in refs.columns
    assert refs.loc[0, "sentence_sha1"] == relation_labels.sentence_sha1("A fought B.")
    path = relation_labels.write_references(refs, tmp_path / "refs.csv")
    back = relation_labels.read_references(path)
    assert back.drop(columns="hard").equals(refs.drop(columns="hard").astype(back.drop(columns="hard").dtypes))
    ag = relation_labels.agreement(back)
    # A: coop coop none conflict; B: coop none none conflict -> observed 3/4, expected 5/16
    assert ag.kappa.iloc[0]["agreement"] == 0.75
    assert ag.kappa.iloc[0]["kappa"] == pytest.approx((0.75 - 0.3125) / (1 - 0.3125))
    assert ag.table.loc["coop", "none"] == 1 and int(ag.table.to_numpy().sum()) == 4
    gold = relation_labels.adjudicate(back).set_index("item_id")
    assert gold["relation"].to_dict() == {"r1": "coop", "r2": "none", "r3": "none", "r4": "conflict"}
    assert gold["disputed"].to_dict() == {"r1": False, "r2": True, "r3": False, "r4": False}
    assert gold.loc["r3", "role_b"] == "place" and bool(gold.loc["r4", "reported"])
    assert gold.loc["r1", "annotators"] == "A+B"


def test_load_annotated_checks_every_sentence(gaz, tmp_path):
    raw = tmp_path / "mini"
    raw.mkdir()
    (raw / "a.txt").write_text("Jaysh al Islam battled the Islamic State.\n\nHezbollah fought alongside the Syrian army.\n\n"
                               "Turkey said the SDF attacked the FSA near the border.\n", encoding="utf-8")
    sha = relation_labels.sentence_sha1
    old = "BEIRUT - Turkey said the SDF attacked the FSA near the border - YouTube"  # as annotated, before a cleaner change
    assert (old[25:28], old[42:45]) == ("SDF", "FSA")
    gold = pd.DataFrame([
        ("r1", "mini", "a", "body", 0, sha("Jaysh al Islam battled the Islamic State."),
         sha("Jaysh al Islam battled the Islamic State"), 0, 14, "jaysh_al_islam", 27, 40, "islamic_state", "conflict"),
        # renumbered: the sentence moved, found again by its sha1
        ("r2", "mini", "a", "body", 5, sha("Hezbollah fought alongside the Syrian army."), "",
         0, 9, "hezbollah", 31, 42, "syrian_state", "coop"),
        # the sentence changed around the pair: found again by the text from the first name to the second's end
        ("r3", "mini", "a", "body", 2, sha(old), sha("SDF attacked the FSA"), 25, 28, "sdf", 42, 45, "fsa", "conflict"),
        # the text between the names changed: a reject
        ("r4", "mini", "a", "body", 2, sha(old), sha("SDF has attacked the FSA"), 25, 28, "sdf", 46, 49, "fsa", "none"),
        ("r5", "elsewhere", "z", "body", 0, "0" * 40, "", 0, 1, "x", 2, 3, "y", "none"),
    ], columns=["item_id", "corpus", "doc_id", "section", "sentence", "sentence_sha1", "pair_sha1", "a_start", "a_end",
                "a_group", "b_start", "b_end", "b_group", "relation"])
    ann = relation_labels.load_annotated(gold, corpora={"mini": raw, "elsewhere": tmp_path / "absent.csv"}, gazetteer=gaz)
    assert ann.items["item_id"].tolist() == ["r1", "r2", "r3"]
    items = ann.items.set_index("item_id")
    r2 = items.loc["r2"]
    assert r2["sentence"] == 1 and r2["text"][r2["a_start"]:r2["a_end"]] == "Hezbollah" and not r2["relocated"]
    assert r2["group_kind_a"] == "militia" and r2["others"] == []
    r3 = items.loc["r3"]
    assert r3["relocated"] and r3["sentence"] == 2
    assert (r3["text"][r3["a_start"]:r3["a_end"]], r3["text"][r3["b_start"]:r3["b_end"]]) == ("SDF", "FSA")
    assert [r3["text"][s:e] for s, e, _ in r3["others"]] == ["Turkey"]
    assert ann.rejects.values.tolist() == [["r4", "sentence not found in the build (document gone, or the text "
                                                  "between the two names changed)"]]
    assert "not found at" in ann.skipped["elsewhere"]


# ------------------------------------------------------------------------------------------- over time
def test_relations_over_time_and_sign_changes():
    rel = pd.DataFrame({
        "doc_id": ["a", "a", "b", "c", "c", "d", "e"], "section": "body", "sentence": [1, 2, 0, 3, 4, 0, 0],
        "group_a": "islamic_state", "group_b": "ypg",
        "label": ["coop", "coop", "none", "conflict", "conflict", "conflict", "coop"],
        "source": ["model", "model", "model", "curated", "model", "model", "model"]})
    docs = pd.DataFrame({"doc_id": list("abcde"),
                         "published": pd.to_datetime(["2014-03-01", "2015-01-01", "2017-05-01", "2017-06-01", None]),
                         "published_provenance": ["explicit", "explicit", "explicit", "inferred", "unknown"]})
    ts = timeline.relations_over_time(rel, docs, freq="Y", min_sentences=1)
    assert list(ts.dated.columns) == timeline.RELATION_PERIOD_COLUMNS
    assert ts.dated["relation"].tolist() == ["coop", "none", "conflict"]
    assert ts.dated.loc[2, ["n_documents", "n_sentences", "n_conflict", "n_curated"]].tolist() == [2, 3, 3, 1]
    assert ts.undated["doc_id"].tolist() == ["e"]  # never placed on a guessed date
    ch = timeline.relation_changes(rel, docs, freq="Y", min_sentences=2)
    assert list(ch.columns) == timeline.RELATION_CHANGE_COLUMNS and len(ch) == 1
    row = ch.iloc[0]
    assert (row["period_before"].year, row["relation_before"], row["n_before"]) == (2014, "coop", 2)
    assert (row["period_after"].year, row["relation_after"], row["n_after"]) == (2017, "conflict", 3)
    assert row["evidence_before"] == "a/body:1;a/body:2"
    assert row["evidence_after"].split(";") == ["c/body:3", "c/body:4", "d/body:0"]
    assert timeline.relation_changes(rel, docs, freq="Y", min_sentences=4).empty
    with pytest.raises(ValueError, match="`min_sentences` must be an int >= 1; got 0"):
        timeline.relations_over_time(rel, docs, min_sentences=0)


# ------------------------------------------------------------------------------------------- the build stage
def test_build_stage_with_a_correction(tmp_path, monkeypatch):
    from analysis import store
    from analysis.build import build_corpus, is_current

    monkeypatch.setattr(config, "CORRECTIONS_DIR", tmp_path / "corrections")
    raw = tmp_path / "wire"
    raw.mkdir()
    (raw / "one.txt").write_text("Army retakes town\n\nThe Syrian army retook Palmyra from ISIS on Sunday.\n\n"
                                 "Hezbollah fought alongside the Syrian army.\n", encoding="utf-8")
    (raw / "two.txt").write_text("No dates here\n\nJaysh al Islam battled the Islamic State in Ghouta.\n",
                                 encoding="utf-8")
    out = tmp_path / "out"
    build_corpus([raw], out)
    rel = load_corpus(out=out, rebuild="never").table("relations")
    assert list(rel.columns) == RELATION_COLUMNS and len(rel) == 3 and (rel["source"] == "model").all()
    manifest = store.read_manifest(out)
    assert is_current(out, manifest, manifest["settings"])
    row = rel[(rel["doc_id"] == "one") & (rel["group_a"] == "hezbollah")].iloc[0]
    sents = load_corpus(out=out, rebuild="never").table("sentences").set_index(["doc_id", "section", "sentence"])
    corrections.record_correction(corrections.corpus_name([raw]), doc_id="one", section="body",
                                  sentence=int(row["sentence"]), text=sents.loc[("one", "body", int(row["sentence"])), "text"],
                                  group_a="hezbollah", group_b="syrian_state", label="conflict", who="test")
    assert not is_current(out, manifest, manifest["settings"])  # a new correction makes the build stale
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        build_corpus([raw], out)
    rel2 = load_corpus(out=out, rebuild="never").table("relations").set_index(["doc_id", "group_a", "group_b"])
    assert rel2.loc[("one", "hezbollah", "syrian_state"), "source"] == "curated"
    assert rel2.loc[("one", "hezbollah", "syrian_state"), "label"] == "conflict"
    com = load_corpus(out=out, rebuild="never").table("comentions")
    doc = com[(com["doc_id"] == "one") & (com["level"] == "document") & (com["group_a"] == "hezbollah")
              & (com["group_b"] == "syrian_state")].iloc[0]
    assert doc["n_curated"] == 1 and doc["polarity"] == "conflict"
    assert not (raw / "corrections").exists() and len(list(raw.iterdir())) == 2  # raw data never written to


# ------------------------------------------------------------------------------------------- FA-KES
@pytest.mark.shared
def test_retraining_reproduces_the_committed_model(fakes_csv, tmp_path):
    from analysis.relation_training import train_and_evaluate

    committed = relation_model.load_model()
    model, ev = train_and_evaluate(model_path=tmp_path / "m.json", eval_path=tmp_path / "e.json", corrections=False)
    assert not [n for n in ev["data"]["notes"] if n.startswith("skipped")]
    assert ev["data"]["items"] >= 1500  # of 1,650: a few pairs' text changed with the cleaner since annotation
    assert model.classes_ == committed.classes_ and model.thresholds == committed.thresholds
    assert sorted(model.vocabulary_) == sorted(committed.vocabulary_)
    order = [model.vocabulary_[f] for f in committed.features_]
    assert np.allclose(model.coef_[:, order], committed.coef_, atol=1e-4)
    stored = json.loads(config.RELATION_EVAL.read_text(encoding="utf-8"))
    assert stored["heldout"]["forced"] == ev["heldout"]["forced"]
    assert stored["agreement"]["kappa"] == ev["agreement"]["kappa"]


def test_evaluation_tables_from_the_committed_file():
    from analysis.relation_training import evaluation_tables

    ev = json.loads(config.RELATION_EVAL.read_text(encoding="utf-8"))
    t = evaluation_tables()
    assert t["agreement"]["annotators"].tolist()[-1] == "all pairs" and t["agreement"]["kappa"].between(0, 1).all()
    assert int(t["agreement_table"].to_numpy().sum()) == t["agreement"]["n_items"].iloc[-1]
    held = t["scores"].set_index(["split", "method"]).loc[("held-out", "model")]
    assert held["accuracy"] == ev["heldout"]["forced"]["accuracy"]
    assert held["coop_precision"] == ev["heldout"]["forced"]["per_class"]["coop"]["precision"]
    assert int(t["confusion"].to_numpy().sum()) == ev["heldout"]["forced"]["n"]
    assert list(t["confusion"].columns) == ["coop", "conflict", "none", "unclear"]
