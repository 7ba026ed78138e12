"""The role of each mention: ``actor``, ``descriptor`` or ``place``.

A gazetteer match is not always a party: "al-Qaeda-linked rebels" names al-Qaeda only to describe the rebels
(``descriptor``), "the border with Turkey" and "(banned in Russia)" name a country as a location
(``place``). The mentions step calls :func:`assign_roles` after :func:`analysis.groups.find_mentions`; all
mentions stay in the ``mentions`` table with their ``role``, and only ``role == "actor"`` enters relations.

The rules are data users extend (``data/reference/roles.yaml``, path in ``config.ROLE_RULES``): regular
expressions for the text right after and right before a mention, and the names that can be places. The
order in which they decide, and the text they see, are documented in that file. Each decision keeps the
text that matched in ``role_cue`` ("-linked", "border with ", "banned in "), empty for the default actor.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from . import config
from .checks import require_table
from .groups import empty_mentions as _empty_group_mentions
from .names import non_ascii, normalise

__all__ = ["ROLES", "ROLE_COLUMNS", "RULE_LISTS", "RoleRules", "RoleRulesError", "load_role_rules", "parse_role_rules",
           "assign_roles", "empty_mentions", "role_of"]

ROLES = ("actor", "descriptor", "place")
ROLE_COLUMNS = ["role", "role_cue"]
RULE_LISTS = ("descriptor_after", "place_after", "place_before", "place_not_before", "place_not_after",
              "descriptor_before")
_KEY = ["doc_id", "section", "sentence"]
_REACH = 40  # characters before a mention a `*_before` rule may look at (the longest cue is shorter)
_SEP = "\x00"


class RoleRulesError(ValueError):
    """The role rules file is malformed; the message names the file, the field and what was received."""


@dataclass(frozen=True)
class RoleRules:
    """Compiled role rules. Build with :func:`load_role_rules`."""

    place_names: frozenset[str]
    descriptor_after: re.Pattern
    place_after: re.Pattern
    place_before: re.Pattern
    place_not_before: re.Pattern
    place_not_after: re.Pattern
    descriptor_before: re.Pattern
    path: Path | None = None


def _key(name: str) -> str:
    return " ".join(normalise(name).split())


def _compile(regexes: list[str], where: str, fld: str, *, before: bool) -> re.Pattern:
    for k, rx in enumerate(regexes):
        try:
            re.compile(rx)
        except re.error as exc:
            raise RoleRulesError(f"{where}: field {fld!r} item {k} must be a valid regular expression ({exc}); "
                                 f"got {rx!r}.") from None
    if not regexes:
        return re.compile(r"(?!x)x")
    body = "|".join(f"(?:{rx})" for rx in regexes)
    return re.compile(f"(?:{body})\\s*$" if before else f"(?:{body})")


def parse_role_rules(data: object, *, path: Path | None = None) -> RoleRules:
    """Validate the parsed YAML document and compile :class:`RoleRules`."""
    where = str(path) if path else "role rules"
    allowed = {"version", "place_names", *RULE_LISTS}
    if not isinstance(data, dict):
        raise RoleRulesError(f"{where}: the document must be a mapping with the fields {sorted(allowed)}; "
                             f"got {type(data).__name__}.")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RoleRulesError(f"{where}: unknown field(s) {unknown}; allowed fields are {sorted(allowed)}.")
    lists = {}
    for fld in ("place_names", *RULE_LISTS):
        value = data.get(fld) or []
        if isinstance(value, str) or not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise RoleRulesError(f"{where}: field {fld!r} must be a list of non-empty strings; got {value!r}.")
        lists[fld] = [v for v in value]
    return RoleRules(
        place_names=frozenset(_key(n) for n in lists["place_names"]),
        descriptor_after=_compile(lists["descriptor_after"], where, "descriptor_after", before=False),
        place_after=_compile(lists["place_after"], where, "place_after", before=False),
        place_before=_compile(lists["place_before"], where, "place_before", before=True),
        place_not_before=_compile(lists["place_not_before"], where, "place_not_before", before=True),
        place_not_after=_compile(lists["place_not_after"], where, "place_not_after", before=False),
        descriptor_before=_compile(lists["descriptor_before"], where, "descriptor_before", before=True),
        path=path,
    )


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> RoleRules:
    with open(path, encoding="utf-8") as fh:
        try:
            data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise RoleRulesError(f"{path}: not valid YAML: {exc}") from None
    return parse_role_rules(data, path=Path(path))


def load_role_rules(path: str | Path | None = None) -> RoleRules:
    """Read, validate and compile the role rules (default ``config.ROLE_RULES``); cached per file version."""
    p = Path(path) if path is not None else config.ROLE_RULES
    if not p.is_file():
        raise FileNotFoundError(f"`path` must be a role rules file (YAML); got {str(p)!r}, which does not exist.")
    st = p.stat()
    return _load_cached(str(p.resolve()), st.st_mtime_ns, st.st_size)


def empty_mentions() -> pd.DataFrame:
    """An empty ``mentions`` table with the role columns."""
    out = _empty_group_mentions()
    for c in ROLE_COLUMNS:
        out[c] = pd.Series(dtype=object)
    return out


def _decide(rules: RoleRules, low: str, start: int, end: int, lo: int, hi: int, is_place_name: bool) -> tuple[str, str]:
    """(role, cue) of the mention ``low[start:end]`` in the sentence ``low[lo:hi]`` (normalised text)."""
    m = rules.descriptor_after.match(low, end, hi)
    if m:
        return "descriptor", m.group(0)
    back = max(lo, start - _REACH)
    if is_place_name:
        m = rules.place_after.match(low, end, hi)
        if m:
            return "place", m.group(0)
        m = rules.place_before.search(low, back, start)
        if m and not rules.place_not_before.search(low, back, start) and not rules.place_not_after.match(low, end, hi):
            return "place", m.group(0)
    m = rules.descriptor_before.search(low, back, start)
    if m:
        return "descriptor", m.group(0)
    return "actor", ""


def role_of(text: str, start: int, end: int, *, rules: RoleRules) -> tuple[str, str]:
    """(role, cue) of the mention ``text[start:end]`` in one sentence ``text``."""
    if not isinstance(rules, RoleRules):
        raise TypeError(f"`rules` must be RoleRules (analysis.roles.load_role_rules()); got {type(rules).__name__}.")
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"`start`, `end` must be offsets of a span in `text` (0 <= start < end <= {len(text)}); "
                         f"got {start}, {end}.")
    low = normalise(text, hyphens=True)
    return _decide(rules, low, start, end, 0, len(text), _key(text[start:end]) in rules.place_names)


def assign_roles(mentions: pd.DataFrame, sentences: pd.DataFrame, *, rules: RoleRules) -> pd.DataFrame:
    """The ``mentions`` table with two more columns: ``role`` (``actor`` | ``descriptor`` | ``place``) and
    ``role_cue`` (the text that decided it, "" for the default actor). Rows and their order are kept.

    ``sentences`` is the table the mentions were found in (doc_id, section, sentence, start, text); mention
    offsets are offsets into the section, as :func:`analysis.groups.find_mentions` writes them."""
    require_table(mentions, [*_KEY, "start", "end", "alias"], "mentions", source="from analysis.groups.find_mentions")
    require_table(sentences, [*_KEY, "start", "text"], "sentences")
    if not isinstance(rules, RoleRules):
        raise TypeError(f"`rules` must be RoleRules (analysis.roles.load_role_rules()); got {type(rules).__name__}.")
    out = mentions.copy()
    if out.empty:
        for c in ROLE_COLUMNS:
            out[c] = pd.Series(dtype=object)
        return out
    sent = sentences[[*_KEY, "start", "text"]].rename(columns={"start": "_s0", "text": "_text"})
    sent = sent.drop_duplicates(_KEY)
    joined = out[[*_KEY, "start", "end", "alias"]].reset_index(drop=True).merge(sent, on=_KEY, how="left",
                                                                               validate="many_to_one")
    missing = joined["_text"].isna()
    if missing.any():
        r = joined[missing].iloc[0]
        raise ValueError(f"`sentences` must contain the sentence of every mention; {int(missing.sum())} mention(s) "
                         f"have none, e.g. doc_id={r.doc_id!r}, section={r.section!r}, sentence={int(r.sentence)}.")
    # one normalised text for all sentences that have mentions (one pass, not one per sentence)
    codes = joined.groupby(_KEY, sort=False).ngroup().to_numpy()
    first = pd.Series(np.arange(len(joined))).groupby(codes).first().to_numpy()
    texts = joined["_text"].to_numpy(dtype=object)[first].tolist()
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    offsets = np.zeros(len(texts), dtype=np.int64)
    if len(texts) > 1:
        offsets[1:] = np.cumsum(lengths[:-1] + 1)
    big = _SEP.join(texts)
    low = normalise(big, chars=non_ascii(big), hyphens=True)
    base = offsets[codes]
    lo = base.tolist()
    hi = (base + lengths[codes]).tolist()
    local0 = (joined["start"].to_numpy(dtype=np.int64) - joined["_s0"].to_numpy(dtype=np.int64))
    starts = (base + local0).tolist()
    ends = (base + local0 + (joined["end"].to_numpy(dtype=np.int64) - joined["start"].to_numpy(dtype=np.int64))).tolist()
    place_names = rules.place_names
    aliases = joined["alias"].tolist()
    place_alias = {a: _key(a) in place_names for a in set(aliases)}
    is_place = [place_alias[a] for a in aliases]
    roles, cues = [], []
    for s, e, a, b, p in zip(starts, ends, lo, hi, is_place):
        role, cue = _decide(rules, low, s, e, a, b, p)
        roles.append(role)
        cues.append(cue)
    out["role"] = np.asarray(roles, dtype=object)
    out["role_cue"] = np.asarray(cues, dtype=object)
    return out
