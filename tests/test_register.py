"""The analyst's register metadata.csv: validated like data."""
from datetime import date

from analysis import register


def test_register_bad_rows_are_rejected_with_row_numbers(tmp_path):
    reg = tmp_path / "metadata.csv"
    reg.write_text("path,published,colour\na.txt,2016-01-02,red\nb.txt,yesterday,\n,2016-01-01,\n", encoding="utf-8")
    entries, rejects = register.load_register(reg)
    assert entries == {"a.txt": {"published": date(2016, 1, 2)}}
    reasons = {r.path: r.reason for r in rejects}
    assert "colour" in reasons["metadata.csv"]
    assert "yesterday" in reasons["metadata.csv#row=2"]
    assert "neither path nor doc_id" in reasons["metadata.csv#row=3"]
