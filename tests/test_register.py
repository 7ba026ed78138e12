"""The analyst's register metadata.csv: validated like data, every problem named with its row."""
from datetime import date

import pytest

from analysis import register
from analysis.ingest import RawRecord, RegisterFile


def test_bad_rows_are_rejected_with_row_numbers_and_the_other_fields_kept(tmp_path):
    reg = tmp_path / "metadata.csv"
    reg.write_text("path,published,colour,outlet\na.txt,2016-01-02,red,\nb.txt,yesterday,,SANA\n,2016-01-01,,\n"
                   "c.txt,2099-05-01,,RT\n", encoding="utf-8")
    rows, rejects = register.load_register(reg)
    assert [(r.row, r.path, r.fields) for r in rows] == [
        (1, "a.txt", {"published": date(2016, 1, 2)}), (2, "b.txt", {"outlet": "SANA"}), (4, "c.txt", {"outlet": "RT"})]
    reasons = {r.path: r.reason for r in rejects}
    assert "colour" in reasons["metadata.csv"]
    assert reasons["metadata.csv#row=2"] == ("register `published` is not a date: 'yesterday' (use YYYY-MM-DD); "
                                             "the row's other fields are used")
    assert reasons["metadata.csv#row=3"] == "register row has neither path nor doc_id"
    assert reasons["metadata.csv#row=4"].startswith("register `published` cannot be a publication date: '2099-05-01' "
                                                    "is after the build date")


def _records(*paths, root=""):
    out = []
    for p in paths:
        local = p
        out.append(RawRecord(f"{root}/{p}" if root else p, p.rsplit("/", 1)[-1].split(".")[0],
                             p.rpartition("/")[0], "row" if "#" in p else "txt", "text", root=root, local=local))
    return out


def _apply(tmp_path, text, records, ids=None, root=""):
    reg = tmp_path / "metadata.csv"
    reg.write_text(text, encoding="utf-8")
    ids = ids or [r.stem for r in records]
    return register.apply_registers([RegisterFile(reg, root, "metadata.csv")], records, ids)


@pytest.mark.parametrize("text, expected_entry, expected_reason", [
    # two rows for one document: the first wins where they disagree, and the second is reported
    ("path,outlet,author\na.txt,SANA,\na.txt,RT,Jane Roe\n", {"outlet": "SANA", "author": "Jane Roe"},
     "register row describes a.txt again (row 1) and disagrees on `outlet` 'RT' (row 1 says 'SANA'): "
     "the earlier values are kept"),
    # a path row and a doc_id row for one document are merged, not one of them silently ignored
    ("path,doc_id,outlet,author\na.txt,,SANA,\n,a,,Jane Roe\n", {"outlet": "SANA", "author": "Jane Roe"},
     "register row describes a.txt again (row 1): merged, no conflict"),
    # an exact repeat
    ("path,outlet\na.txt,SANA\na.txt,SANA\n", {"outlet": "SANA"},
     "register row describes a.txt again (row 1): merged, no conflict"),
])
def test_rows_for_one_document_are_merged_and_reported(tmp_path, text, expected_entry, expected_reason):
    entries, rejects = _apply(tmp_path, text, _records("a.txt", "b.txt"))
    assert entries == [expected_entry, None]
    assert [(r.path, r.reason) for r in rejects] == [("metadata.csv#row=2", expected_reason)]


def test_a_bare_name_shared_by_two_folders_is_ambiguous_and_applied_to_none(tmp_path):
    recs = _records("x/report.txt", "y/report.txt", "z/other.txt")
    entries, rejects = _apply(tmp_path, "path,outlet\nreport.txt,SANA\ny/report.txt,RT\nother.txt,AFP\n", recs,
                              ids=["x/report", "y/report", "other"])
    assert entries == [None, {"outlet": "RT"}, {"outlet": "AFP"}]
    assert [(r.path, r.reason) for r in rejects] == [
        ("metadata.csv#row=1", "register path 'report.txt' is ambiguous: it names 2 documents (x/report.txt, "
                               "y/report.txt); give the path from the raw folder. Row not applied")]


def test_unmatched_and_contradictory_keys(tmp_path):
    entries, rejects = _apply(tmp_path, "path,doc_id,outlet\nnope.txt,,SANA\na.txt,b,RT\n", _records("a.txt", "b.txt"))
    assert entries == [None, None]
    assert [(r.path, r.reason) for r in rejects] == [
        ("metadata.csv#row=1", "register row matches no input document (path 'nope.txt')"),
        ("metadata.csv#row=2", "register path 'a.txt' and doc_id 'b' name two documents (a.txt, b.txt). "
                               "Row not applied")]


def test_a_malformed_row_never_swallows_the_rows_after_it(tmp_path):
    entries, rejects = _apply(tmp_path, 'path,outlet,notes\na.txt,SANA,"an unclosed note\nb.txt,RT,\n',
                              _records("a.txt", "b.txt"))
    assert entries == [None, {"outlet": "RT"}]
    assert [(r.path, r.reason) for r in rejects] == [
        ("metadata.csv#row=1", "register row malformed: a quote opened in this row never closes (the file ends "
                               "inside it); the rows after it are read on their own")]


def test_a_register_applies_to_its_own_root_only(tmp_path):
    recs = _records("a.txt", root="A") + _records("a.txt", root="B")
    entries, rejects = _apply(tmp_path, "path,outlet\na.txt,SANA\n", recs, ids=["A/a", "B/a"], root="B")
    assert entries == [None, {"outlet": "SANA"}] and rejects == []


@pytest.mark.parametrize("text, reason", [
    ('path,"outlet"x\na.txt,SANA\n', "register not read: malformed header (line 1): ',' expected after '\"'"),
    ("file,outlet\na.txt,SANA\n", "register not read: needs a `path` or `doc_id` column; got file, outlet"),
    (b"\x00\x01\x02\x03\x04\x05\x06" * 20, "register not read: binary file"),
])
def test_an_unreadable_register_is_one_reject(tmp_path, text, reason):
    reg = tmp_path / "metadata.csv"
    reg.write_bytes(text if isinstance(text, bytes) else text.encode())
    rows, rejects = register.load_register(reg)
    assert rows == [] and len(rejects) == 1 and rejects[0].reason.startswith(reason), rejects
