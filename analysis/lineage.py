"""Lineage and membership over time, read from the gazetteer (``data/reference/groups.yaml``).

A group's history in the file: ``founded``/``dissolved`` dates, a ``predecessor`` (renamed from or grew out
of: nusra -> jfs -> hts; jtj -> aqi -> isi -> islamic_state), ``split_from`` (broke away from a group that
went on: Hurras al-Din from HTS in 2018, Suqour al-Sham from Ahrar al-Sham in 2016) and ``members`` of a
coalition with ``since``/``until`` (a membership without an end date ends when the coalition was dissolved:
the Islamic Front's members in 2014). These functions turn that into tables an analysis can join on dates.
"""
from __future__ import annotations

import pandas as pd

from .groups import Gazetteer

__all__ = ["EVENT_COLUMNS", "EVENTS", "lineage_events", "splits", "members_on"]

EVENT_COLUMNS = ["date", "group", "event", "other", "note"]
EVENTS = ("founded", "renamed_from", "split_from", "joined", "left", "dissolved")


def _check(gazetteer: object) -> Gazetteer:
    if not isinstance(gazetteer, Gazetteer):
        raise TypeError(f"`gazetteer` must be a Gazetteer (analysis.groups.load_gazetteer()); got {type(gazetteer).__name__}.")
    return gazetteer


def _str(value: object) -> str | None:
    """A date or note from a table cell: the string, or None for a missing value."""
    return value if isinstance(value, str) and value else None


def splits(gazetteer: Gazetteer) -> pd.DataFrame:
    """One row per split: group (the breakaway), split_from (the group it left), date, note."""
    rows = [(g.id, s.id, s.date, s.note) for g in _check(gazetteer).groups.values() for s in g.split_from]
    return pd.DataFrame(rows, columns=["group", "split_from", "date", "note"])


def lineage_events(gazetteer: Gazetteer) -> pd.DataFrame:
    """Every dated change in the file, one row each: date (YYYY, YYYY-MM or YYYY-MM-DD, or None), group,
    event (one of ``EVENTS``), other (the group on the other side: predecessor, parent, coalition), note.

    ``joined``/``left`` rows name the member in ``group`` and the coalition in ``other``; ``left`` comes from
    a membership's ``until`` or, without one, from the coalition's ``dissolved``. Sorted by date (undated
    last), then group."""
    gaz = _check(gazetteer)
    rows = []
    for g in gaz.groups.values():
        if g.founded:
            rows.append((g.founded, g.id, "founded", None, None))
        if g.predecessor:
            rows.append((g.founded, g.id, "renamed_from", g.predecessor, None))
        rows.extend((s.date, g.id, "split_from", s.id, s.note) for s in g.split_from)
        if g.dissolved:
            rows.append((g.dissolved, g.id, "dissolved", None, None))
    for m in gaz.memberships().itertuples(index=False):
        rows.append((_str(m.since), m.member, "joined", m.group, _str(m.note)))
        if _str(m.until):
            rows.append((m.until, m.member, "left", m.group, None))
    out = pd.DataFrame(rows, columns=EVENT_COLUMNS, dtype=object)
    out = out.where(out.notna(), None)
    order = out["date"].fillna("9999")
    return out.assign(_o=order).sort_values(["_o", "group", "event"], kind="stable").drop(columns="_o").reset_index(drop=True)


def members_on(gazetteer: Gazetteer, group_id: str, date: object) -> list[str]:
    """The members of coalition ``group_id`` on ``date`` (anything ``pd.Timestamp`` reads): memberships with
    ``since`` <= date <= ``until``, an open end counting as still a member. Partial dates compare at their
    own precision ("2014" covers the whole year). Sorted ids."""
    gaz = _check(gazetteer)
    if group_id not in gaz:
        raise KeyError(f"`group_id` must be a gazetteer id; got {group_id!r}.")
    try:
        day = pd.Timestamp(date).strftime("%Y-%m-%d")
    except (ValueError, TypeError):
        raise ValueError(f"`date` must be a date (e.g. '2015-06-01'); got {date!r}.") from None
    mem = gaz.memberships()
    mem = mem[mem["group"] == group_id]
    keep = [m.member for m in mem.itertuples(index=False)
            if (not _str(m.since) or day[:len(m.since)] >= m.since) and (not _str(m.until) or day[:len(m.until)] <= m.until)]
    return sorted(set(keep))
