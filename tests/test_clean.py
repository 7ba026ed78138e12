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
            line = clean.norm_line(line)
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


@pytest.mark.parametrize(
    "line, chrome",
    [
        ("Image copyright Getty Images", True),
        ("Image caption Rebel fighters near Saraqib in February", True),
        ("Media playback is unsupported on your device", True),
        ("Photo: Omar Khalil/AFP via Getty Images", True),
        ("Ali Haj Suleiman/AFP via Getty Images", True),
        ("Sign up for the Damascus Monitor daily briefing newsletter", True),
        ("Get the day's top stories from Syria delivered to your inbox.", True),
        ("Share this article on Facebook Twitter Email", True),
        ("Follow us on Telegram", True),
        ("Read more: Who are the rebels in Idlib?", True),
        ("Related Topics", True),
        ("By Lina Haddad", True),
        ("(Reporting by Omar Khalil; Editing by Sara Nasser)", True),
        ("Copyright 2018 Levant Herald. All rights reserved.", True),
        # article text that looks alike
        ("Share prices fell in Damascus after the strikes.", False),
        ("Twitter to suspend accounts linked to the Islamic State", False),
        ("In its weekly newsletter, the group claimed the attack.", False),
        ("Related groups fought in the countryside of Hama.", False),
        ("Copyright laws in Syria date from 2013.", False),
        ("by nightfall the convoy had left", False),
        ("By Monday, the army had retaken the town.", False),
    ],
)
def test_chrome_families(line, chrome):
    c = clean.clean(f"Clashes in Idlib\n\nHTS fighters clashed with Ahrar al-Sham on Monday.\n\n{line}", rules=RULES)
    assert (line in c.boilerplate) == chrome
    assert (line in c.body) != chrome


@pytest.mark.parametrize(
    "text_in, body, removed",
    [
        ("Rebels said the clashes would go on for weeks. Tags Syria Free Syrian Army rebel groups Idlib The brigade "
         "said on Monday that it had killed six fighters.",
         "Rebels said the clashes would go on for weeks. The brigade said on Monday that it had killed six fighters.",
         "Tags Syria Free Syrian Army rebel groups Idlib"),
        ("A car bomb killed 25 soldiers in Aleppo a monitoring group said Tags Nusra Front Aleppo Syria extremism war. "
         "A suicide bomber blew himself up at an army post.",
         "A car bomb killed 25 soldiers in Aleppo a monitoring group said A suicide bomber blew himself up at an army post.",
         "Tags Nusra Front Aleppo Syria extremism war."),
        ("Rebels repelled an attack on the Zahra district of Aleppo overnight. Tags Syria Aleppo regime forces rebel "
         "forces the Nusra Front Syrian troops and allied gunmen repelled an offensive by rebels.",
         "Rebels repelled an attack on the Zahra district of Aleppo overnight. Syrian troops and allied gunmen repelled "
         "an offensive by rebels.", "Tags Syria Aleppo regime forces rebel forces the Nusra Front"),
        ("Fourteen fighters were killed when a bomb hit their post near Douma. Tags Jaish al-Islam Syria Ghouta "
         "Fourteen members of the group died.",
         "Fourteen fighters were killed when a bomb hit their post near Douma. Fourteen members of the group died.",
         "Tags Jaish al-Islam Syria Ghouta"),
        ("The coalition said its aircraft hit Daesh positions near Raqqa overnight and on Sunday morning. "
         "Tags airstrikes Syria United States",
         "The coalition said its aircraft hit Daesh positions near Raqqa overnight and on Sunday morning.",
         "Tags airstrikes Syria United States"),
        # not a tag list: a sentence that starts with "Topics", a headline, a price tag
        ("One couple broadcasts their show from their own bed. Topics range from the bed to the latest films.",
         "One couple broadcasts their show from their own bed. Topics range from the bed to the latest films.", None),
        ("Tags Syria Idlib", "Tags Syria Idlib", None),
        ("The rebels put price tags on captured tanks and sold them across the border.",
         "The rebels put price tags on captured tanks and sold them across the border.", None),
    ],
)
def test_glued_tag_lists(text_in, body, removed):
    assert clean.strip_glued_tags(text_in, rules=RULES) == (body, removed)


def test_chrome_blocks_and_inline_chrome():
    text = ("Headline\n\nStory highlights\n\nRebels advanced on Hama.\n\nJUST WATCHED\nRebels regroup in Idlib\nReplay\n"
            "More Videos ...\nMUST WATCH\n\nThe army retreated. Get short URL 0 0 0 Residents fled.")
    c = clean.clean(text, rules=RULES)
    assert c.body == "Story highlights\n\nRebels advanced on Hama.\n\nThe army retreated. Residents fled."
    assert c.boilerplate == ["JUST WATCHED", "Rebels regroup in Idlib", "Replay", "More Videos ...", "MUST WATCH",
                             "Get short URL 0 0 0"]


def test_nothing_is_lost_word_for_word(tmp_path):
    """Every word of the input is in the title, body, comments or boilerplate, also where a tag
    list or inline chrome was cut out of a line."""
    import re
    from collections import Counter

    import newsgen

    texts = [ingest.fix_text(p.read_text(encoding="utf-8")) for p in RAW.glob("*.txt")]
    gold = newsgen.assemble(tmp_path, {"wire": 12, "site": 12, "video": 9})
    texts += [(tmp_path / g.path).read_text(encoding="utf-8") for gs in gold.values() for g in gs]
    texts.append("Rebels said the clashes would go on. Tags Syria Free Syrian Army Idlib The brigade said it "
                 "killed six. Get short URL 0 0")
    chrome = clean.learn_chrome(texts[5:], rules=RULES)
    for text in texts:
        c = clean.clean(text, rules=RULES, chrome=chrome)
        words = Counter(re.findall(r"\w+", text))
        kept = Counter(re.findall(r"\w+", "\n".join([c.title or "", c.body, c.comments, *c.boilerplate])))
        assert words == kept, text[:80]
