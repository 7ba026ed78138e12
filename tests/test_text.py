import pytest
from hypothesis import given, settings, strategies as st

from analysis import text


@pytest.mark.parametrize(
    "text_in, sentences",
    [
        ("So does this mean the U.S. will now attack their al Qaeda affiliate in East Ghouta? Of course not.",
         ["So does this mean the U.S. will now attack their al Qaeda affiliate in East Ghouta?", "Of course not."]),
        ("In Feb. 2017, HTS and other groups pushed into the regime’s strongholds in Daraa city. The anti-Assad forces in Daraa coordinated.",
         ["In Feb. 2017, HTS and other groups pushed into the regime’s strongholds in Daraa city.",
          "The anti-Assad forces in Daraa coordinated."]),
        ("Lt. Col. Abu Osama, spokesman for the Military Council in Damascus and its countryside, said: yes. He left.",
         ["Lt. Col. Abu Osama, spokesman for the Military Council in Damascus and its countryside, said: yes.", "He left."]),
        ("A U.N. Commission of Inquiry met. Gen. Smith spoke.", ["A U.N. Commission of Inquiry met.", "Gen. Smith spoke."]),
    ],
)
def test_sentences_survive_abbreviations(text_in, sentences):
    assert [text_in[a:b] for a, b in text.sentence_spans(text_in)] == sentences


def test_iter_sentences_numbers_paragraphs_and_offsets():
    s = "First para one. First para two.\n\nSecond para."
    got = list(text.iter_sentences(s))
    assert [(p, n) for p, n, _, _ in got] == [(0, 0), (0, 1), (1, 2)]
    assert [s[a:b] for _, _, a, b in got] == ["First para one.", "First para two.", "Second para."]


@pytest.mark.parametrize(
    "text_in, tokens",
    [
        ("Hay’at Tahrir al-Sham's fighters", ["hay'at", "tahrir", "al-sham's", "fighters"]),
        ("45,000 and 50,000 people; the U.S. said", ["45,000", "and", "50,000", "people", "the", "u.s.", "said"]),
        ("“Guardians of Religion” (Hurras al-Deen)", ["guardians", "of", "religion", "hurras", "al-deen"]),
    ],
)
def test_tokenize(text_in, tokens):
    assert text.tokenize(text_in) == tokens
    assert text.count_words(text_in) == len(tokens)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_splitter_never_crashes_and_offsets_are_valid(s):
    last_end = -1
    for p, n, a, b in text.iter_sentences(s):
        assert 0 <= a < b <= len(s)
        assert a >= last_end
        assert s[a:b] == s[a:b].strip() and s[a:b]
        last_end = b
    for a, b in text.word_spans(s):
        assert 0 <= a < b <= len(s)


@pytest.mark.parametrize("text_in, max_chars, pieces", [
    ("Ahrar al-Sham, Jaysh al-Islam, Faylaq al-Rahman, Liwa al-Haqq", 30,
     ["Ahrar al-Sham, Jaysh al-Islam,", "Faylaq al-Rahman, Liwa al-Haqq"]),
    ("one two three four five six seven eight nine ten", 20, ["one two three four", "five six seven eight", "nine ten"]),
    ("fighters — about 2,000 men — held the town", 26, ["fighters — about 2,000 men", "— held the town"]),
    ("x" * 25, 10, ["x" * 10, "x" * 10, "x" * 5]),
    ("e\u0301" * 8, 5, ["e\u0301e\u0301", "e\u0301e\u0301", "e\u0301e\u0301", "e\u0301e\u0301"]),  # never split a mark off
])
def test_a_long_sentence_is_split_at_a_safe_boundary(text_in, max_chars, pieces):
    notes = []
    got = [text_in[a:b] for a, b in text.sentence_spans(text_in, max_chars=max_chars, notes=notes)]
    assert got == pieces
    assert notes == [f"long sentence: {len(text_in):,} characters split into {len(pieces)} parts of at most "
                     f"{max_chars:,} at clause marks or spaces"]


def test_sentences_under_the_limit_are_untouched_and_not_noted():
    notes = []
    s = "Jaysh al-Islam battled the Islamic State in Ghouta. The group later sent a convoy."
    assert [s[a:b] for a, b in text.sentence_spans(s, notes=notes)] == [
        "Jaysh al-Islam battled the Islamic State in Ghouta.", "The group later sent a convoy."]
    assert notes == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("ab ,;—\u0301\n") + ["Ahrar al-Sham ", "x" * 12]), max_size=80).map("".join),
       st.integers(min_value=4, max_value=40))
def test_long_sentence_pieces_are_bounded_and_lose_nothing(s, max_chars):
    spans = [(a, b) for _, _, a, b in text.iter_sentences(s, max_chars=max_chars)]
    for a, b in spans:
        assert 0 <= a < b <= len(s) and b - a <= max_chars and s[a:b] == s[a:b].strip()
    covered = "".join(s[a:b] for a, b in spans)
    assert "".join(s.split()) == "".join(covered.split())  # every non-space character is in one piece
