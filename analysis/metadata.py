"""Document metadata with provenance: outlet, publisher, author, title and dates.

Every date and outlet records where it came from, in this order of trust:

- ``curated``: the analyst's register ``metadata.csv`` (see :mod:`analysis.register`);
- ``explicit``: a field of the input that states it: a date or outlet column of a tabular export,
  the HTML page's metadata;
- ``inferred``: read from the document's own text or address: a dateline, byline or header at the
  top of the text, a wire tag, a site's attribution line (``data/reference/sites.yaml``), a date
  or domain in the URL, a date in the file name; the matched text is kept (``date_evidence``,
  ``outlet_evidence``);
- ``unknown``: none of these. An undated document stays undated, never the build date.

A date is never taken from the running text: "the attack of September 11, 2001" in a 2018 article
is an event, not a publication date. Where two sources disagree by more than ``CONFLICT_DAYS``,
the more trusted one is kept and the disagreement is written to ``date_conflict``. A stated date
before 1990 or after the build is not used; it is written to ``date_rejected``.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from . import config, dates, outlets
from .dates import Found, parse_date

__all__ = ["PROVENANCE", "SOURCES", "CONFLICT_DAYS", "REGISTER_COLUMNS", "Site", "SiteRules", "load_sites",
           "parse_date", "site_metadata", "site_key", "describe"]

PROVENANCE = ("explicit", "inferred", "curated", "unknown")
#: Where a date or an outlet can come from, most trusted first, with the provenance of each.
SOURCES = {"register": "curated", "column": "explicit", "html": "explicit", "site": "inferred",
           "dateline": "inferred", "header": "inferred", "url": "inferred", "filename": "inferred",
           "wire": "inferred"}
#: Two dates for one document further apart than this (days) are a conflict.
CONFLICT_DAYS = 3
#: Columns of the analyst's register (read and checked by :mod:`analysis.register`).
REGISTER_COLUMNS = ("path", "doc_id", "outlet", "publisher", "author", "title", "published", "republished",
                    "url", "notes")


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


def _compile(patterns, where: str, path: Path) -> tuple[re.Pattern, ...]:
    out = []
    for p in patterns or []:
        try:
            out.append(re.compile(p, re.MULTILINE))
        except re.error as exc:
            raise ValueError(f"{path.name}: {where}: pattern {p!r} is not a valid regular expression: {exc}")
    return tuple(out)


def load_sites(path: Path | None = None) -> SiteRules:
    path = Path(path or config.SITES)
    raw = path.read_bytes()
    data = yaml.safe_load(raw) or {}
    sites = []
    for i, s in enumerate(data.get("sites") or []):
        if not isinstance(s, dict) or not s.get("outlet"):
            raise ValueError(f"{path}: sites[{i}]: `outlet` is required; got {s!r}")
        where = f"sites[{i}] ({s['outlet']})"
        sites.append(Site(str(s["outlet"]), _compile(s.get("detect"), where + ".detect", path),
                          _compile(s.get("dateline"), where + ".dateline", path),
                          _compile(s.get("republished"), where + ".republished", path),
                          tuple(s.get("date_formats") or ())))
    g = data.get("generic") or {}
    generic = Site("", (), _compile(g.get("dateline"), "generic.dateline", path), (),
                   tuple(g.get("date_formats") or ()))
    return SiteRules(tuple(sites), generic, hashlib.sha256(raw).hexdigest()[:16])


def site_metadata(raw: str, *, sites: SiteRules) -> dict:
    """What a site's signature and attribution lines (sites.yaml) say in a raw text: outlet,
    author, publisher, and ``published``/``republished`` as :class:`~analysis.dates.Found`."""
    out: dict = {}
    for site in sites.sites:
        if any(p.search(raw) for p in site.detect):
            out["outlet"] = site.outlet
            _attribution(raw, site, out)
            break
    if "published" not in out:  # generic datelines: only at the top of the text
        _attribution("\n".join(dates.head_lines(raw)), sites.generic, out, source="dateline")
    return out


def _attribution(raw: str, site: Site, out: dict, *, source: str = "site") -> None:
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
            out["published"] = Found(d, source, m.group(0).strip())
            break
    for p in site.republished:
        m = p.search(raw)
        if m and (d := parse_date(m.group("date"), site.date_formats)):
            out["republished"] = Found(d, source, m.group(0).strip())
            break


def site_key(text: str, fields: dict, *, kind: str, folder: str, register: dict | None, sites: SiteRules,
             outlet_rules: outlets.OutletRules) -> str:
    """The group a document's chrome is learned in (before cleaning): its outlet from the register,
    its input's field, a site signature or its URL's domain; else its folder (``folder:<path>``)."""
    register = register or {}
    name = register.get("outlet") or fields.get("source")
    if not name and kind != "row":
        name = next((s.outlet for s in sites.sites if any(p.search(text) for p in s.detect)), None)
    if not name and (by_url := outlets.url_outlet(register.get("url") or fields.get("url"), rules=outlet_rules)):
        name = by_url[0]
    return name or f"folder:{folder}"


def _pick(found: list[Found], *, today: date, conflict_days: int) -> tuple[Found | None, str, str]:
    """The most trusted usable date of ``found`` (already in order of trust), the conflicts with
    it, and the dates not used because they cannot be publication dates."""
    rejected, usable = [], []
    for f in found:
        why = dates.check_range(f.value, today=today)
        if why:
            rejected.append(f"{f.source} {f.value.isoformat()} ({_short(f.evidence)}): {why}")
        else:
            usable.append(f)
    if not usable:
        return None, "", "; ".join(rejected)
    best = usable[0]
    conflicts, seen = [], set()
    for f in usable[1:]:
        if abs((f.value - best.value).days) > conflict_days and f.value not in seen:
            seen.add(f.value)
            conflicts.append(f"{f.source} says {f.value.isoformat()} ({_short(f.evidence)}), "
                             f"{abs((f.value - best.value).days)} days from the {best.source} date")
    return best, "; ".join(conflicts), "; ".join(rejected)


def _short(text: str, width: int = 90) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def describe(text: str, fields: dict, *, kind: str, path: str, register: dict | None, sites: SiteRules,
             outlet_rules: outlets.OutletRules, today: date | None = None,
             conflict_days: int = CONFLICT_DAYS) -> dict:
    """Every metadata column of one document from what its register entry, its input fields
    (``fields``: title, source, date, author, url of a row or page), its raw ``text``, its URL and
    its ``path`` say. ``kind``: "txt", "html" or "row". Also returns ``_warning`` (a value that
    could not be read, or None)."""
    register = register or {}
    today = today or date.today()
    site = site_metadata(text, sites=sites)
    field_source = "column" if kind == "row" else "html"
    out: dict = {"_warning": None}
    curated = [f for f in ("outlet", "publisher", "author", "title", "url", "published", "republished")
               if register.get(f)]
    for f in ("author", "title", "url"):
        out[f] = register.get(f) or fields.get(f) or site.get(f)

    # published: every source that states a date, most trusted first
    found: list[Found] = []
    if register.get("published"):
        found.append(Found(register["published"], "register", f"{config.REGISTER_NAME}: {register['published']}"))
    if fields.get("date"):
        d = parse_date(fields["date"])
        if d is None:
            out["_warning"] = f"date not understood: {fields['date']!r}"
        else:
            what = "date column" if kind == "row" else "page metadata"
            found.append(Found(d, field_source, f"{what}: {fields['date']}"))
    if site.get("published"):
        found.append(site["published"])
    if (line := dates.dateline_date(text)) is not None:
        found.append(line)
    if (u := dates.url_date(out["url"])) is not None:
        found.append(u)
    if kind != "row" and (p := dates.path_date(path)) is not None:
        found.append(p)
    best, conflict, rejected = _pick(found, today=today, conflict_days=conflict_days)
    out["published"] = best.value if best else None
    out["published_provenance"] = SOURCES[best.source] if best else "unknown"
    out["date_source"] = best.source if best else None
    out["date_evidence"] = best.evidence if best else None
    out["date_conflict"] = conflict
    out["date_rejected"] = rejected

    found = []
    if register.get("republished"):
        found.append(Found(register["republished"], "register", config.REGISTER_NAME))
    if site.get("republished"):
        found.append(site["republished"])
    best, _, _ = _pick(found, today=today, conflict_days=conflict_days)
    out["republished"] = best.value if best else None
    out["republished_provenance"] = SOURCES[best.source] if best else "unknown"

    # outlet: register, the input's field, a site signature, the URL's domain, a header, a wire tag
    wire = outlets.wire_tag(text, rules=outlet_rules)
    by_url = outlets.url_outlet(out["url"], rules=outlet_rules)
    header = outlets.header_outlet(text)
    candidates = [
        ("register", register.get("outlet"), config.REGISTER_NAME),
        (field_source, fields.get("source"), "source column" if kind == "row" else "page metadata (site name)"),
        ("site", site.get("outlet"), f"site signature in {config.SITES.name}"),
        ("url", by_url[0] if by_url and by_url[2] else None, by_url and by_url[1]),
        ("header", header and header[0], header and header[1]),
        ("url", by_url[0] if by_url else None, by_url and by_url[1]),
        ("wire", wire and wire[0], wire and wire[1]),
    ]
    source, name, evidence = next(((s, n, e) for s, n, e in candidates if n), (None, None, None))
    out["outlet"] = name
    out["outlet_provenance"] = SOURCES[source] if source else "unknown"
    out["outlet_source"] = source
    out["outlet_evidence"] = evidence
    out["publisher"] = register.get("publisher") or site.get("publisher") or (wire and wire[0]) or name
    out["curated_fields"] = ",".join(curated)
    out["notes"] = register.get("notes")
    return out
