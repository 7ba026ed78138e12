"""Dates a document states about itself, each with the text that states it.

A date is only ever read from a place that states it as the document's own: a date column, the
page's metadata, a dateline or byline at the top of the text, the URL, the file name, or the
register. Dates mentioned in the running text are events, not publication dates, and are never
read. Parsing uses dateparser (free-text datelines: "Jan. 28, 2017", "Sept. 5, 2016", RFC 2822)
and htmldate (dates in URLs and file names); neither is ever given anything it could fetch.

Every finder returns :class:`Found` (date, source, evidence) or None. :func:`check_range` says why a
date cannot be a publication date (before 1990, or after the build).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

__all__ = ["Found", "MIN_DATE", "DATE_RE", "PLACE_RE", "LEADING_DATE_RE", "DATELINE_PATTERNS", "HEADER_PATTERNS", "parse_date", "parse_text_date", "check_range", "dateline_date",
           "url_date", "path_date", "head_lines"]

#: Publication dates before this are not believed (flagged, not used).
MIN_DATE = date(1990, 1, 1)

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
          r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WEEKDAY = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|nesday|sday|urday)?\.?,?"
_DAY = r"(?:0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
#: A complete date (day, month and year) as datelines and headers write it.
DATE_RE = (
    rf"(?:{_WEEKDAY}\s+)?"
    rf"(?:{_DAY}\s+{_MONTH},?\s+{_YEAR}"  # 24 March 2015, Wed 05 Apr 2017
    rf"|{_MONTH}\s+{_DAY},?\s+{_YEAR}"  # Jan. 28, 2017, Oct 25 2015
    rf"|{_YEAR}-[01]?\d-[0-3]?\d"  # 2018-04-14
    rf"|[0-3]?\d[./][01]?\d[./]{_YEAR}|[0-3]\d-[01]\d-{_YEAR}"  # 24.08.2013, 4/5/2017, 05-12-2016
    rf"|{_YEAR}/[01]?\d/[0-3]?\d)"  # 2018/04/14
    rf"(?:,?\s+\d\d?:\d\d(?::\d\d)?(?:\s*[+-]\d{{4}}|\s*GMT|\s*UTC)?)?"  # RFC 2822 time part
)
_D = rf"(?P<date>{DATE_RE})(?![\w/.-]*\d)"
_LABEL = (r"(?i:(?:(?:First |Last )?(?:Published|Posted|Updated|Modified|Dated?|Filed)|Date of publication)"
          r"(?: (?:on|at))?:?\s+)")
#: A place name as datelines write it: "IDLIB", "Deir ez-Zor", "Jisr al-Shughour", "Khan Sheikhoun".
PLACE_RE = r"[A-Z][\w'’.\-]*(?:\s(?:[A-Z]|[a-z]{1,3}-[A-Za-z])[\w'’.\-]*){0,3}"
#: A line (or a text) that opens with a date, possibly labelled: "Published February 18 2015 ...",
#: "Date of publication 5 July 2016", "Sat, 14 Apr 2018 10:32:00 +0000", "23 February 2015 The brigade ..."
LEADING_DATE_RE = re.compile(rf"^\W{{0,3}}{_LABEL}?{_D}")
#: Datelines and bylines at the top of a text, tried in order on each head line.
DATELINE_PATTERNS = tuple(re.compile(p) for p in (
    LEADING_DATE_RE.pattern,
    # a byline with its date: "By Jane Roe, Jan. 28, 2017", "By Jane Roe | 24 March 2015"
    rf"^(?:By|BY)\s+[^,|–—]{{2,60}}?\s*[,|–—-]\s*{_LABEL}?{_D}",
    # a wire dateline: "IDLIB, Syria, Jan. 28, 2017 (Levant Wire) -", "Aleppo, 6 October 2016 -"
    rf"^{PLACE_RE}(?:,\s+{PLACE_RE}){{0,2}},?\s+{_D}\s*(?:\([^()]{{2,40}}\)\s*)?[-–—]",
))
_SEP = r"\s+[|•·–—-]\s+"
#: A header line naming the outlet and the date: "Damascus Monitor | 24 March 2015",
#: "24 March 2015 | Damascus Monitor"; the name is read by :mod:`analysis.outlets`.
HEADER_PATTERNS = (
    re.compile(rf"^(?P<name>[^|•·–—\n]{{2,60}}?){_SEP}{_LABEL}?{_D}\s*$"),
    re.compile(rf"^{_LABEL}?{_D}{_SEP}(?P<name>[^|•·–—\n]{{2,60}}?)\s*$"),
)

#: Head of a text read for datelines: this many non-blank lines, each cut to HEAD_CHARS.
HEAD_LINES = 4
HEAD_CHARS = 240


@dataclass(frozen=True)
class Found:
    """A date and where it was read: ``source`` is one of register, column, html, site, dateline,
    url, filename; ``evidence`` the text that states it."""

    value: date
    source: str
    evidence: str


_FIELD_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%B %d, %Y", "%B %d %Y",
                  "%d %B %Y", "%b %d, %Y", "%d %b %Y", "%a %d %b %Y", "%Y%m%d", "%d%b%y")
_DATEPARSER_SETTINGS = {"REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False,
                        "PREFER_DATES_FROM": "past", "STRICT_PARSING": True}


_DAY_FIRST_RE = re.compile(r"^\d{1,2}[-.]\d{1,2}[-.]\d{4}\b")


#: The common shapes of a dateline's date, parsed directly (dateparser takes a few milliseconds a
#: date); anything else goes to dateparser.
_COMMON_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y", "%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%m/%d/%Y",
                   "%Y/%m/%d")
_WEEKDAY_RE = re.compile(rf"^{_WEEKDAY}\s+")
_TIME_RE = re.compile(r",?\s+\d\d?:\d\d(?::\d\d)?(?:\s*[+-]\d{4}|\s*GMT|\s*UTC)?$")


def _common(value: str) -> date | None:
    v = _TIME_RE.sub("", _WEEKDAY_RE.sub("", value))
    v = re.sub(r"\b(Sept)\b", "Sep", v.replace(",", " ")).replace(".", " ") if re.search(r"[A-Za-z]", v) else v
    v = " ".join(v.split())
    for fmt in _COMMON_FORMATS:
        try:
            return datetime.strptime(v, fmt).date()
        except ValueError:
            continue
    return None


@lru_cache(maxsize=65536)
def parse_text_date(value: str) -> date | None:
    """A complete date (day, month and year) written in English prose or RFC 2822: the common
    shapes directly, the rest by dateparser; None when the text does not state all three."""
    value = re.sub(r"\s+", " ", value).strip().rstrip(",")
    value = re.sub(r"(?<=\d)(?:st|nd|rd|th)\b", "", value)
    if (found := _common(value)) is not None:
        return found
    import dateparser  # imported lazily: slow to import, and only needed for unusual shapes

    settings = _DATEPARSER_SETTINGS
    if _DAY_FIRST_RE.match(value):  # 05-09-2013, 05.09.2013: day first (slashes stay month first, as in US exports)
        settings = {**settings, "DATE_ORDER": "DMY"}
    got = dateparser.parse(value, languages=["en"], settings=settings)
    return got.date() if got else None


@lru_cache(maxsize=65536)
def parse_date(value: str | None, formats: tuple[str, ...] = ()) -> date | None:
    """Parse a date value (a column, the register, a site's attribution line): the given formats,
    then common ones (month first for ``4/5/2017``, as in US exports), then dateparser for written
    dates ("Oct 25 2015", RFC 2822); ``None`` when nothing states a complete date."""
    if value is None:
        return None
    value = re.sub(r"\s+", " ", str(value)).strip().rstrip(".")
    if not value:
        return None
    iso = re.sub(r"^(\d{4}-\d\d-\d\d)[T ].*$", r"\1", value)  # ISO timestamps
    for fmt in formats + _FIELD_FORMATS:
        try:
            return datetime.strptime(iso, fmt).date()
        except ValueError:
            continue
    if re.search(r"[A-Za-z]", value) and re.search(r"\d", value) and len(value) <= 60:
        return parse_text_date(value)
    return None


def check_range(value: date, *, today: date) -> str | None:
    """Why ``value`` cannot be a publication date, or None when it can."""
    if value > today:
        return f"after the build date {today.isoformat()}"
    if value < MIN_DATE:
        return f"before {MIN_DATE.year}"
    return None


def head_lines(text: str, *, lines: int = HEAD_LINES, chars: int = HEAD_CHARS) -> list[str]:
    """The first ``lines`` non-blank lines of ``text``, white space folded, each cut to ``chars``."""
    out = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        if line:
            out.append(line[:chars])
            if len(out) == lines:
                break
    return out


def dateline_date(text: str) -> Found | None:
    """The date of a dateline, byline or header at the top of ``text`` (raw, before cleaning).
    Dates further down, or inside a sentence, are never read."""
    for line in head_lines(text):
        for pattern in DATELINE_PATTERNS + HEADER_PATTERNS:
            m = pattern.search(line)
            if m and (d := parse_text_date(m.group("date"))):
                return Found(d, "dateline", m.group(0).strip())
    return None


def _htmldate_url(url: str) -> date | None:
    from htmldate import find_date
    from lxml.html import fromstring

    # An empty page: htmldate then reads the URL alone. A tree, never a string: htmldate fetches
    # strings that look like URLs.
    got = find_date(fromstring("<html><body><p></p></body></html>"), url=url, extensive_search=False,
                    original_date=True, min_date="1900-01-01", max_date="2199-12-31")
    return date.fromisoformat(got) if got else None


_URL_DATE_RE = re.compile(r"(?<!\d)(?:19|20)\d\d[/_-][01]?\d[/_-][0-3]?\d(?!\d)")


@lru_cache(maxsize=65536)
def url_date(url: str | None) -> Found | None:
    """A complete date in a URL's path (``/2018/04/14/``, ``/2018-04-14-title``), by htmldate."""
    if not url or not _URL_DATE_RE.search(url):
        return None
    d = _htmldate_url(url)
    return Found(d, "url", url) if d else None


def path_date(path: str) -> Found | None:
    """A complete date in a file's path (``2018-04-14_idlib.txt``, ``2018/04/14/story.html``);
    tabular rows (``export.csv#row=3``) take none from their file's name."""
    if "#" in path:
        return None
    m = _URL_DATE_RE.search(path)
    if not m:
        return None
    d = _htmldate_url("/" + m.group(0).replace("_", "-") + "/")
    return Found(d, "filename", path) if d else None
