"""Tables read strictly: generated CSV read back exactly, and one broken quote never costs other rows."""
import csv
import io

import pytest
from hypothesis import given, settings, strategies as st

from analysis import tables

CELL = st.text(alphabet=st.sampled_from(list("abc XYZ,;\"'’é\t")), max_size=30)


def _csv(rows, delimiter=","):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    w.writerow(["id", "title", "text"])
    w.writerows(rows)
    return buf.getvalue()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(CELL, CELL | st.text(alphabet="ab \n", max_size=20)), min_size=1, max_size=15),
       st.sampled_from([",", ";", "\t"]))
def test_generated_csv_reads_back_exactly(cells, delimiter):
    rows = [[f"r{i}", title, text] for i, (title, text) in enumerate(cells, start=1)]
    table = tables.read_csv(_csv(rows, delimiter))
    got = list(table.rows)
    assert table.delimiter == delimiter and table.problem is None
    assert [(r.number, r.problem) for r in got] == [(i, None) for i in range(1, len(rows) + 1)]
    assert [[r.values["id"], r.values["title"], r.values["text"]] for r in got] == rows


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(CELL, CELL), min_size=2, max_size=15), st.data())
def test_one_unbalanced_quote_costs_its_own_row_only(cells, data):
    rows = [[f"r{i}", title, text] for i, (title, text) in enumerate(cells, start=1)]
    k = data.draw(st.integers(min_value=1, max_value=len(rows)))
    lines = _csv(rows).splitlines(keepends=True)
    lines[k] = f'r{k},"an unclosed quote\n'  # row k opens a quote that its own line never closes
    got = {r.number: r for r in tables.read_csv("".join(lines)).rows}
    assert sorted(got) == list(range(1, len(rows) + 1))
    assert got[k].problem.startswith("malformed row: a quote opened in this row")
    for i, row in enumerate(rows, start=1):
        if i != k:
            assert got[i].values == {"id": row[0], "title": row[1], "text": row[2]}, (i, got[i])


@pytest.mark.parametrize("text_in, header, problem", [
    ('id,"title"x,text\n1,2,3\n', [], "malformed header (line 1): ',' expected after '\"'"),
    ('id,"ti\ntle",text\n1,2,3\n', [], "malformed header: a quote in the header runs over 2 lines"),
    ("", [], "no header and no rows"),
    ("\n\n", ["id"], None),
])
def test_file_level_problems(text_in, header, problem):
    t = tables.read_csv(text_in)
    assert t.problem == problem if problem else t.problem is None or "blank header" in t.problem


def test_jsonl_keys_any_case_and_what_is_not_an_object():
    t = tables.read_jsonl('{"Text": "a"}\n{"text": "b", "TEXT": "c"}\n[1]\n')
    rows = list(t.rows)
    assert [r.values for r in rows[:2]] == [{"text": "a"}, {"text": "b"}]
    assert rows[1].notes == ["keys differing only in case ('TEXT'): the first is read"]
    assert rows[2].problem.startswith("malformed row: expected a JSON object, got an array of 1 items")
