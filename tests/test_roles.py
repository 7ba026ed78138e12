"""analysis.roles: actor / descriptor / place for every mention, the rules file, and the build's mentions.

Three kinds of text: sentences written here in the shapes of other outlets (wire copy, think-tank prose,
state media, Wikipedia, a newsletter with diacritics), the seed articles (data/raw) and FA-KES read in place
from ../shared (referenced by document id and mention, never copied here).
"""
from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from analysis import build, groups, roles, text
from analysis.corpus import load_corpus
from analysis.roles import RoleRulesError, assign_roles, load_role_rules, role_of


@pytest.fixture(scope="module")
def gaz():
    return groups.load_gazetteer()


@pytest.fixture(scope="module")
def rules():
    return load_role_rules()


def sentences_of(docs: dict[str, str], section: str = "body") -> pd.DataFrame:
    rows = [(d, section, p, n, a, b, t[a:b]) for d, t in docs.items() for p, n, a, b in text.iter_sentences(t)]
    return pd.DataFrame(rows, columns=groups.SENTENCE_COLUMNS)


def roles_in(gaz, rules, s: str) -> list[tuple[str, str, str]]:
    sents = sentences_of({"d": s})
    m = assign_roles(groups.find_mentions(sents, gazetteer=gaz), sents, rules=rules)
    return list(zip(m["alias"], m["group_id"], m["role"]))


# ------------------------------------------------------------------------------- sentences of other outlets
@pytest.mark.parametrize(
    "text_in, expected",
    [
        # wire copy
        ("BEIRUT (Reuters) - Fighters from the al Qaeda-linked Hayat Tahrir al-Sham seized two villages near the "
         "border with Turkey on Tuesday, the Britain-based Syrian Observatory for Human Rights said.",
         [("al Qaeda", "al_qaeda", "descriptor"), ("Hayat Tahrir al-Sham", "hts", "actor"),
          ("Turkey", "turkey", "place"), ("Britain", "uk", "place")]),
        ("The formerly al Qaeda-affiliated HTS took the town after Russian attacks on its defenders.",
         [("al Qaeda", "al_qaeda", "descriptor"), ("HTS", "hts", "actor"), ("Russian attacks", "russia", "actor")]),
        ("Air strikes hit the ISIS-held town of al-Bab, where US-backed fighters were advancing.",
         [("ISIS", "islamic_state", "descriptor"), ("US", "united_states", "descriptor")]),
        ("Rebels who include fighters of Al-Qaeda affiliate Al-Nusra Front recaptured the hill from regime fighters.",
         [("Al-Qaeda", "al_qaeda", "descriptor"), ("Al-Nusra Front", "nusra", "actor"),
          ("regime fighters", "syrian_state", "actor")]),
        # think-tank prose
        ("Hurras al-Din, which split from HTS in February 2018, presents itself as al-Qaeda's Syrian affiliate.",
         [("Hurras al-Din", "hurras_al_din", "actor"), ("HTS", "hts", "actor"), ("al-Qaeda", "al_qaeda", "descriptor")]),
        ("Jabhat al-Nusra, an affiliate of al-Qaeda, fought alongside Ahrar al-Sham in Idlib.",
         [("Jabhat al-Nusra", "nusra", "actor"), ("al-Qaeda", "al_qaeda", "descriptor"),
          ("Ahrar al-Sham", "ahrar_al_sham", "actor")]),
        ("The YPG-led SDF and the Manbij Military Council pushed into the Daesh stronghold of Raqqa.",
         [("YPG", "ypg", "descriptor"), ("SDF", "sdf", "actor"), ("Manbij Military Council", "manbij_military_council", "actor"),
          ("Daesh", "islamic_state", "descriptor")]),
        # Russian and Iranian state media
        ("Militants of the Jabhat al-Nusra terrorist group (banned in Russia) shelled positions of the Syrian Arab Army.",
         [("Jabhat al-Nusra", "nusra", "actor"), ("Russia", "russia", "place"), ("Syrian Arab Army", "syrian_state", "actor")]),
        ("Shiite volunteers from Iran fought alongside the Syrian army, while Turkey shelled Kurdish positions.",
         [("Iran", "iran", "place"), ("Syrian army", "syrian_state", "actor"), ("Turkey", "turkey", "actor")]),
        ("Damascus recaptured the town with air support from Russia and advisers from Iran.",
         [("Russia", "russia", "actor"), ("Iran", "iran", "actor")]),
        ("Troops loyal to President Bashar al-Assad entered the anti-ISIS coalition's former base.",
         [("Troops loyal to President Bashar al-Assad", "syrian_state", "actor"),
          ("anti-ISIS coalition", "us_led_coalition", "actor")]),
        # Wikipedia
        ("The Islamic State emerged from al-Qaeda in Iraq, founded as Jama'at al-Tawhid wal-Jihad in 1999.",
         [("Islamic State", "islamic_state", "actor"), ("al-Qaeda in Iraq", "aqi", "actor"),
          ("Jama'at al-Tawhid wal-Jihad", "jtj", "actor")]),
        ("The 1st Coastal Division and the 13th Division joined the National Front for Liberation.",
         [("1st Coastal Division", "first_coastal_division", "actor"), ("13th Division", "division_13", "actor"),
          ("National Front for Liberation", "nfl", "actor")]),
        # a newsletter with transliterations (combining characters, ayn/hamza signs)
        ("Ḥayʾat Taḥrīr al-Shām and Ḥurrās ad-Dīn clashed south of Idlib.",
         [("Ḥayʾat Taḥrīr al-Shām", "hts", "actor"), ("Ḥurrās ad-Dīn", "hurras_al_din", "actor")]),
        # places and nationalities
        ("The Kremlin said the talks in Russia would include Turkey and Iran.",
         [("Kremlin", "russia", "actor"), ("Russia", "russia", "place"), ("Turkey", "turkey", "actor"),
          ("Iran", "iran", "actor")]),
        ("ISIL claims the beheading of a US aid worker who had travelled to Turkey.",
         [("ISIL", "islamic_state", "actor"), ("US", "united_states", "place"), ("Turkey", "turkey", "place")]),
        ("A convoy crossed into Syria from Turkey along the Syria-Turkey border.",
         [("Turkey", "turkey", "place"), ("Turkey", "turkey", "place")]),
    ],
)
def test_roles_in_sentences_of_other_outlets(gaz, rules, text_in, expected):
    assert roles_in(gaz, rules, text_in) == expected


@pytest.mark.parametrize(
    "text_in, alias, role, cue",
    [
        ("the al-Qaeda-linked Nusra Front", "al-Qaeda", "descriptor", "-linked"),
        ("the al Qaeda linked Nusra Front", "al Qaeda", "descriptor", " linked"),
        ("Nusra Front Al-Qaidas Syria affiliate drove them out", "Al-Qaida", "descriptor", "s syria affiliate"),
        ("IS emerged from Al-Qaeda's one-time branch in Iraq", "Al-Qaeda", "descriptor", "'s one-time branch"),
        ("ISIS and its affiliates", "ISIS", "actor", ""),
        ("the US backed the SDF", "US", "actor", ""),
        ("a US-Russia brokered ceasefire", "US", "descriptor", "-russia brokered"),
        ("near the Atmeh border crossing with Turkey", "Turkey", "place", "border crossing with "),
        ("he returned to Russia", "Russia", "place", "returned to "),
        ("a threat to Russia", "Russia", "actor", ""),
        ("objections from Iran and Russia", "Iran", "actor", ""),
        ("pro-al Qaeda jihadists", "al Qaeda", "descriptor", "pro-"),
        ("pushed into the regime's strongholds", "the regime", "actor", ""),
        ("from the regime-besieged town of Madaya", "regime", "descriptor", "-besieged"),
        ("two pro-regime villages", "regime", "descriptor", "pro-"),
        ("mainly Turkish-backed FSA members", "Turkish", "descriptor", "-backed"),
        ("a British-based monitoring group", "British", "place", "-based"),
        ("the Russian embassy in London", "Russian", "place", " embassy"),
        ("waiting in the Turkish city of Gaziantep", "Turkish", "place", " city"),
        ("despite a Russian deadline", "Russian", "actor", ""),
        ("John Kerry will travel to Moscow this week", "Moscow", "place", "travel to "),
        ("a deal brokered by Moscow and Washington", "Moscow", "actor", ""),
        ("fighting alongside other factions in Ankaras offensive", "Ankara", "actor", ""),
        ("Yet in Moscow the Foreign Ministry said", "Moscow", "place", "in "),
    ],
)
def test_role_of_one_span(rules, text_in, alias, role, cue):
    i = text_in.index(alias)
    assert role_of(text_in, i, i + len(alias), rules=rules) == (role, cue)


# ------------------------------------------------------------------------------- seeds and FA-KES
@pytest.mark.parametrize(
    "doc, alias, k, group_id, role",
    [
        ("000_d686775f40cc3bfe", "al Qaeda", 0, "al_qaeda", "descriptor"),  # "an official branch of al Qaeda"
        ("000_d686775f40cc3bfe", "al Qaeda", 1, "al_qaeda", "descriptor"),  # "which is linked to al Qaeda"
        ("000_d686775f40cc3bfe", "Al Nusrah Front", 0, "nusra", "actor"),
        ("002_37241c7d1fbbb02d", "al Qaeda", 0, "al_qaeda", "actor"),  # "a jihadist ideologue who backs al Qaeda"
        ("002_37241c7d1fbbb02d", "al Qaeda", 1, "al_qaeda", "actor"),  # "the al Qaeda fighters"
        ("002_37241c7d1fbbb02d", "al Qaeda", 2, "al_qaeda", "descriptor"),  # "another al Qaeda-linked ..."
        ("003_5d8a2d34b2c5a701", "the regime", 0, "syrian_state", "actor"),  # "the regime's strongholds"
    ],
)
def test_roles_in_the_seeds(gaz, rules, seeds_raw, doc, alias, k, group_id, role):
    body = (seeds_raw / f"{doc}.txt").read_text(encoding="utf-8")
    sents = sentences_of({doc: body})
    m = assign_roles(groups.find_mentions(sents, gazetteer=gaz), sents, rules=rules)
    hit = m[m["alias"] == alias].iloc[k]
    assert (hit["group_id"], hit["role"]) == (group_id, role)
    assert body[hit["start"]:hit["end"]] == alias


FAKES_CASES = [  # (unit_id, alias, occurrence in the article, group_id, role): train documents only
    (1915433683, "al Qaeda", 1, "al_qaeda", "descriptor"),  # "The al Qaeda-linked insurgents"
    (1915433685, "al-Qaeda", 1, "al_qaeda", "descriptor"),
    (1924058219, "Russia", 0, "russia", "place"),  # "(banned in Russia)"
    (1965495343, "Russia", 0, "russia", "place"),
    (1918398786, "Turkey", 0, "turkey", "place"),  # "near the border with Turkey"
    (1918398793, "US", 0, "united_states", "descriptor"),  # "A US-backed alliance"
    (1915433687, "al-Qaeda", 0, "al_qaeda", "descriptor"),  # apostrophe lost: "al-Qaedas Syria affiliate"
    (1923848128, "Iran", 0, "iran", "place"),  # "Shia fighters from Iran"
    (1914947530, "forces loyal to Syrian President Bashar al-Assad", 0, "syrian_state", "actor"),
    (1915433683, "fighters loyal to Assads regime", 0, "syrian_state", "actor"),
    (1919191745, "regime fighters", 0, "syrian_state", "actor"),
    (1923102846, "Russian raids", 0, "russia", "actor"),
    (1924058200, "Fatah Sham Front", 0, "jfs", "actor"),  # not `levant_front` through "Sham Front"
    (1918398782, "ISIS", 8, "islamic_state", "descriptor"),  # "anti-ISIS activist network"
]


@pytest.mark.shared
def test_roles_in_fakes(gaz, rules, fakes_csv):
    df = pd.read_csv(fakes_csv).set_index("unit_id")
    ids = sorted({c[0] for c in FAKES_CASES})
    docs = {i: str(df.at[i, "article_content"]) for i in ids}
    sents = sentences_of(docs)
    m = assign_roles(groups.find_mentions(sents, gazetteer=gaz), sents, rules=rules)
    for unit, alias, k, group_id, role in FAKES_CASES:
        hit = m[(m["doc_id"] == unit) & (m["alias"] == alias)].iloc[k]
        assert (unit, alias, hit["group_id"], hit["role"]) == (unit, alias, group_id, role)
        assert docs[unit][hit["start"]:hit["end"]] == alias


@pytest.mark.shared
def test_al_qaeda_is_mostly_a_descriptor_in_fakes(gaz, rules, fakes_csv):
    df = pd.read_csv(fakes_csv)
    sents = sentences_of({str(u): str(t) for u, t in zip(df["unit_id"], df["article_content"])})
    m = assign_roles(groups.find_mentions(sents, gazetteer=gaz), sents, rules=rules)
    aq = m.loc[m["group_id"] == "al_qaeda", "role"].value_counts()
    assert aq["descriptor"] >= 138 and aq["descriptor"] > 2 * aq["actor"]
    turkey = m.loc[m["alias"] == "Turkey", "role"].value_counts()
    assert turkey["place"] > 50 and turkey["actor"] > turkey["place"]
    assert set(m["role"]) == set(roles.ROLES)


# ------------------------------------------------------------------------------- the table and the rules file
def test_assign_roles_keeps_rows_order_and_columns(gaz, rules):
    docs = {"b": "Turkey shelled the YPG. Later the US-backed SDF retook the town.", "a": "Iran and Russia met in Turkey."}
    sents = sentences_of(docs)
    found = groups.find_mentions(sents, gazetteer=gaz)
    out = assign_roles(found, sents, rules=rules)
    assert list(out.columns) == list(found.columns) + roles.ROLE_COLUMNS
    assert out[found.columns].equals(found)
    assert list(zip(out["doc_id"], out["alias"], out["role"])) == [
        ("a", "Iran", "actor"), ("a", "Russia", "actor"), ("a", "Turkey", "place"),
        ("b", "Turkey", "actor"), ("b", "YPG", "actor"), ("b", "US", "descriptor"), ("b", "SDF", "actor")]


def test_assign_roles_empty_and_bad_input(gaz, rules):
    sents = sentences_of({"d": "Nothing here."})
    empty = assign_roles(groups.find_mentions(sents, gazetteer=gaz), sents, rules=rules)
    assert empty.empty and list(empty.columns) == groups.MENTION_COLUMNS + roles.ROLE_COLUMNS
    assert list(roles.empty_mentions().columns) == groups.MENTION_COLUMNS + roles.ROLE_COLUMNS
    with pytest.raises(TypeError, match="`mentions` must be a pandas DataFrame"):
        assign_roles("Turkey", sents, rules=rules)
    with pytest.raises(TypeError, match=r"`rules` must be RoleRules .*got dict"):
        assign_roles(empty, sents, rules={})
    found = groups.find_mentions(sentences_of({"d": "Turkey shelled the YPG."}), gazetteer=gaz)
    with pytest.raises(ValueError, match=r"must contain the sentence of every mention; 2 mention\(s\) have none, "
                                         r"e.g. doc_id='d', section='body', sentence=0"):
        assign_roles(found, sents.assign(doc_id="other"), rules=rules)
    with pytest.raises(ValueError, match=r"`start`, `end` must be offsets of a span in `text`"):
        role_of("Turkey", 3, 10, rules=rules)


def write(tmp_path, body: str):
    p = tmp_path / "roles.yaml"
    p.write_text(textwrap.dedent(body), encoding="utf-8")
    return p


def test_a_small_rules_file(tmp_path):
    r = load_role_rules(write(tmp_path, """
        place_names: [Atlantis]
        place_before: ["\\\\bsailed to\\\\s+"]
        descriptor_after: ["-friendly"]
        """))
    assert role_of("They sailed to Atlantis.", 15, 23, rules=r) == ("place", "sailed to ")
    assert role_of("an Atlantis-friendly rebel group", 3, 11, rules=r) == ("descriptor", "-friendly")
    assert role_of("Atlantis attacked.", 0, 8, rules=r) == ("actor", "")


@pytest.mark.parametrize(
    "body, message",
    [
        ("place_names: Turkey\n", r"roles.yaml: field 'place_names' must be a list of non-empty strings; got 'Turkey'"),
        ("descriptor_after: ['-(linked']\n", r"roles.yaml: field 'descriptor_after' item 0 must be a valid regular "
                                            r"expression \(missing \), unterminated subpattern.*got '-\(linked'"),
        ("descriptor_afterr: ['-linked']\n", r"unknown field\(s\) \['descriptor_afterr'\]; allowed fields are"),
        ("- a\n- b\n", r"the document must be a mapping"),
        ("place_names: [\n", r"not valid YAML"),
    ],
)
def test_broken_rules_files_name_file_field_and_value(tmp_path, body, message):
    with pytest.raises(RoleRulesError, match=message):
        load_role_rules(write(tmp_path, body))


def test_missing_rules_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="`path` must be a role rules file"):
        load_role_rules(tmp_path / "nope.yaml")


# ------------------------------------------------------------------------------- the build writes the roles
def test_build_writes_roles(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "wire.txt").write_text(
        "Rebels seize villages near Turkish border\n\nFighters of the al-Qaeda-linked Nusra Front seized two villages "
        "near the border with Turkey, the Britain-based Syrian Observatory for Human Rights said.\n", encoding="utf-8")
    (raw / "empty.txt").write_text("Weather\n\nIt rained in the north on Tuesday and the roads were closed.\n",
                                   encoding="utf-8")
    build.build_corpus([raw], out_dir=tmp_path / "out", workers=1, progress=False)
    m = load_corpus(out=tmp_path / "out", rebuild="never").table("mentions")
    assert list(m.columns) == groups.MENTION_COLUMNS + roles.ROLE_COLUMNS
    assert list(zip(m["alias"], m["role"])) == [("al-Qaeda", "descriptor"), ("Nusra Front", "actor"),
                                                ("Turkey", "place"), ("Britain", "place")]
