"""What an outlet repeats, learned from its documents: lines, templates, sentences of flattened texts."""
import random

import pytest

import newsgen
from analysis import chrome, clean

RULES = clean.load_rules()


def _site(n: int, extra):
    """``n`` articles of one site (generated text) with a line ``extra(i)`` after the second paragraph."""
    rng = random.Random(n)
    docs = []
    for i in range(n):
        paras = newsgen.article(rng, day=newsgen.date(2016, 1, 1) + newsgen.timedelta(days=i))
        docs.append("\n\n".join([newsgen.headline(rng), *paras[:2], extra(i), *paras[2:]]) + "\n")
    return docs


@pytest.mark.parametrize(
    "extra, learned",
    [
        (lambda i: f"Listen to this article: {i % 7 + 2} min", {"listen to"}),
        (lambda i: f"Photo: staff photographer {i}", {"photo:"}),
        (lambda i: f"Also on Levant Daily: story {i} of the week", {"also on"}),
        # a lede that opens with the wire's dateline is article text, not a template
        (lambda i: f"BEIRUT (Levant Wire) - Government troops shelled the town of {i} for the third day running, "
                   f"killing at least {i} people and wounding dozens more, a monitor said.", set()),
        # "Mr Assad" opens short lines but is mostly inside sentences: not a template
        (lambda i: f"Mr Assad spoke on day {i}.\n\nAnalysts in Beirut said on day {i} that Mr Assad would not yield to "
                   f"pressure, and that Mr Assad's allies in Moscow agreed with him.", set()),
        # function words only
        (lambda i: f"In the {i}th hour", set()),
    ],
)
def test_learned_templates(extra, learned):
    docs = _site(12, extra)
    learned_chrome = chrome.learn_chrome(docs, rules=RULES)
    assert learned_chrome.templates == learned
    c = clean.clean(docs[3], rules=RULES, chrome=learned_chrome)
    assert (extra(3).split("\n")[0] in c.boilerplate) == bool(learned)


def test_a_long_line_repeated_in_varying_places_is_chrome_but_a_shared_paragraph_is_not():
    ad = ("An ultra-low latency infrastructure for electronic trading and data distribution, trusted by leading "
          "exchanges and banks worldwide, is available to subscribers.")
    docs = [f"Headline {i}\n\nParagraph one of story {i}.\n\n" + ("\n\n".join(
        [f"Paragraph two of story {i}."] + ([ad] if i % 2 else []) + [f"Paragraph three of story {i}."]
        + ([] if i % 2 else [ad]))) for i in range(8)]
    assert ad in chrome.repeated_lines(docs, min_docs=3, min_share=0.3)
    shared = ("The Syrian Observatory for Human Rights, a Britain-based monitor, said at least 40 fighters from "
              "both sides died in the fighting near the town.")
    copies = [f"Copy {i} headline\n\nThe same lede of the one story.\n\n{shared}\n\nThe same last line." for i in range(6)]
    assert shared not in chrome.repeated_lines(copies, min_docs=3, min_share=0.3)


def _flat(i: int, rng: random.Random) -> str:
    return " ".join(newsgen.article(rng, day=newsgen.date(2016, 1, 1), paragraphs=(3, 5)))


def test_sentences_repeated_in_flattened_texts():
    rng = random.Random(3)
    blurb = ("Launched in 1978 the Levant Herald has established itself as the leading daily of the region. "
             "Follow us on Instagram.")
    docs = [_flat(i, rng) + (" " + blurb if i % 2 else "") for i in range(12)]
    learned = chrome.repeated_sentences(docs, min_docs=3, min_share=0.3)
    assert learned == {"Launched in 1978 the Levant Herald has established itself as the leading daily of the region.",
                       "Follow us on Instagram."}
    c = clean.clean(docs[1], rules=RULES, chrome=chrome.Chrome(sentences=learned), find_title=False)
    assert "Levant Herald" not in c.body and "Follow us on Instagram." in c.boilerplate
    assert c.body == docs[1][: -len(blurb) - 1]


def test_copies_of_one_article_are_not_chrome():
    rng = random.Random(4)
    story = _flat(0, rng)
    copies = [f"{place}, 3 March 2016 - {story}" for place in ("Idlib", "Hama", "Douma", "Raqqa", "Homs")]
    others = [_flat(i, rng) for i in range(5)]
    assert chrome.repeated_sentences(copies + others, min_docs=3, min_share=0.3) == frozenset()
