"""Document metadata with provenance: outlet, publisher, author, title and dates.

Each date carries where it came from:

- ``explicit``: stated by the input itself: a dateline or republication notice in the text
  (patterns in ``data/reference/sites.yaml``), the page's own metadata (HTML), or the date column
  of a tabular export;
- ``inferred``: not stated as the publication date, derived from the text: the latest complete
  date (day, month and year) the article mentions, a lower bound for its publication;
- ``curated``: taken from the analyst's register ``metadata.csv`` (see :mod:`analysis.register`);
- ``unknown``: none of these. An undated document stays undated, never the build date.

A site banner such as "JUNE 2023" on a donation widget is chrome, not a date: inference reads only
the cleaned body.
"""
from __future__ import annotations

import email.utils
import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import yaml

from . import config

SITES_FILE = config.REFERENCE_DIR / "sites.yaml"
PROVENANCE = ("explicit", "inferred", "curated", "unknown")

_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_MON = r"Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
#: Complete dates mentioned in running text, for inference.
MENTIONED_DATE_RE = re.compile(
    rf"\b(?:(?P<d1>\d{{1,2}}) (?P<m1>{_MONTHS}|{_MON})\.? (?P<y1>(?:19|20)\d\d)"
    rf"|(?P<m2>{_MONTHS}|{_MON})\.? (?P<d2>\d{{1,2}}),? (?P<y2>(?:19|20)\d\d)"
    rf"|(?P<y3>(?:19|20)\d\d)-(?P<m3>\d\d)-(?P<d3>\d\d))\b"
)
_FIELD_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d", "%d.%m.%Y", "%B %d, %Y", "%B %d %Y",
                  "%d %B %Y", "%b %d, %Y", "%b %d %Y", "%d %b %Y", "%a %d %b %Y", "%a, %d %b %Y", "%Y%m%d",
                  "%d%b%y")


@dataclass(frozen=True)
class Site:
    outlet: str
    detect: tuple[re.Pattern, ...]
    dateline: tuple[re.Pattern, ...]
    republished: tuple[re.Pattern, ...]
    date_formats: tuple[str, ...]


@dataclass(frozen=True)
class SiteRules:
    sites: tuple[Site, ...]
    generic: Site
    digest: str


def _compile(patterns, where: str) -> tuple[re.Pattern, ...]:
    out = []
    for p in patterns or []:
        try:
            out.append(re.compile(p, re.MULTILINE))
        except re.error as exc:
            raise ValueError(f"{SITES_FILE.name}: {where}: pattern {p!r} is not a valid regular expression: {exc}")
    return tuple(out)


def load_sites(path: Path | None = None) -> SiteRules:
    path = Path(path or SITES_FILE)
    raw = path.read_bytes()
    data = yaml.safe_load(raw) or {}
    sites = []
    for i, s in enumerate(data.get("sites") or []):
        if not isinstance(s, dict) or not s.get("outlet"):
            raise ValueError(f"{path}: sites[{i}]: `outlet` is required; got {s!r}")
        where = f"sites[{i}] ({s['outlet']})"
        sites.append(Site(str(s["outlet"]), _compile(s.get("detect"), where + ".detect"),
                          _compile(s.get("dateline"), where + ".dateline"),
                          _compile(s.get("republished"), where + ".republished"),
                          tuple(s.get("date_formats") or ())))
    g = data.get("generic") or {}
    generic = Site("", (), _compile(g.get("dateline"), "generic.dateline"), (), tuple(g.get("date_formats") or ()))
    return SiteRules(tuple(sites), generic, hashlib.sha256(raw).hexdigest()[:16])


@lru_cache(maxsize=65536)
def parse_date(value: str | None, formats: tuple[str, ...] = ()) -> date | None:
    """Parse a date string with the given formats, then common ones (month first for
    ``4/5/2017``, as in US exports); ``None`` when nothing fits."""
    if value is None:
        return None
    value = re.sub(r"\s+", " ", str(value)).strip().rstrip(".")
    if not value:
        return None
    value = re.sub(r"^(\d{4}-\d\d-\d\d)[T ].*$", r"\1", value)  # ISO timestamps
    for fmt in formats + _FIELD_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    try:  # RFC 2822, as in RSS feeds and e-mail: "Sun, 25 Oct 2015 14:03:00 +0000"
        return email.utils.parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


def _month(name: str) -> int:
    return datetime.strptime(name[:3].title(), "%b").month


def latest_mentioned_date(text: str) -> date | None:
    """The latest complete date (day, month, year) mentioned in ``text``."""
    best = None
    for m in MENTIONED_DATE_RE.finditer(text):
        try:
            if m.group("y1"):
                d = date(int(m.group("y1")), _month(m.group("m1")), int(m.group("d1")))
            elif m.group("y2"):
                d = date(int(m.group("y2")), _month(m.group("m2")), int(m.group("d2")))
            else:
                d = date(int(m.group("y3")), int(m.group("m3")), int(m.group("d3")))
        except ValueError:
            continue
        if best is None or d > best:
            best = d
    return best


def from_text(raw: str, *, sites: SiteRules) -> dict:
    """Metadata read from a raw document's text (before cleaning)."""
    out: dict = {}
    for site in sites.sites:
        if any(p.search(raw) for p in site.detect):
            out["outlet"] = site.outlet
            _datelines(raw, site, out)
            break
    if "published" not in out:
        _datelines(raw, sites.generic, out)
    return out


def _datelines(raw: str, site: Site, out: dict) -> None:
    for p in site.dateline:
        m = p.search(raw)
        if not m:
            continue
        g = m.groupdict()
        d = parse_date(g.get("date"), site.date_formats)
        if g.get("author"):
            out.setdefault("author", g["author"].strip())
        if g.get("publisher"):
            out.setdefault("publisher", g["publisher"].strip())
        if d:
            out["published"] = d
            break
    for p in site.republished:
        m = p.search(raw)
        if m and (d := parse_date(m.group("date"), site.date_formats)):
            out["republished"] = d
            break


def resolve(*, text_meta: dict, field_meta: dict, register: dict | None, body: str,
            field_date_provenance: str = "explicit") -> dict:
    """Combine what the register, the input's own fields and the text say. The register wins
    (``curated``), then explicit statements, then inference from the body."""
    register = register or {}
    out = {}
    curated = []
    for f in ("outlet", "publisher", "author", "title", "url"):
        if register.get(f):
            out[f] = register[f]
            curated.append(f)
        else:
            out[f] = field_meta.get(f) or text_meta.get(f)
    for f in ("published", "republished"):
        if register.get(f):
            out[f], out[f + "_provenance"] = register[f], "curated"
            curated.append(f)
        elif text_meta.get(f):
            out[f], out[f + "_provenance"] = text_meta[f], "explicit"
        elif f == "published" and field_meta.get("date"):
            out[f], out[f + "_provenance"] = field_meta["date"], field_date_provenance
        elif f == "published" and (d := latest_mentioned_date(body)):
            out[f], out[f + "_provenance"] = d, "inferred"
        else:
            out[f], out[f + "_provenance"] = None, "unknown"
    if out.get("publisher") is None and out.get("outlet") is not None:
        out["publisher"] = out["outlet"]  # not republished: the outlet is the publisher
    out["curated_fields"] = ",".join(curated)
    out["notes"] = register.get("notes")
    return out
