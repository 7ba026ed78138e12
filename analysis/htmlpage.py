"""Main text, reader comments and page metadata from one HTML page (decoded text in, fields out).

Extraction is done by trafilatura; scripts and styles are never executed or kept. Nothing here
reaches the network: trafilatura and htmldate are given parsed trees or markup, never anything
they could fetch.

Comments. trafilatura's comment mode takes the comment sections out of the page before it looks
for the main text; on forum-style pages that can take the article with them, and the main text
then comes from a sidebar. So a page with comments is extracted twice (comments on and off) and
the body with less navigation text (lines that are link texts of the page) is kept; a comment
paragraph that is also in the kept body is dropped from the comments. Widget text ("Loading
comments...", log-in prompts) is left to the cleaner (``comment_chrome`` in boilerplate.yaml).

Dates. The page's own metadata (``<meta>``, JSON-LD, ``<time datetime>``) is read by htmldate on a
copy of the page that holds only that markup, so the date never comes from the running text, the
title or the URL (the URL's date is read apart, as ``inferred``: see :mod:`analysis.dates`).
"""
from __future__ import annotations

import re
from copy import deepcopy

__all__ = ["read_html", "link_share", "metadata_date", "choose_body"]

#: A body from the comments-on pass is replaced by the comments-off one when its share of link
#: text is higher by more than this.
LINK_SHARE_MARGIN = 0.1
_WS = re.compile(r"\s+")
_DOMAIN_LIKE = re.compile(r"^[\w-]+(\.[\w-]+)+$")
#: Metadata elements of the page body copied for htmldate (the head's meta and JSON-LD come too).
_META_XPATH = ('//body//script[@type="application/ld+json"] | //body//time[@datetime] | //body//meta'
               ' | //body//abbr[@title] | //body//*[@itemprop="datePublished"]')


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip().lower()


def _anchors(tree) -> frozenset[str]:
    """Texts of the page's links of three words or more."""
    out = set()
    for a in tree.iter("a"):
        t = _norm(a.text_content() or "")
        if len(t.split()) >= 3:
            out.add(t)
    return frozenset(out)


def link_share(text: str, anchors: frozenset[str]) -> float:
    """Share of the words of ``text`` in lines that are a link text of the page (navigation)."""
    total = link = 0
    for line in text.split("\n"):
        n = len(line.split())
        total += n
        if n and _norm(line) in anchors:
            link += n
    return link / total if total else 1.0


def choose_body(body_on: str, body_off: str, comments: str, anchors: frozenset[str]) -> tuple[str, str, str]:
    """(body, comments, which pass) from the comments-on and comments-off passes: the comments-on
    body unless it is empty or holds clearly more navigation text than the comments-off body.
    Comment paragraphs also in the body are dropped from the comments."""
    which = "comments-on"
    if body_off.strip() and (not body_on.strip()
                             or link_share(body_on, anchors) > link_share(body_off, anchors) + LINK_SHARE_MARGIN):
        which = "comments-off"
    body = body_on if which == "comments-on" else body_off
    in_body = {_norm(p) for p in body.split("\n") if p.strip()}
    kept = [p for p in comments.split("\n") if p.strip() and _norm(p) not in in_body]
    return body, "\n".join(kept), which


def metadata_date(tree) -> str | None:
    """The publication date stated by the page's metadata (ISO ``YYYY-MM-DD``), by htmldate; the
    widest range is asked for, so that implausible dates reach the caller, who flags them."""
    from htmldate import find_date
    from lxml.html import Element

    meta = Element("html")
    head = Element("head")
    meta.append(head)
    src_head = tree.find("head")
    for el in (src_head if src_head is not None else []):
        if el.tag == "meta" and (el.get("property") or el.get("name") or "").lower() in ("og:url", "twitter:url"):
            continue  # htmldate would read a date in this URL as page metadata
        if el.tag in ("meta", "script") or (el.tag == "link" and el.get("rel") != "canonical"):
            head.append(_bare_copy(el))
    body = Element("body")
    meta.append(body)
    for el in tree.xpath(_META_XPATH):
        body.append(_bare_copy(el))
    return find_date(meta, extensive_search=False, original_date=True, url="",
                     min_date="1900-01-01", max_date="2199-12-31")


def _bare_copy(el):
    c = deepcopy(el)
    c.tail = None
    return c


def _get(doc, key):
    if doc is None:
        return None
    return doc.get(key) if isinstance(doc, dict) else getattr(doc, key, None)


def read_html(raw: str) -> tuple[str, dict]:
    """(main text, fields) of one decoded HTML page. Fields (only those found): title, author,
    date (page metadata, ISO), source (the site's name as the page states it), url (canonical),
    comments, html_pass ("comments-on" or "comments-off": which extraction gave the body)."""
    import trafilatura  # imported lazily: heavy, and only needed for HTML inputs

    options = dict(include_tables=True, with_metadata=True, favor_precision=False,
                   date_extraction_params={"extensive_search": False, "original_date": True},
                   prune_xpath="//template")  # <template> holds inert markup a browser never shows
    tree = trafilatura.load_html(raw)
    if tree is None:
        return "", {}
    on = trafilatura.bare_extraction(deepcopy(tree), include_comments=True, **options)
    body, comments, which = _get(on, "text") or "", _get(on, "comments") or "", "comments-on"
    if comments.strip() or not body.strip():
        off = trafilatura.bare_extraction(deepcopy(tree), include_comments=False, **options)
        body, comments, which = choose_body(body, _get(off, "text") or "", comments, _anchors(tree))
        on = on if on is not None else off
    sitename = _get(on, "sitename")
    if sitename and _DOMAIN_LIKE.match(sitename):
        sitename = None  # a host name taken from the URL or title, not the site's stated name
    fields = {
        "title": _get(on, "title"),
        "author": _get(on, "author"),
        "date": metadata_date(tree),
        "source": sitename,
        "url": _get(on, "url"),
        "comments": comments,
        "html_pass": which if comments or which == "comments-off" else None,
    }
    return body, {k: v for k, v in fields.items() if v}
