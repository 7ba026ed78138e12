"""The cleaner on the real seed scrapes: titles, chrome removed, comments kept apart."""
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from analysis import clean, ingest

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
RULES = clean.load_rules()


def cleaned(name: str) -> clean.Cleaned:
    text, problem = ingest.decode_bytes((RAW / name).read_bytes())
    assert problem is None
    return clean.clean(ingest.fix_text(text), rules=RULES)


@pytest.mark.parametrize(
    "name, title",
    [
        ("000_d686775f40cc3bfe.txt",
         "Al Nusrah Front, Ahrar al Sham, Ajnad al Sham form anti-Russian alliance in Damascus countryside"),
        ("001_b56186b7e25fdbe2.txt", "Jaysh al-Islam Officially Unites With Al-Qaeda In Eastern Ghouta"),
        ("002_37241c7d1fbbb02d.txt", "With sudden advances in Aleppo, Islamic State provokes counteroffensive"),
        ("003_5d8a2d34b2c5a701.txt", None),  # the capture starts with the first paragraph: no title in the text
        ("004_2a92430512ca9889.txt",
         "Syria: What’s The Significance Of Joint Ops Between Sayfullakh’s Jamaat, Jaish al-Muhajireen, & Islamic Front?"),
    ],
)
def test_titles(name, title):
    assert cleaned(name).title == title


CHROME = ["Equipo Nizkor", "Bookshop", "Donate", "Radio Nizkor", "Title 17 U.S.C.", "[Source:", "Support SouthFront",
          "JUNE 2023", "2,500 $", "Notify of", "Newest Most Voted", "View all comments", "please comment.x",
          "2 Comments", "One thought on", "Pingback", "Leave a Reply", "Log Out", "Connecting to %s", "Google+"]


@pytest.mark.parametrize("name", sorted(p.name for p in RAW.glob("*.txt")))
def test_bodies_are_free_of_chrome_and_comments(name):
    c = cleaned(name)
    for chrome in CHROME:
        assert chrome not in c.body, chrome
        assert chrome not in c.comments, chrome
        assert chrome not in (c.title or "")


@pytest.mark.parametrize(
    "name, first_words, last_words",
    [
        ("000_d686775f40cc3bfe.txt", "Three jihadist groups in Syria", "at the top of its founding statement."),
        ("001_b56186b7e25fdbe2.txt", "Jaysh al-Islam issued an official video", "anti-terror efforts in the area."),
        ("003_5d8a2d34b2c5a701.txt", "Jihadist groups in Syria are attempting", "“a hospital in Hirak out of service.”"),
        ("004_2a92430512ca9889.txt", "As noted here, Sayfullakh Shishani’s jamaat", "where Sayfullakh was based also.)"),
    ],
)
def test_body_spans_the_article(name, first_words, last_words):
    body = cleaned(name).body
    assert body.startswith(first_words)
    assert body.endswith(last_words)


@pytest.mark.parametrize(
    "name, in_comments, n_comment_paragraphs",
    [
        ("001_b56186b7e25fdbe2.txt", "They saw the writing on the wall.", 10),
        ("003_5d8a2d34b2c5a701.txt", "The CIA hs finally realized", 3),
        ("004_2a92430512ca9889.txt", None, 0),  # a pingback and a comment form, but no reader comment
        ("000_d686775f40cc3bfe.txt", None, 0),
    ],
)
def test_comments_are_kept_apart(name, in_comments, n_comment_paragraphs):
    c = cleaned(name)
    paragraphs = [p for p in c.comments.split("\n\n") if p]
    assert len(paragraphs) == n_comment_paragraphs
    if in_comments:
        assert in_comments in c.comments
        assert in_comments not in c.body


def test_commenter_names_are_not_comment_text():
    c = cleaned("001_b56186b7e25fdbe2.txt")
    for name in ("John Whitehot", "Expo Marker", "Pave Way IV", "Omar Huss"):
        assert name in c.boilerplate
        assert name not in c.comments


def test_bullets_become_paragraphs():
    body = cleaned("004_2a92430512ca9889.txt").body
    assert "•" not in body
    assert "\n\nSayfullakh’s jamaat within Jabhat al-Nusra are undertaking joint operations" in body


def test_nothing_is_lost():
    """Every non-blank line of the input is in the title, body, comments or boilerplate."""
    for path in RAW.glob("*.txt"):
        text = ingest.fix_text(path.read_text(encoding="utf-8"))
        c = clean.clean(text, rules=RULES)
        kept = "\n".join([c.title or "", c.body, c.comments, *c.boilerplate])
        for line in text.split("\n"):
            line = clean._norm_line(line)
            line = clean.BULLET_RE.sub("", line)
            assert line in kept, (path.name, line)


def test_repeated_lines_detector_finds_site_chrome():
    docs = [f"Headline {i}\n\nArticle text number {i}.\n\nFollow us on Telegram for more news!\n" for i in range(4)]
    rep = clean.repeated_lines(docs, min_docs=3, min_share=0.3)
    assert rep == {"Follow us on Telegram for more news!"}
    c = clean.clean(docs[0], rules=RULES, chrome=clean.Chrome(lines=rep))
    assert c.body == "Article text number 0." and "Follow us on Telegram for more news!" in c.boilerplate


def test_hard_wrapped_lines_are_joined():
    c = clean.clean("The alliance was formed\nin October by three groups.\nA new paragraph starts here.", rules=RULES,
                    find_title=False)
    assert c.body == "The alliance was formed in October by three groups.\n\nA new paragraph starts here."


def test_bad_rules_file_names_the_pattern(tmp_path):
    bad = tmp_path / "rules.yaml"
    bad.write_text("drop_lines:\n  - '([unclosed'\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"drop_lines.*\(\[unclosed"):
        clean.load_rules(bad)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=600))
def test_cleaner_never_crashes(s):
    c = clean.clean(s, rules=RULES)
    assert isinstance(c.body, str) and isinstance(c.comments, str)
    assert "\n\n\n" not in c.body
