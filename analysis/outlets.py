"""Outlet names a document states about itself: a URL's domain, a header, a wire tag.

The names come from ``data/reference/outlets.yaml`` (users extend it): domains -> outlet names,
wire services -> the tags they sign with. Every finder returns ``(name, evidence)`` or None, the
evidence being the text (or URL) that names the outlet. Only the top of a text is read (the head
lines of :func:`analysis.dates.head_lines`) and, for "- AFP" sign-offs, its last line.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from . import config
from .dates import HEADER_PATTERNS, PLACE_RE, head_lines

__all__ = ["OutletRules", "load_outlets", "url_outlet", "header_outlet", "wire_tag"]

#: A wire dateline: "BEIRUT (Reuters) -", "IDLIB, Syria, Jan. 28, 2017 (Levant Wire) -", "(CNN) -".
WIRE_DATELINE_RE = re.compile(rf"^(?:{PLACE_RE}(?:,\s+[^()\n]{{1,40}}?)?\s*)?\((?P<wire>[A-Z][^()\n]{{1,38}})\)\s*[-–—]+")
_NAME_RE = re.compile(r"^[A-Z0-9][\w'’&.\- ]{1,58}$")


@dataclass(frozen=True)
class OutletRules:
    domains: dict  # domain (lower case) -> outlet name
    wire_names: dict  # tag as written -> wire name
    wire_tag_re: re.Pattern  # a known tag in a head line: "(AFP) -", "- AFP" at the end, "AFP -" at the start
    digest: str


def load_outlets(path: Path | None = None) -> OutletRules:
    """Load and validate the outlets file."""
    path = Path(path or config.OUTLETS)
    raw = path.read_bytes()
    data = yaml.safe_load(raw) or {}
    unknown = set(data) - {"domains", "wires"}
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}; allowed keys are ['domains', 'wires']")
    domains = data.get("domains") or {}
    wires = data.get("wires") or {}
    if not isinstance(domains, dict) or not isinstance(wires, dict):
        raise ValueError(f"{path}: `domains` and `wires` must be mappings; got {type(domains).__name__} "
                         f"and {type(wires).__name__}")
    names = {}
    for wire, tags in wires.items():
        if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
            raise ValueError(f"{path}: wires.{wire} must be a list of tags; got {tags!r}")
        names.update({t.strip(): str(wire) for t in tags})
    alts = "|".join(re.escape(t) for t in sorted(names, key=len, reverse=True)) or r"(?!x)x"
    tag_re = re.compile(rf"\((?P<a>{alts})\)\s*[-–—]|[-–—]\s*(?P<b>{alts})\s*$|^(?P<c>{alts})\s*[-–—]\s")
    return OutletRules({str(k).lower().removeprefix("www."): str(v) for k, v in domains.items()}, names, tag_re,
                       hashlib.sha256(raw).hexdigest()[:16])


def url_outlet(url: str | None, *, rules: OutletRules) -> tuple[str, str, bool] | None:
    """(name, evidence, listed) for a URL: the outlet listed for its host or a domain above it,
    else (``listed`` False) its registered domain."""
    if not url or "://" not in url:
        return None
    try:
        host = (urlsplit(url.strip()).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    parts = host.split(".")
    for k in range(len(parts) - 1):
        domain = ".".join(parts[k:])
        if domain in rules.domains:
            return rules.domains[domain], f"url domain {domain}: {url}", True
    from courlan import extract_domain

    domain = extract_domain(url) or host
    return domain, f"url domain {domain} (not in outlets.yaml): {url}", False


def header_outlet(text: str) -> tuple[str, str] | None:
    """The outlet named by a header line at the top: "Damascus Monitor | 24 March 2015"."""
    for line in head_lines(text):
        for pattern in HEADER_PATTERNS:
            m = pattern.search(line)
            if m:
                name = m.group("name").strip(" -|")
                if _NAME_RE.match(name) and len(name.split()) <= 6 and not name[:1].isdigit():
                    return name, m.group(0).strip()
    return None


def wire_tag(text: str, *, rules: OutletRules) -> tuple[str, str] | None:
    """The wire service a text is signed by: a dateline's tag ("BEIRUT (Reuters) -"), or a listed
    tag in a head line or in the last line ("- AFP")."""
    heads = head_lines(text)
    for line in heads:
        m = WIRE_DATELINE_RE.search(line)
        if m:
            tag = m.group("wire").strip()
            return rules.wire_names.get(tag, tag), m.group(0).strip()
    last = next((ln.strip() for ln in reversed(text.split("\n")) if ln.strip()), "")[-80:]
    for line in heads + [last]:
        m = rules.wire_tag_re.search(line)
        if m:
            tag = m.group("a") or m.group("b") or m.group("c")
            return rules.wire_names[tag], m.group(0).strip()
    return None
