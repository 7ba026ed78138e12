"""analysis.groups: the gazetteer file, alias matching, the mentions table and replace_group_names.

Texts are real sentences from the seed articles (data/raw) and FA-KES, unless a case needs a minimal string.
"""
from __future__ import annotations

import textwrap

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from analysis import groups, text
from analysis.groups import GazetteerError, find_mentions, load_gazetteer, replace_group_names


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def sentences_of(docs: dict[str, str], section: str = "body") -> pd.DataFrame:
    """A sentences table (data contract columns) for {doc_id: section text}."""
    rows = [(d, section, p, n, a, b, t[a:b]) for d, t in docs.items() for p, n, a, b in text.iter_sentences(t)]
    return pd.DataFrame(rows, columns=groups.SENTENCE_COLUMNS)


def found(gaz, s: str) -> list[tuple[str, str]]:
    return [(s[a:b], gaz._gids[g]) for a, b, _, g in gaz.scan(s)]


# ------------------------------------------------------------------------------------------- alias families
@pytest.mark.parametrize(
    "text_in, expected",
    [
        ("The three organizations are Al Nusrah Front, Ahrar al Sham and Ajnad al Sham.",
         [("Al Nusrah Front", "nusra"), ("Ahrar al Sham", "ahrar_al_sham"), ("Ajnad al Sham", "ajnad_al_sham")]),
        ("formerly Jabhat al-Nusra, the Syrian branch of al-Qaeda",
         [("Jabhat al-Nusra", "nusra"), ("al-Qaeda", "al_qaeda")]),
        ("the alliance of Faylaq al-Rahman and the Al-Nusra Front",
         [("Faylaq al-Rahman", "faylaq_al_rahman"), ("Al-Nusra Front", "nusra")]),
        ("head-chopper FSA/Nusra minions", [("FSA", "fsa"), ("Nusra", "nusra")]),
        ("Jaysh al-Islam issued an official video", [("Jaysh al-Islam", "jaysh_al_islam")]),
        ("Jaish al-Islam spokesman Hamza Birqdar said", [("Jaish al-Islam", "jaysh_al_islam")]),
        ("One of them is Jaysh al Islam (\"Army of Islam\")",
         [("Jaysh al Islam", "jaysh_al_islam"), ("Army of Islam", "jaysh_al_islam")]),
        ("Jeish al-Islam Faylaq al-Rahman", [("Jeish al-Islam", "jaysh_al_islam"), ("Faylaq al-Rahman", "faylaq_al_rahman")]),
        ("Hay’at Tahrir al-Sham (HTS; formerly", [("Hay’at Tahrir al-Sham", "hts"), ("HTS", "hts")]),
        ("Hay'at Tahrir al Sham", [("Hay'at Tahrir al Sham", "hts")]),
        ("Hayat Tahrir al-Sham", [("Hayat Tahrir al-Sham", "hts")]),
        ("the “Guardians of Religion” organization (Hurras al-Deen)",
         [("Guardians of Religion", "hurras_al_din"), ("Hurras al-Deen", "hurras_al_din")]),
        ("Hurras al-Din", [("Hurras al-Din", "hurras_al_din")]),
        ("as well as the Islamic Front and Ahrar a-Sham, to battle",
         [("Islamic Front", "islamic_front"), ("Ahrar a-Sham", "ahrar_al_sham")]),
        ("With sudden advances in Aleppo, Islamic State provokes counteroffensive", [("Islamic State", "islamic_state")]),
        ("This in essence unites both factions against ISIS, who have strongly condemned JMA",
         [("ISIS", "islamic_state"), ("JMA", "jma")]),
        ("Daesh claimed the attack", [("Daesh", "islamic_state")]),
        ("ISIL al-Nusra Front", [("ISIL", "islamic_state"), ("al-Nusra Front", "nusra")]),
        ("joint operations this week with Chechen-led Jaish al-Muhajireen wal-Ansar",
         [("Jaish al-Muhajireen wal-Ansar", "jma")]),
        ("joint operations with Jaish al-Muhajireen wal Ansar.", [("Jaish al-Muhajireen wal Ansar", "jma")]),
        ("The alliance, named Jund al Malahim (\"Soldiers of the Epics\")",
         [("Jund al Malahim", "jund_al_malahim"), ("Soldiers of the Epics", "jund_al_malahim")]),
        ("Jaysh al Fateh (\"Army of Conquest\")", [("Jaysh al Fateh", "jaysh_al_fateh"), ("Army of Conquest", "jaysh_al_fateh")]),
        ("Jeish Al Fatah Terrorists", [("Jeish Al Fatah", "jaysh_al_fateh")]),
        ("fighters who belonged to the Levant Front, a coalition", [("Levant Front", "levant_front")]),
        ("a joint military operations room known as Al Bunyan al Marsous.", [("Al Bunyan al Marsous", "al_bunyan_al_marsous")]),
        ("Jabhat Fatah al Sham", [("Jabhat Fatah al Sham", "jfs")]),
        ("Fateh al-Sham Front which", [("Fateh al-Sham Front", "jfs")]),
        ("Nour al-Din al-Zenki and Nureddin al-Zinki", [("Nour al-Din al-Zenki", "zenki"), ("Nureddin al-Zinki", "zenki")]),
        ("Syrian Democratic Forces (SDF) and the YPG", [("Syrian Democratic Forces", "sdf"), ("SDF", "sdf"), ("YPG", "ypg")]),
        ("Kurdish People’s Protection Units", [("Kurdish People’s Protection Units", "ypg")]),
        ("Hezbollah and Kata'ib Hezbollah", [("Hezbollah", "hezbollah"), ("Kata'ib Hezbollah", "kataib_hezbollah")]),
        ("Liwa Fatemiyoun and Zainebiyoun", [("Liwa Fatemiyoun", "fatemiyoun"), ("Zainebiyoun", "zainebiyoun")]),
        ("the Quds Force of the IRGC", [("Quds Force", "irgc"), ("IRGC", "irgc")]),
        ("a credible defence against the SAA.", [("SAA", "syrian_state")]),
        ("Free Syrian Army and Syrian army", [("Free Syrian Army", "fsa"), ("Syrian army", "syrian_state")]),
        ("Syrian Arab Army", [("Syrian Arab Army", "syrian_state")]),
        ("to combat the Syrian regime and Russian forces.", [("Syrian regime", "syrian_state"), ("Russian forces", "russia")]),
        ("Assad's regime has committed a number of crimes", [("Assad's regime", "syrian_state")]),
        ("government fources anti-terror efforts", []),  # a typo is not a name
        ("the US had said it wouldn’t interfere in the Assad regime’s offensive",
         [("US", "united_states"), ("Assad regime", "syrian_state")]),
        ("Russian aircraft had joined the battle", [("Russian aircraft", "russia")]),
        ("HTS supported a joint offensive", [("HTS", "hts")]),
        ("Jabhat Ansar al-Din and the Turkistan Islamic Party", [("Jabhat Ansar al-Din", "jabhat_ansar_al_din"),
                                                                 ("Turkistan Islamic Party", "tip")]),
        ("the National Front for Liberation and the Syrian National Army",
         [("National Front for Liberation", "nfl"), ("Syrian National Army", "sna")]),
        ("the Syrian Coalition held the Assad regime responsible",
         [("Syrian Coalition", "national_coalition"), ("Assad regime", "syrian_state")]),
        ("Jaysh al-Izza and Jaysh al-Tahrir", [("Jaysh al-Izza", "jaysh_al_izza"), ("Jaysh al-Tahrir", "jaysh_al_tahrir")]),
        ("Tiger Forces and the 4th Division and the NDF",
         [("Tiger Forces", "tiger_forces"), ("4th Division", "fourth_division"), ("NDF", "ndf")]),
        ("the Popular Mobilization Forces", [("Popular Mobilization Forces", "pmf")]),
    ],
)
def test_alias_families_resolve_to_one_group(gaz, text_in, expected):
    assert found(gaz, text_in) == expected


@pytest.mark.parametrize(
    "text_in, expected",
    [
        # "Islamic Front" is never found inside "Islamic State", nor the other way round
        ("the Islamic State's latest offensive", [("Islamic State", "islamic_state")]),
        ("the Islamic Front in Aleppo", [("Islamic Front", "islamic_front")]),
        ("the Kurdish Islamic Front", [("Kurdish Islamic Front", "kurdish_islamic_front")]),
        # generic words are not groups
        ("the Muslim ummah in the Levant and elsewhere", []),
        ("those on the front lines against", []),
        ("to create an Islamic state governed by sharia", []),
        ("on the southern front", []),
        ("Syrian opposition forces and anti-Russian alliance", []),
        # "anti-" flips a demonym phrase to the other side
        ("The anti-Assad forces in Daraa coordinated", []),
        # a place is still a mention: analysis.roles gives it the role `place`
        ("the Syrian Observatory for Human Rights a Britain-based monitor", [("Britain", "uk")]),
    ],
)
def test_ambiguous_words(gaz, text_in, expected):
    assert found(gaz, text_in) == expected


@pytest.mark.parametrize(
    "text_in, expected",
    [
        ("IS fighters displayed the bodies", [("IS", "islamic_state")]),
        ("Dabiq holds symbolic importance for IS because", [("IS", "islamic_state")]),
        ("HTS is headquartered in Idlib", [("HTS", "hts")]),
        ("Is it over? It is.", []),
        ("THE SITUATION IS DIRE", []),
        ("ISIS, ISIL or Isis", [("ISIS", "islamic_state"), ("ISIL", "islamic_state"), ("Isis", "islamic_state")]),
        ("the goddess isis", []),
        ("they told us nothing", []),
        ("US-backed SDF", [("US", "united_states"), ("SDF", "sdf")]),
    ],
)
def test_case_rules_for_acronyms(gaz, text_in, expected):
    assert found(gaz, text_in) == expected


def test_longest_match_is_one_mention(gaz):
    s = "Sami al Uraydi, Al Nusrah Front's chief sharia official, endorsed Maqdisi's response on Twitter."
    assert found(gaz, s) == [("Al Nusrah Front", "nusra")]
    assert found(gaz, "Islamic State of Iraq and the Levant") == [("Islamic State of Iraq and the Levant", "islamic_state")]


def test_possessives(gaz):
    s = "For months, Jaysh al Islam's Twitter feed has advertised its repeated clashes with the Islamic State."
    assert found(gaz, s) == [("Jaysh al Islam", "jaysh_al_islam"), ("Islamic State", "islamic_state")]
    # FA-KES dropped apostrophes: "Daeshs de facto capital"
    assert found(gaz, "Daeshs de facto capital") == [("Daesh", "islamic_state")]
    assert found(gaz, "HTS’s jihadist rivals") == [("HTS", "hts")]


# ------------------------------------------------------------------------------------------- mentions table
def test_find_mentions_offsets_point_at_alias_in_the_section(gaz, seeds_raw):
    docs = {p.stem: p.read_text(encoding="utf-8") for p in sorted(seeds_raw.glob("*.txt"))}
    sents = sentences_of(docs)
    m = find_mentions(sents, gazetteer=gaz)
    assert list(m.columns) == groups.MENTION_COLUMNS
    assert len(m) > 100
    for r in m.itertuples():
        assert docs[r.doc_id][r.start:r.end] == r.alias
    assert m.equals(m.sort_values(["doc_id", "section", "start"], kind="stable").reset_index(drop=True))
    one = m[m["doc_id"] == "000_d686775f40cc3bfe"]
    assert one["group_id"].value_counts()[["nusra", "ahrar_al_sham", "jund_al_malahim", "jaysh_al_islam"]].tolist() == [5, 5, 6, 3]
    assert set(one.loc[one["group_id"] == "nusra", "alias"]) == {"Al Nusrah Front", "Al Nusrah"}


def test_find_mentions_keeps_the_section(gaz):
    body = "Jaysh al-Islam issued an official video."
    comments = "They saw the writing on the wall.\n\nIts the only way they can survive against the SAA."
    sents = pd.concat([sentences_of({"d1": body}), sentences_of({"d1": comments}, section="comments")], ignore_index=True)
    m = find_mentions(sents, gazetteer=gaz)
    assert m[["section", "paragraph", "sentence", "alias", "group_id"]].values.tolist() == [
        ["body", 0, 0, "Jaysh al-Islam", "jaysh_al_islam"], ["comments", 1, 1, "SAA", "syrian_state"]]
    assert comments[m.loc[1, "start"]:m.loc[1, "end"]] == "SAA"


def test_find_mentions_empty_and_wrong_input(gaz):
    empty = find_mentions(sentences_of({"d": "Nothing to see here."}), gazetteer=gaz)
    assert empty.empty and list(empty.columns) == groups.MENTION_COLUMNS
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['text'\]"):
        find_mentions(pd.DataFrame({c: [] for c in groups.SENTENCE_COLUMNS[:-1]}), gazetteer=gaz)
    with pytest.raises(TypeError, match="`sentences` must be a pandas DataFrame; got str"):
        find_mentions("Nusra", gazetteer=gaz)


def test_find_mentions_on_fakes(gaz, fakes_csv):
    df = pd.read_csv(fakes_csv).head(150)
    docs = {f"fakes_{i}": str(t) for i, t in enumerate(df["article_content"])}
    m = find_mentions(sentences_of(docs), gazetteer=gaz)
    assert all(docs[d][a:b] == al for d, a, b, al in zip(m["doc_id"], m["start"], m["end"], m["alias"]))
    counts = m["group_id"].value_counts()
    assert counts["islamic_state"] > 50 and counts["syrian_state"] > 50 and counts["russia"] > 20
    assert {"Daesh", "ISIL", "IS"} <= set(m.loc[m["group_id"] == "islamic_state", "alias"])


ALPHABET = st.sampled_from(list("aAlLsShHiInNtTuUrR -–‐’'`s.,;()\"\n\t") + ["İ", "ß", "ﬁ", "\x00"])
FRAGMENTS = st.sampled_from(["Nusra", "al-", "Al ", "Hay’at", "IS", "is", "Jaysh", "Sham", "Front", "’s", "s ",
                             "Islamic State", "HTS", "anti-", "-based", "US", "Assad", " forces", "Ahrar a-Sham"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(ALPHABET, FRAGMENTS), max_size=40).map("".join))
def test_scan_never_crashes_and_offsets_are_valid(gaz, s):
    prev_end = 0
    for start, end, consumed, gi in gaz.scan(s):
        assert prev_end <= start < end <= consumed <= len(s)
        assert 0 <= gi < len(gaz)
        prev_end = consumed
    out = replace_group_names(s, gazetteer=gaz)
    assert isinstance(out, str)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.one_of(ALPHABET, FRAGMENTS), max_size=15).map("".join), min_size=1, max_size=6))
def test_find_mentions_offsets_valid_on_arbitrary_sentences(gaz, texts):
    sents = pd.DataFrame({"doc_id": "d", "section": "body", "paragraph": 0, "sentence": range(len(texts)),
                          "start": [1000 * i for i in range(len(texts))], "end": [1000 * i + len(t) for i, t in enumerate(texts)],
                          "text": texts})
    m = find_mentions(sents, gazetteer=gaz)
    for r in m.itertuples():
        t = texts[r.sentence]
        assert t[r.start - 1000 * r.sentence:r.end - 1000 * r.sentence] == r.alias


# ------------------------------------------------------------------------------------------- replace_group_names
@pytest.mark.parametrize(
    "text_in, text_out",
    [
        ("Al Nusrah Front, Ahrar al Sham, Ajnad al Sham form anti-Russian alliance in Damascus countryside",
         "grp_nusra, grp_ahrar_al_sham, grp_ajnad_al_sham form anti-Russian alliance in Damascus countryside"),
        ("HTS’s jihadist rivals", "grp_hts’s jihadist rivals"),
        ("Daeshs de facto capital", "grp_islamic_state de facto capital"),
        ("This is it.", "This is it."),
    ],
)
def test_replace_group_names(gaz, text_in, text_out):
    assert replace_group_names(text_in, gazetteer=gaz) == text_out


def test_replace_group_names_collapses_lineage(gaz):
    s = "Hay’at Tahrir al-Sham (HTS; formerly Jabhat al-Nusra"
    assert replace_group_names(s, gazetteer=gaz, collapse_lineage=True) == "grp_nusra (grp_nusra; formerly grp_nusra"
    with pytest.raises(TypeError, match="`text` must be a str"):
        replace_group_names(["HTS"], gazetteer=gaz)


# ------------------------------------------------------------------------------------------- the gazetteer file
def test_default_gazetteer_content(gaz):
    frame = gaz.frame()
    assert len(frame) >= 80
    assert set(frame["kind"]) == set(groups.KINDS)
    assert gaz.lineage_root("hts") == gaz.lineage_root("jfs") == "nusra"
    assert groups.lineage_root("jaysh_al_islam", gazetteer=gaz) == "liwa_al_islam"
    assert gaz["jfs"].founded == "2016-07-28" and gaz["hts"].founded == "2017-01-28"
    mem = gaz.memberships()
    jaf = mem[mem["group"] == "jaysh_al_fateh"].set_index("member")
    assert {"nusra", "ahrar_al_sham", "jund_al_aqsa", "faylaq_al_sham"} <= set(jaf.index)
    assert jaf.loc["nusra", "since"] == "2015-03-24"
    assert set(mem.loc[mem["group"] == "jund_al_malahim", "member"]) == {"nusra", "ahrar_al_sham", "ajnad_al_sham"}
    assert {"ahrar_al_sham", "jaysh_al_islam", "suqour_al_sham", "liwa_al_tawhid"} <= set(
        mem.loc[mem["group"] == "islamic_front", "member"])
    with pytest.raises(KeyError, match="`group_id` must be a gazetteer id; got 'nope'"):
        gaz.lineage_root("nope")


GOOD = """
groups:
  - id: nusra
    name: Jabhat al-Nusra
    kind: jihadist_group
    aliases: [Jabhat al-Nusra, Nusra Front]
  - id: hts
    name: Hay'at Tahrir al-Sham
    kind: jihadist_group
    predecessor: nusra
    founded: "2017-01-28"
    exact_case: [HTS]
"""


def write(tmp_path, body: str):
    p = tmp_path / "groups.yaml"
    p.write_text(textwrap.dedent(body), encoding="utf-8")
    return p


def test_small_gazetteer_loads(tmp_path):
    g = load_gazetteer(write(tmp_path, GOOD))
    assert len(g) == 2 and g.lineage_root("hts") == "nusra"
    assert found(g, "Nusra Front and HTS") == [("Nusra Front", "nusra"), ("HTS", "hts")]


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("    kind: jihadist_group\n    aliases: [Jabhat", "    kind: terrorists\n    aliases: [Jabhat",
         r"group 'nusra' \(groups\[0\]\): field 'kind' must be one of 'jihadist_group', 'rebel_faction', "
         r"'coalition', 'kurdish_force', 'state_force', 'foreign_state', 'militia'; got 'terrorists'"),
        ("  - id: hts\n    name: Hay'at Tahrir al-Sham\n", "  - id: hts\n",
         r"group 'hts' \(groups\[1\]\): field 'name' must be a non-empty string; got None"),
        ("predecessor: nusra", "predecessor: jabhat_nusra",
         r"group 'hts': field 'predecessor' must be the id of another group in this file; got 'jabhat_nusra'"),
        ('founded: "2017-01-28"', 'founded: "28 Jan 2017"',
         r"group 'hts' \(groups\[1\]\): field 'founded' must be a date YYYY, YYYY-MM or YYYY-MM-DD; got '28 Jan 2017'"),
        ('founded: "2017-01-28"', 'founded: "2017-02-30"', r"field 'founded' must be a real calendar date; got '2017-02-30'"),
        ("  - id: hts\n", "  - id: nusra\n", r"group 'nusra' \(groups\[1\]\): field 'id' must be unique"),
        ("  - id: hts\n", "  - id: Tahrir-Sham\n", r"groups\[1\]\)?: field 'id' must be a snake_case string"),
        ("    exact_case: [HTS]", "    exact_case: [HTS]\n    members: [{id: jfs}]",
         r"group 'hts': field 'members' must be ids of other groups in this file; got 'jfs'"),
        ("    exact_case: [HTS]", "    exact_case: HTS",
         r"group 'hts' \(groups\[1\]\): field 'exact_case' must be a list of non-empty strings; got 'HTS'"),
        ("    exact_case: [HTS]", "    exact_case: [HTS]\n    alias: [Tahrir al-Sham]", r"unknown field\(s\) \['alias'\]"),
    ],
)
def test_broken_entries_name_entry_field_and_value(tmp_path, old, new, message):
    assert old in GOOD
    with pytest.raises(GazetteerError, match=message):
        load_gazetteer(write(tmp_path, GOOD.replace(old, new)))


def test_duplicate_alias_across_groups_names_both(tmp_path):
    body = GOOD.replace("    exact_case: [HTS]", "    aliases: [Tahrir al-Sham, al-Nusra Front]\n    exact_case: [HTS]")
    with pytest.raises(GazetteerError, match=r"alias 'nusra front' points at two groups: 'nusra' .* and 'hts'"):
        load_gazetteer(write(tmp_path, body))
    body = GOOD.replace("    exact_case: [HTS]", "    exact_case: [HTS, NUSRA FRONT]")
    with pytest.raises(GazetteerError, match=r"points at two groups: 'nusra' .* and 'hts'"):
        load_gazetteer(write(tmp_path, body))


def test_not_yaml(tmp_path):
    with pytest.raises(GazetteerError, match="not valid YAML"):
        load_gazetteer(write(tmp_path, "groups: [\n"))
    with pytest.raises(GazetteerError, match="must be a mapping with a 'groups' list"):
        load_gazetteer(write(tmp_path, "- a\n- b\n"))


# ------------------------------------------------------------------------------- issue 11: names read as a researcher would
@pytest.mark.parametrize(
    "text_in, expected",
    [
        # transliterations with diacritics and ayn/hamza signs, precomposed and decomposed
        ("Ḥurrās ad-Dīn claimed the attack", [("Ḥurrās ad-Dīn", "hurras_al_din")]),
        ("Hayʾat Taḥrīr al-Shām", [("Hayʾat Taḥrīr al-Shām", "hts")]),
        ("Jaysh al-ʿIzza", [("Jaysh al-ʿIzza", "jaysh_al_izza")]),
        ("Jabhat an-Nuṣrah and Aḥrār ash-Shām", [("Jabhat an-Nuṣrah", "nusra"), ("Aḥrār ash-Shām", "ahrar_al_sham")]),
        ("Hurra\u0304s ad-Di\u0304n (decomposed)", [("Hurra\u0304s ad-Di\u0304n", "hurras_al_din")]),
        ("Türkiye and Ahrar al-Sham", [("Türkiye", "turkey"), ("Ahrar al-Sham", "ahrar_al_sham")]),
        # invisible format characters inside a name: ignored, and the span keeps them
        ("Nus\u200dra Front and HTS", [("Nus\u200dra Front", "nusra"), ("HTS", "hts")]),
        ("Jabhat al-Nu\u00adsra", [("Jabhat al-Nu\u00adsra", "nusra")]),
        ("\u200fHay\u2060at Tahrir al-Sham\u200f fighters", [("Hay\u2060at Tahrir al-Sham", "hts")]),
        ("I\u200bS\u200cI\u200bL", [("I\u200bS\u200cI\u200bL", "islamic_state")]),
        # ordinals in figures and words
        ("the 13th Division and the 1st Coastal Division", [("13th Division", "division_13"),
                                                            ("1st Coastal Division", "first_coastal_division")]),
        ("the Thirteenth Division and the First Coastal Division", [("Thirteenth Division", "division_13"),
                                                                     ("First Coastal Division", "first_coastal_division")]),
        ("Division 13 and the Syrian Army's 17th Division", [("Division 13", "division_13"), ("Syrian Army", "syrian_state"),
                                                            ("17th Division", "seventeenth_division")]),
        # the Islamic State lineage
        ("Al Qaeda in Iraq, the predecessor of ISIS", [("Al Qaeda in Iraq", "aqi"), ("ISIS", "islamic_state")]),
        ("Jama'at al-Tawhid wal-Jihad became AQI, then the Islamic State of Iraq",
         [("Jama'at al-Tawhid wal-Jihad", "jtj"), ("AQI", "aqi"), ("Islamic State of Iraq", "isi")]),
        ("the Islamic State of Iraq and the Levant (ISIL) and IS", [("Islamic State of Iraq and the Levant", "islamic_state"),
                                                                   ("ISIL", "islamic_state"), ("IS", "islamic_state")]),
        ("the Uzbek Katibat al-Tawhid wal-Jihad", [("Katibat al-Tawhid wal-Jihad", "katibat_al_tawhid_wal_jihad")]),
        ("al-Qaeda in the Arabian Peninsula (AQAP)", [("al-Qaeda in the Arabian Peninsula", "aqap"), ("AQAP", "aqap")]),
        # a name inside a longer name belongs to the longer one
        ("nor the al-Qaida-linked Fatah Sham Front.", [("al-Qaida", "al_qaeda"), ("Fatah Sham Front", "jfs")]),
        ("the Tahrir al-Sham Army in Qalamoun", [("Tahrir al-Sham Army", "jaysh_tahrir_al_sham")]),
        ("Hay'at Tahrir al-Sham and the Sham Front", [("Hay'at Tahrir al-Sham", "hts"), ("Sham Front", "levant_front")]),
        ("the Martyrs of Islam Brigade", []),
        # open-slot names of the Syrian state, action nouns
        ("forces loyal to Syrian President Bashar al-Assad have used chlorine",
         [("forces loyal to Syrian President Bashar al-Assad", "syrian_state")]),
        ("troops loyal to Assad in Khan al-Assal", [("troops loyal to Assad", "syrian_state")]),
        ("fighters loyal to Assads regime", [("fighters loyal to Assads regime", "syrian_state")]),
        ("those loyal to the regime", [("those loyal to the regime", "syrian_state")]),
        ("He stayed loyal to Assad.", []),
        ("19 regime fighters were killed", [("regime fighters", "syrian_state")]),
        ("Ten Russian raids hit Raqqa after Russian attacks on Idlib", [("Russian raids", "russia"), ("Russian attacks", "russia")]),
        ("US Armed Forces and the U.S. military", [("US Armed Forces", "united_states"), ("U.S. military", "united_states")]),
        # demonyms: in a dash compound, coordinated before a military noun, before a noun of state or territory
        ("mainly Turkish-backed FSA members", [("Turkish", "turkey"), ("FSA", "fsa")]),
        ("Iranian-backed militias and a British-based monitor", [("Iranian", "iran"), ("British", "uk")]),
        ("the Turkish-backed Free Syrian Army", [("Turkish-backed Free Syrian Army", "sna")]),
        ("Turkish backed rebels and a Turkish-Syrian border post", []),
        ("Syrian and Russian jets bombed", [("Syrian", "syrian_state"), ("Russian jets", "russia")]),
        ("Russian and regime warplanes", [("Russian", "russia"), ("regime warplanes", "syrian_state")]),
        ("despite a Russian deadline, the Turkish city of Gaziantep", [("Russian", "russia"), ("Turkish", "turkey")]),
        ("the Syrian city of Aleppo and Syrian refugees", []),
        ("the Iraqi city of Ramadi; Title 17 U.S.C. Section 107", []),
        # the state by its capital or its army
        ("Moscow has countered that Ankara and Tehran agreed", [("Moscow", "russia"), ("Ankara", "turkey"), ("Tehran", "iran")]),
        ("the Washington Post and the Moscow Times reported", []),
        ("The army and national forces; no mention of the armys losses",
         [("The army", "syrian_state"), ("the army", "syrian_state")]),
        ("the Army of Conquest and the army-held areas", [("Army of Conquest", "jaysh_al_fateh")]),
        ("from the regime-besieged town, two pro-regime villages", [("regime", "syrian_state"), ("regime", "syrian_state")]),
        ("the regime held talks", [("the regime", "syrian_state")]),
        # a bare possessive "s" after an acronym (scrapes drop apostrophes)
        ("ISILs de facto capital and the SDFs advance", [("ISIL", "islamic_state"), ("SDF", "sdf")]),
        ("ISISs fighters", [("ISIS", "islamic_state")]),
        ("ISILS", []),
    ],
)
def test_names_as_a_researcher_reads_them(gaz, text_in, expected):
    assert found(gaz, text_in) == expected


def test_lineage_of_the_islamic_state(gaz):
    assert gaz["islamic_state"].predecessor == "isi" and gaz["isi"].predecessor == "aqi" and gaz["aqi"].predecessor == "jtj"
    assert gaz.lineage_root("islamic_state") == "jtj"
    assert gaz.lineage_root("hts") == "nusra"  # Nusra split from ISI: not the same lineage
    assert [(s.id, s.date) for s in gaz["nusra"].split_from] == [("isi", "2013-04-10")]


def test_shared_names_resolve_by_context_then_date_then_file_order(gaz):
    assert gaz.namesakes("Liwa al-Haqq") == ("liwa_al_haqq", "liwa_al_haqq_homs")
    assert gaz.namesakes("Jaysh al-Islam") == ()
    docs = {"homs": "Liwa al-Haqq shelled a checkpoint in Talbiseh.",
            "doc_ctx": "Liwa al-Haqq issued a statement. Its fighters are based around Homs.",
            "idlib": "Liwa al-Haqq fighters joined the Army of Conquest.",
            "dated": "Liwa al-Haqq issued a statement.",
            "plain": "Liwa al-Haqq issued a statement."}
    m = find_mentions(sentences_of(docs), gazetteer=gaz, dates={"dated": "2012-10-01", "plain": None})
    m = m[m["alias"] == "Liwa al-Haqq"]
    assert dict(zip(m["doc_id"], m["group_id"])) == {
        "homs": "liwa_al_haqq_homs",  # a context word in the sentence
        "doc_ctx": "liwa_al_haqq_homs",  # ... in another sentence of the document
        "idlib": "liwa_al_haqq",  # "Army of Conquest" is the Idlib brigade's context
        "dated": "liwa_al_haqq_homs",  # October 2012: only the Homs brigade existed
        "plain": "liwa_al_haqq"}  # nothing to go by: the first in the file
    late = find_mentions(sentences_of({"d": "Liwa al-Haqq issued a statement."}), gazetteer=gaz, dates={"d": "2016-05-01"})
    assert late["group_id"].tolist() == ["liwa_al_haqq"]  # the Homs brigade was dissolved in December 2014
    assert replace_group_names("Liwa al-Haqq fighters in Homs", gazetteer=gaz) == "grp_liwa_al_haqq_homs fighters in Homs"
    assert replace_group_names("Liwa al-Haqq fighters in Idlib", gazetteer=gaz) == "grp_liwa_al_haqq fighters in Idlib"


def test_splits_memberships_and_events(gaz):
    from analysis import lineage

    sp = lineage.splits(gaz).set_index("group")
    assert sp.loc["hurras_al_din", ["split_from", "date"]].tolist() == ["hts", "2018-02-27"]
    assert sp.loc["suqour_al_sham", ["split_from", "date"]].tolist() == ["ahrar_al_sham", "2016-09-03"]
    mem = gaz.memberships()
    inf = mem[mem["group"] == "islamic_front"]
    assert set(inf["until"]) == {"2014"}  # no end date given: the memberships end with the Islamic Front
    assert lineage.members_on(gaz, "islamic_front", "2014-01-15") == [
        "ahrar_al_sham", "ansar_al_sham", "jaysh_al_islam", "kurdish_islamic_front", "liwa_al_haqq_homs",
        "liwa_al_tawhid", "suqour_al_sham"]
    assert lineage.members_on(gaz, "islamic_front", "2015-06-01") == []
    assert "suqour_al_sham" in lineage.members_on(gaz, "ahrar_al_sham", "2016-01-01")
    assert "suqour_al_sham" not in lineage.members_on(gaz, "ahrar_al_sham", "2016-10-01")
    assert "suqour_al_sham" in lineage.members_on(gaz, "ahrar_al_sham", "2017-06-01")
    assert lineage.members_on(gaz, "hts", "2017-03-01") == ["jabhat_ansar_al_din", "jaysh_al_sunna", "jfs",
                                                            "liwa_al_haqq", "zenki"]
    assert "zenki" not in lineage.members_on(gaz, "hts", "2017-08-01")
    ev = lineage.lineage_events(gaz)
    assert list(ev.columns) == lineage.EVENT_COLUMNS and set(ev["event"]) <= set(lineage.EVENTS)
    hd = ev[ev["group"] == "hurras_al_din"]
    assert hd[["date", "event", "other"]].head(3).values.tolist() == [
        ["2018-02-27", "founded", None], ["2018-02-27", "joined", "al_qaeda"], ["2018-02-27", "split_from", "hts"]]
    with pytest.raises(KeyError, match="`group_id` must be a gazetteer id; got 'nope'"):
        lineage.members_on(gaz, "nope", "2015")
    with pytest.raises(ValueError, match="`date` must be a date"):
        lineage.members_on(gaz, "hts", "yesterday-ish")


def test_public_reference_lists_are_recognised(gaz):
    """data/reference/public_groups.csv: names compiled from Wikipedia's order of battle, MMP profiles and UCDP
    actor names, each with the id it must resolve to ("" where the gazetteer deliberately has no entry)."""
    from analysis import config

    pub = pd.read_csv(config.PUBLIC_GROUPS, keep_default_na=False)
    assert list(pub.columns) == ["name", "source", "group_id"]
    assert pub["source"].str.startswith(("Wikipedia", "Stanford MMP", "UCDP")).all()
    sents = pd.DataFrame({"doc_id": [f"p{i}" for i in range(len(pub))], "section": "body", "paragraph": 0, "sentence": 0,
                          "start": 0, "end": pub["name"].str.len(), "text": pub["name"]})
    m = find_mentions(sents, gazetteer=gaz).drop_duplicates("doc_id").set_index("doc_id")["group_id"]
    got = pd.Series([m.get(f"p{i}", "") for i in range(len(pub))])
    wrong = pub[got != pub["group_id"]].assign(got=got[got != pub["group_id"]])
    assert wrong.empty, wrong.to_string()
    known = pub[pub["group_id"] != ""]
    armed = known[known["group_id"].map(lambda g: gaz[g].kind != "foreign_state")]
    assert armed["group_id"].nunique() >= 150  # distinct armed groups of the public lists recognised
    assert len(pub) - len(known) >= 10  # listed gaps stay visible


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("    exact_case: [HTS]", "    exact_case: [HTS]\n    split_from: [{id: jfs, date: '2018'}]",
         r"group 'hts': field 'split_from' must be ids of other groups in this file; got 'jfs'"),
        ("    exact_case: [HTS]", "    exact_case: [HTS]\n    split_from: [{id: nusra, when: '2018'}]",
         r"group 'hts' \(groups\[1\]\) split_from\[0\]: unknown field\(s\) \['when'\]; allowed are \['date', 'id', 'note'\]"),
        ("    exact_case: [HTS]", "    exact_case: [HTS]\n    split_from: [{id: nusra, date: 'Feb 2018'}]",
         r"split_from\[0\]: field 'date' must be a date YYYY, YYYY-MM or YYYY-MM-DD; got 'Feb 2018'"),
        ("    exact_case: [HTS]", "    exact_case: [HTS]\n    same_name_as: [hurras]",
         r"group 'hts': field 'same_name_as' must be ids of other groups in this file; got 'hurras'"),
        ("    exact_case: [HTS]", "    exact_case: [HTS]\n    context: Idlib",
         r"group 'hts' \(groups\[1\]\): field 'context' must be a list of non-empty strings; got 'Idlib'"),
        ("groups:\n", "patterns:\n  - {group: hts, anchor: loyal to, regex: 'loyal to (jolani'}\ngroups:\n",
         r"patterns\[0\]: field 'regex' must be a valid regular expression \(missing \), unterminated subpattern"),
        ("groups:\n", "patterns:\n  - {group: hts, regex: 'loyal to jolani'}\ngroups:\n",
         r"patterns\[0\]: field 'group/anchor/regex' must be a mapping \{group: <id>, anchor: <literal words"),
        ("groups:\n", "patterns:\n  - {group: hurras, anchor: x, regex: x}\ngroups:\n",
         r"patterns\[0\]: field 'group' must be the id of a group in this file; got 'hurras'"),
    ],
)
def test_broken_new_fields_name_entry_field_and_value(tmp_path, old, new, message):
    assert old in GOOD
    with pytest.raises(GazetteerError, match=message):
        load_gazetteer(write(tmp_path, GOOD.replace(old, new)))


def test_small_gazetteer_with_shared_name_pattern_and_exclusion(tmp_path):
    body = GOOD + """
  - id: nusra_homs
    name: Nusra (Homs)
    kind: rebel_faction
    aliases: [Nusra Front, Homs Nusra]
    same_name_as: [nusra]
    context: [Homs]
patterns:
  - {group: hts, anchor: loyal to, regex: "\\\\bmen loyal to (?:abu mohammad )?al-jolani\\\\b"}
exclude_following: [based]
"""
    g = load_gazetteer(write(tmp_path, body))
    assert found(g, "Nusra Front men loyal to Abu Mohammad al-Jolani") == [
        ("Nusra Front", "nusra"), ("men loyal to Abu Mohammad al-Jolani", "hts")]
    assert found(g, "a Nusra Front-based cell") == []  # `exclude_following` drops the match
    m = find_mentions(sentences_of({"d": "The Nusra Front in Homs attacked."}), gazetteer=g)
    assert m["group_id"].tolist() == ["nusra_homs"]
