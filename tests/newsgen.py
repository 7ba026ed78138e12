"""Generated news corpora in the shapes users bring, with their gold (for tests and bench/).

No shared-corpus text: every article is composed here from sentence templates about the war, so
the corpora can be written anywhere (``tmp_path``) and their truth is known: the article's
paragraphs, the site chrome around them, the reader comments, the outlet and the date the
document itself states (and where). Deterministic for a given seed.

Shapes (each a function writing files into a folder and returning a list of :class:`Gold`):
``wire_copy`` (text files of a wire service: datelines with and without a date, sign-offs, a
long ad repeated across stories), ``news_site`` (a site's text export: header line, captions,
photo credits, newsletter boxes, share lines, the site's own templates), ``video_site`` (CNN-like
"JUST WATCHED" video modules), ``wordpress_pages`` (HTML with sidebars and comment widgets, some
with reader comments), ``news_pages`` (HTML of a major news site: figures, newsletter asides,
related links), ``forum_pages`` (HTML whose article sits in a comment-like container),
``week_export`` (a one-week CSV without a date column, bodies citing 9/11 and other past dates),
``outlet_jsonl`` (a JSONL with an ``outlet`` column and a date column under another name) and
``link_csv`` (a CSV without an outlet column, with a ``link`` column).
"""
from __future__ import annotations

import csv
import html
import json
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

GROUPS = ["Hay'at Tahrir al-Sham", "Ahrar al-Sham", "Jaysh al-Islam", "the Free Syrian Army", "Islamic State",
          "the Syrian Democratic Forces", "Faylaq al-Rahman", "Jabhat al-Nusra", "Nour al-Din al-Zenki",
          "Jaish al-Izza", "Faylaq al-Sham", "Jund al-Aqsa"]
PLACES = ["Idlib", "Aleppo", "Douma", "Eastern Ghouta", "Raqqa", "Deir ez-Zor", "Hama", "Homs", "Daraa", "Manbij",
          "Afrin", "Palmyra", "Saraqib", "Jisr al-Shughour", "Khan Sheikhoun", "Maarat al-Numan", "Tabqa", "Azaz"]
NAMES = ["Lina Haddad", "Omar Khalil", "Sara Nasser", "Karim Aziz", "Rania Saleh", "Yusuf Darwish", "Hiba Mansour",
         "Tariq Hamdan", "Maya Rahal", "Samir Qasim"]
THINGS = ["border crossing", "main road", "grain silos", "water station", "checkpoint", "airbase", "power plant"]
#: Each outlet's own words for the same things: what distinctive terms should find.
STYLES = {
    "rebel": {"forces": "regime forces", "fighters": "revolutionaries", "govt": "the Assad regime", "verb": "liberated"},
    "state": {"forces": "the Syrian Arab Army", "fighters": "terrorists", "govt": "the Syrian government", "verb": "cleansed"},
    "neutral": {"forces": "government troops", "fighters": "insurgents", "govt": "Damascus", "verb": "captured"},
}
SENTENCES = [
    "{g1} fighters clashed with {g2} near {p} on {wd}, according to local activists.",
    "At least {n} people were killed when {forces} shelled positions held by {g2} in {p}.",
    "{g1} and {g2} announced a joint operations room to coordinate attacks around {p}.",
    "A spokesman for {g1} said the group would not withdraw from {p} despite the truce.",
    "Residents of {p} said {g2} had set up new checkpoints on the road to {p2}.",
    "The Syrian Observatory for Human Rights said {n} {fighters} died in the fighting near {p}.",
    "Talks between {g1} and {g2} broke down over control of the {thing} in {p}.",
    "{g2} accused {g1} of breaking the ceasefire that was agreed in {month}.",
    "{forces} {verb} the villages south of {p} after two days of heavy bombardment.",
    "Local councils in {p} asked the {fighters} to leave residential areas before the winter.",
    "{govt} said the operation in {p} would continue until the {fighters} surrendered.",
    "Witnesses described long lines of families leaving {p} towards {p2} with their belongings.",
    "The merger of {g1} and {g2} was described by commanders as a step towards unity.",
    "Aid agencies warned that the fighting around the {thing} had cut supplies to {p}.",
]
PAST = ["the attacks of September 11, 2001", "the 9/11 attacks on September 11, 2001",
        "the uprising that began on March 15, 2011", "the caliphate declared on June 29, 2014",
        "the chemical attack of August 21, 2013", "the fall of Aleppo on December 22, 2016"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
AP_MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
WIRE_AD = ("An ultra-low latency infrastructure for electronic trading and data distribution, trusted by "
           "leading exchanges and banks worldwide, is available to subscribers through our partners.")


@dataclass
class Gold:
    """The truth about one generated document."""

    path: str  # as the build names it (``file.csv#row=3`` for rows)
    body: list[str]  # the article's paragraphs
    chrome: list[str] = field(default_factory=list)  # every chrome line (or glued piece) in the input
    comments: list[str] = field(default_factory=list)  # reader comments
    outlet: str | None = None  # the outlet the document states (by any means), else None
    published: date | None = None  # the date the document states, else None
    stated_in: str | None = None  # where: column, html, dateline, url, filename, register
    title: str | None = None


def _sentence(rng: random.Random, style: str, day: date) -> str:
    g1, g2 = rng.sample(GROUPS, 2)
    p, p2 = rng.sample(PLACES, 2)
    s = rng.choice(SENTENCES).format(g1=g1, g2=g2, p=p, p2=p2, n=rng.randint(3, 60), thing=rng.choice(THINGS),
                                     wd=WEEKDAYS[day.weekday()], month=rng.choice(MONTHS), **STYLES[style])
    return s[0].upper() + s[1:]


def article(rng: random.Random, *, style: str = "neutral", day: date, paragraphs: tuple[int, int] = (4, 8),
            past: float = 0.0) -> list[str]:
    """Paragraphs of one article; with probability ``past`` a paragraph recalls a dated past event."""
    out = []
    for _ in range(rng.randint(*paragraphs)):
        para = " ".join(_sentence(rng, style, day) for _ in range(rng.randint(1, 3)))
        if rng.random() < past:
            para += f" Commanders compared the offensive to {rng.choice(PAST)}."
        out.append(para)
    return out


def headline(rng: random.Random) -> str:
    g1, g2 = rng.sample(GROUPS, 2)
    verb = rng.choice(["clash with", "join forces with", "accuse", "split from", "besiege"])
    return f"{g1[4:] if g1.startswith('the ') else g1} {verb} {g2} in {rng.choice(PLACES)}"


def _day(rng: random.Random, start: date = date(2014, 1, 1), days: int = 1800) -> date:
    return start + timedelta(days=rng.randrange(days))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- text exports

def wire_copy(folder: Path, n: int = 40, *, seed: int = 1, name: str = "Levant Wire") -> list[Gold]:
    """Wire stories as text files: "IDLIB, Syria, Jan. 28, 2017 (Levant Wire) - ..." datelines (some
    without a date: "BEIRUT (Levant Wire) -"), a sign-off line, the same long ad in about half."""
    rng = random.Random(seed)
    golds = []
    for i in range(n):
        day = _day(rng)
        body = article(rng, day=day)
        place = rng.choice(PLACES)
        dated = i % 3 != 2
        abbrev = AP_MONTHS[day.month - 1]
        if dated:
            line = f"{place.upper()}, Syria, {abbrev} {day.day}, {day.year} ({name}) - "
        else:
            line = f"{place.upper()} ({name}) - "
        chrome = [f"(Reporting by {rng.choice(NAMES)}; Editing by {rng.choice(NAMES)})"]
        body[0] = line + body[0]
        lines = [headline(rng), "", *(x for p in body for x in (p, "")), chrome[0]]
        if i % 2 == 0:
            lines.insert(rng.randrange(4, len(lines)), WIRE_AD)
            chrome.append(WIRE_AD)
        fname = f"wire_{i:03d}.txt"
        stated, published = ("dateline", day) if dated else (None, None)
        if not dated and i % 2 == 1:
            fname = f"{day.isoformat()}_wire_{i:03d}.txt"
            stated, published = "filename", day
        rel = f"{folder.name}/{fname}"
        _write(folder / fname, "\n".join(lines) + "\n")
        golds.append(Gold(rel, body, chrome, outlet=name, published=published, stated_in=stated, title=lines[0]))
    return golds


def news_site(folder: Path, n: int = 40, *, seed: int = 2, name: str = "Damascus Monitor",
              style: str = "rebel") -> list[Gold]:
    """A news site's text export: a header "Damascus Monitor | 24 March 2015", a byline, captions
    and credits between paragraphs, newsletter boxes, share lines, and two of the site's own
    templates no rules file lists ("Listen to this article: 4 min", "Also on Damascus Monitor: ...")."""
    rng = random.Random(seed)
    golds = []
    for i in range(n):
        day = _day(rng)
        body = article(rng, style=style, day=day)
        title = headline(rng)
        chrome = [f"{name} | {day.day} {MONTHS[day.month - 1]} {day.year}", f"By {rng.choice(NAMES)}",
                  f"Listen to this article: {rng.randint(2, 9)} min"]
        lines = [chrome[0], title, chrome[1], chrome[2]]
        for k, para in enumerate(body):
            lines += ["", para]
            if k == 0:
                cap = [f"Image copyright {rng.choice(['Getty Images', 'AFP', 'Reuters', 'EPA'])}",
                       f"Image caption {rng.choice(GROUPS)} fighters near {rng.choice(PLACES)}"]
                lines += cap
                chrome += cap
            if k == 1 and i % 2:
                credit = f"Photo: {rng.choice(NAMES)}/{rng.choice(['AFP', 'Reuters'])} via Getty Images"
                lines.append(credit)
                chrome.append(credit)
            if k == 2:
                box = [f"Sign up for the {name} daily briefing newsletter",
                       "Get the day's top stories from Syria delivered to your inbox."]
                lines += ["", *box]
                chrome += box
            if k == 3 and i % 3 == 0:
                also = f"Also on {name}: {headline(rng)}"
                lines += ["", also]
                chrome.append(also)
        share = "Share this article on Facebook Twitter Email"
        lines += ["", share, "Related Topics"]
        chrome += [share, "Related Topics"]
        _write(folder / f"monitor_{i:03d}.txt", "\n".join(lines) + "\n")
        golds.append(Gold(f"{folder.name}/monitor_{i:03d}.txt", body, chrome, outlet=name, published=day,
                          stated_in="dateline", title=title))
    return golds


def video_site(folder: Path, n: int = 30, *, seed: int = 3, name: str = "Orient Live",
               style: str = "neutral") -> list[Gold]:
    """A CNN-like export: "(Orient Live) -" opening, "JUST WATCHED" video modules with a varying
    video title, "Story highlights" and "Read More" lines; no dates."""
    rng = random.Random(seed)
    golds = []
    for i in range(n):
        day = _day(rng)
        body = article(rng, style=style, day=day)
        title = headline(rng)
        video = ["JUST WATCHED", headline(rng), "Replay", "More Videos ...", "MUST WATCH"]
        chrome = ["Story highlights", "Read More", *video]
        lines = [title, "", "Story highlights", "", f"({name}) - " + body[0], "", "Read More", ""]
        for k, para in enumerate(body[1:]):
            lines += [para, ""]
            if k == 1:
                lines += [*video, ""]
        _write(folder / f"video_{i:03d}.txt", "\n".join(lines))
        body = [f"({name}) - " + body[0], *body[1:]]
        golds.append(Gold(f"{folder.name}/video_{i:03d}.txt", body, chrome, outlet=name, stated_in="wire",
                          title=title))
    return golds


def week_export(folder: Path, n: int = 63, *, seed: int = 4, start: date = date(2018, 4, 9)) -> list[Gold]:
    """A one-week export (7 days from ``start``) as CSV without a date column or an outlet column:
    title, text, link. A third of the links carry the date (/2018/04/14/), a third of the texts
    open with a dateline, the rest state no date; many bodies recall 9/11 and other past dates."""
    rng = random.Random(seed)
    domains = [("www.reuters.com", "Reuters"), ("www.aljazeera.com", "Al Jazeera"), ("english.ahram.org.eg", "Al-Ahram"),
               ("www.levantdaily.net", "levantdaily.net")]
    golds, rows = [], []
    for i in range(n):
        day = start + timedelta(days=rng.randrange(7))
        body = article(rng, day=day, past=0.5)
        host, outlet = domains[i % len(domains)]
        slug = headline(rng).lower().replace(" ", "-").replace("'", "")
        stated, published = None, None
        if i % 3 == 0:
            link = f"https://{host}/news/{day:%Y/%m/%d}/{slug}"
            stated, published = "url", day
        else:
            link = f"https://{host}/news/{slug}-{rng.randint(10000, 99999)}"
        if i % 3 == 1:
            body[0] = f"{rng.choice(PLACES)}, {day.day} {MONTHS[day.month - 1]} {day.year} - " + body[0]
            stated, published = "dateline", day
        rows.append({"title": headline(rng), "text": "\n\n".join(body), "link": link})
        golds.append(Gold(f"{folder.name}/week.csv#row={i + 1}", body, [], outlet=outlet, published=published,
                          stated_in=stated, title=rows[-1]["title"]))
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "week.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["title", "text", "link"])
        w.writeheader()
        w.writerows(rows)
    return golds


def outlet_jsonl(folder: Path, n: int = 40, *, seed: int = 5) -> list[Gold]:
    """A JSONL export with an ``outlet`` column and its date in ``story_date`` (RFC 2822 or
    "Oct 25 2015"); a few rows have no date and one a date in the future."""
    rng = random.Random(seed)
    outlets = [("Syria Direct", "neutral"), ("Enab Baladi", "rebel"), ("SANA", "state")]
    golds, lines = [], []
    for i in range(n):
        day = _day(rng)
        outlet, style = outlets[i % 3]
        body = article(rng, style=style, day=day)
        row = {"id": f"j{i}", "headline": headline(rng), "content": "\n\n".join(body), "outlet": outlet}
        stated, published = "column", day
        if i % 10 == 9:
            stated, published = None, None
        elif i == 4:
            row["story_date"] = "Mon, 02 Jan 2040 08:00:00 +0000"  # impossible: after the build
            stated, published = None, None
        elif i % 2:
            row["story_date"] = day.strftime("%a, %d %b %Y 10:%M:00 +0000").replace("%M", "15")
        else:
            row["story_date"] = day.strftime("%b %d %Y").replace(" 0", " ")
        lines.append(json.dumps(row))
        golds.append(Gold(f"{folder.name}/feed.jsonl#row={i + 1}", body, [], outlet=outlet, published=published,
                          stated_in=stated, title=row["headline"]))
    _write(folder / "feed.jsonl", "\n".join(lines) + "\n")
    return golds


def link_csv(folder: Path, n: int = 30, *, seed: int = 6) -> list[Gold]:
    """A CSV without an outlet column: the outlet is in the ``link`` (a subdomain of a listed
    outlet, or an unlisted site); the date in ``date``."""
    rng = random.Random(seed)
    hosts = [("english.alarabiya.net", "Al Arabiya"), ("www.middleeasteye.net", "Middle East Eye"),
             ("news.example-levant.org", "example-levant.org")]
    golds, rows = [], []
    for i in range(n):
        day = _day(rng)
        body = article(rng, day=day)
        host, outlet = hosts[i % 3]
        rows.append({"headline": headline(rng), "body": "\n\n".join(body), "date": day.strftime("%m/%d/%Y"),
                     "link": f"https://{host}/articles/{rng.randint(1000, 9999)}"})
        golds.append(Gold(f"{folder.name}/links.csv#row={i + 1}", body, [], outlet=outlet, published=day,
                          stated_in="column", title=rows[-1]["headline"]))
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "links.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["headline", "body", "date", "link"])
        w.writeheader()
        w.writerows(rows)
    return golds


# --------------------------------------------------------------------------- HTML pages

def _sidebar(rng: random.Random, k: int = 12) -> str:
    items = "".join(f'<li><a href="/story/{rng.randint(100, 999)}">{html.escape(headline(rng))}</a></li>'
                    for _ in range(k))
    return f'<aside class="sidebar widget-area"><h3>Most read</h3><ul>{items}</ul></aside>'


def _paras(body: list[str]) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in body)


REPLIES = ["Same story every month in {p}, nothing changes.", "Does anyone know if the road to {p} is open again?",
           "My brother saw {g} trucks near {p} yesterday.", "Who benefits from this? Not the people of {p}.",
           "Thanks for posting, the local pages say the same.", "This will end badly for {g}, as always.",
           "Any news from the villages west of {p}?", "I don't trust these numbers at all."]
WIDGETS = ["Loading comments...", "You must be logged in to post a comment.",
           "Please enable JavaScript to view the comments powered by Disqus.", "comments powered by Disqus"]


def wordpress_pages(folder: Path, n: int = 24, *, seed: int = 7, name: str = "Syria Notes") -> list[Gold]:
    """WordPress posts: menu, sidebar of links, the post, and a comments area that holds only
    widget text in two of three pages and reader comments in the third. The date is in the page
    metadata, in the canonical URL, or nowhere."""
    rng = random.Random(seed)
    golds = []
    for i in range(n):
        day = _day(rng)
        body = article(rng, day=day, paragraphs=(3, 6))
        title = headline(rng)
        slug = title.lower().replace(" ", "-").replace("'", "")
        meta, stated, published = "", None, None
        url = f"https://syrianotes.example.org/{slug}/"
        if i % 3 == 0:
            meta = f'<meta property="article:published_time" content="{day.isoformat()}T09:30:00+00:00">'
            stated, published = "html", day
        elif i % 3 == 1:
            url = f"https://syrianotes.example.org/{day:%Y/%m/%d}/{slug}/"
            stated, published = "url", day
        comments = []
        if i % 3 == 2:
            comments = [f"{rng.choice(GROUPS)} will never accept this deal, mark my words.",
                        f"My cousin in {rng.choice(PLACES)} says the roads are still closed."]
            area = "".join(f'<li class="comment"><div class="comment-author">{rng.choice(NAMES)}</div>'
                           f'<div class="comment-content"><p>{html.escape(c)}</p></div></li>' for c in comments)
            area = f'<div id="comments" class="comments-area"><h2>2 thoughts on “{html.escape(title)}”</h2><ol class="comment-list">{area}</ol></div>'
            chrome = []
        else:
            widgets = rng.sample(WIDGETS, 2)
            area = ('<div id="comments" class="comments-area"><h3>Leave a Reply</h3>'
                    + "".join(f"<p>{w}</p>" for w in widgets) + '</div><div id="disqus_thread"></div>')
            chrome = widgets
        page = (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)} – {name}</title>'
                f'<link rel="canonical" href="{url}"><meta property="og:site_name" content="{name}">{meta}</head>'
                f'<body><nav><ul><li><a href="/">Home</a></li><li><a href="/about">About</a></li></ul></nav>'
                f'<div id="content"><article class="post"><h1 class="entry-title">{html.escape(title)}</h1>'
                f'<div class="entry-content">{_paras(body)}</div></article>{area}</div>{_sidebar(rng)}'
                f'<footer>Proudly powered by WordPress</footer></body></html>')
        _write(folder / f"post_{i:03d}.html", page)
        golds.append(Gold(f"{folder.name}/post_{i:03d}.html", body, chrome, comments, outlet=name,
                          published=published, stated_in=stated, title=title))
    return golds


def news_pages(folder: Path, n: int = 24, *, seed: int = 8, name: str = "Levant Herald") -> list[Gold]:
    """Article pages of a major news site: figures with captions and credits inside the article,
    a newsletter box, a share bar, related links; the date in JSON-LD; the site's name in
    ``og:site_name`` on every other page (the rest name it only in the title); no comments."""
    rng = random.Random(seed)
    golds = []
    for i in range(n):
        day = _day(rng)
        body = article(rng, style="state", day=day)
        title = headline(rng)
        cap = f"{rng.choice(GROUPS)} fighters in {rng.choice(PLACES)}. Photo: {rng.choice(NAMES)}/AFP via Getty Images"
        box = "Sign up for our Middle East newsletter"
        parts = _paras(body[:2]) + (f'<figure><img src="/i/{i}.jpg" alt=""><figcaption>{html.escape(cap)}'
                                    f'</figcaption></figure>') + _paras(body[2:4]) + (
            f'<aside class="newsletter"><p>{box}</p><form><input type="email"><button>Sign up</button></form></aside>'
        ) + _paras(body[4:])
        ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                         "datePublished": f"{day.isoformat()}T06:00:00Z"})
        site = f'<meta property="og:site_name" content="{name}">' if i % 2 else ""
        page = (f'<html><head><title>{html.escape(title)} | {name}</title>{site}'
                f'<script type="application/ld+json">{ld}</script></head><body>'
                f'<header><a href="/">{name}</a><a href="/world">World</a><a href="/video">Video</a></header>'
                f'<main><article><h1>{html.escape(title)}</h1><div class="share"><a href="#">Share on Facebook</a>'
                f'<a href="#">Share on Twitter</a></div><div class="article-body">{parts}</div></article>'
                f'<section class="related"><h2>Related</h2><ul>'
                + "".join(f'<li><a href="/a/{k}">{html.escape(headline(rng))}</a></li>' for k in range(5))
                + f'</ul></section></main><footer>© {day.year} {name}. All rights reserved.</footer></body></html>')
        _write(folder / f"story_{i:03d}.html", page)
        golds.append(Gold(f"{folder.name}/story_{i:03d}.html", body, [cap, box], [], outlet=name if i % 2 else None,
                          published=day,
                          stated_in="html", title=title))
    return golds


def forum_pages(folder: Path, n: int = 12, *, seed: int = 9, name: str = "Levant Forum") -> list[Gold]:
    """Forum-style pages: the article is the first post, in a comment-like container, followed by
    replies; a long sidebar of links. trafilatura's comment mode takes the article for a comment."""
    rng = random.Random(seed)
    golds = []
    for i in range(n):
        day = _day(rng)
        body = article(rng, day=day, paragraphs=(3, 5))
        title = headline(rng)
        replies = rng.sample(REPLIES, 2)
        replies = [r.format(p=rng.choice(PLACES), g=rng.choice(GROUPS)) for r in replies]
        posts = f'<div class="comment post" id="post-1"><div class="comment-body">{_paras(body)}</div></div>' + "".join(
            f'<div class="comment" id="post-{k + 2}"><div class="comment-body"><p>{html.escape(r)}</p></div></div>'
            for k, r in enumerate(replies))
        page = (f'<html><head><title>{html.escape(title)} - {name}</title></head><body>{_sidebar(rng, 30)}'
                f'<div class="thread"><h1>{html.escape(title)}</h1>{posts}</div></body></html>')
        _write(folder / f"thread_{i:03d}.html", page)
        golds.append(Gold(f"{folder.name}/thread_{i:03d}.html", body, [], replies, outlet=None, title=title))
    return golds


SHAPES = {"wire": wire_copy, "site": news_site, "video": video_site, "week": week_export, "jsonl": outlet_jsonl,
          "links": link_csv, "wordpress": wordpress_pages, "news": news_pages, "forum": forum_pages}


def assemble(root: Path, shapes: dict[str, int] | None = None, *, seed: int = 0) -> dict[str, list[Gold]]:
    """Write each shape into its own folder under ``root`` (``{shape: n}``; default: all, default
    sizes). Returns the gold by shape."""
    shapes = shapes or {k: None for k in SHAPES}
    out = {}
    for k, (shape, n) in enumerate(shapes.items()):
        fn = SHAPES[shape]
        kwargs = {"seed": seed * 100 + k + 1}
        if n is not None:
            kwargs["n"] = n
        out[shape] = fn(root / shape, **kwargs)
    return out


def token_f1(got: str, gold: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of the word tokens of ``got`` against ``gold`` (bags of words, as in
    the CLEANEVAL and trafilatura evaluations)."""
    from collections import Counter
    import re

    g = Counter(re.findall(r"\w+", got.lower()))
    t = Counter(re.findall(r"\w+", gold.lower()))
    common = sum((g & t).values())
    p = common / sum(g.values()) if g else 0.0
    r = common / sum(t.values()) if t else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
