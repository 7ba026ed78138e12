"""Argument checks shared by the analysis and plotting modules: messages name the parameter, what
is allowed and what was received."""
from __future__ import annotations

from typing import Sequence

import pandas as pd


def require_table(table: object, columns: Sequence[str], name: str, *, source: str = "") -> pd.DataFrame:
    """``table`` itself when it is a DataFrame with ``columns``; else a TypeError or ValueError.
    ``source`` says where such a table comes from (e.g. "from analysis.topics")."""
    if not isinstance(table, pd.DataFrame):
        where = f" ({source})" if source else ""
        raise TypeError(f"`{name}` must be a pandas DataFrame{where}; got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"`{name}` must have the column(s) {', '.join(map(repr, missing))}; "
                         f"got columns {', '.join(map(repr, table.columns))}")
    return table
