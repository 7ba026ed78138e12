"""Each HTML report, opened from disk with the network refused: it loads nothing from the network, its tables
sort and filter, an edge of the network shows its evidence sentences, the topic map's hover shows a unit's
text, the evidence table filters by pair and its corrections download in the corrections file's format."""
from __future__ import annotations

import csv
import re

import pytest

from analysis.interactive.corrections import CORRECTION_COLUMNS
from analysis.publish import notebook_paths


NOTEBOOKS = [p.stem for p in notebook_paths()]


def _open(page, path):
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_report_loads_offline_and_its_tables_sort_and_filter(seed_reports, offline_page, shots, name):
    path = seed_reports / f"{name}.html"
    html = path.read_text(encoding="utf-8")
    assert not re.search(r'<(?:script|link|img)[^>]+(?:src|href)="(?:https?:)?//', html), "a resource from the network"
    wanted = html.count('class="wb-table wb-datatable"')
    assert wanted >= 1, f"{name}: no interactive table in the report"
    page = _open(offline_page, path)
    page.wait_for_function(f"document.querySelectorAll('div.wb-datatable table.dataTable').length >= {wanted}",
                           timeout=30000)
    page.screenshot(path=str(shots / f"report_{name}.png"))
    assert page.external == [], f"requests to the network: {page.external[:5]}"
    assert page.errors == [], f"JavaScript errors: {page.errors[:3]}"
    # the table with the most rows: sort it by a column with two values or more, then search one of its values
    boxes = [page.locator("div.wb-datatable").nth(i) for i in range(wanted)]
    box = max(boxes, key=lambda b: b.locator("table.dataTable tbody tr").count())
    n_cols = box.locator("table.dataTable thead th").count()
    column = lambda j: [t.strip() for t in box.locator(f"table.dataTable tbody tr td:nth-child({j + 1})").all_inner_texts()]
    j = next((j for j in range(n_cols) if len(set(column(j))) >= 2), None)
    assert j is not None, f"{name}: the largest table has no column with two different values"
    header = box.locator("table.dataTable thead th").nth(j)
    header.click()
    asc = column(j)
    header.click()
    desc = column(j)
    assert asc != desc, "clicking the header did not sort the table"
    target = desc[0]
    total = box.locator(".dt-info").inner_text()
    box.locator("input[type=search]").fill(target)
    page.wait_for_timeout(300)
    kept = column(j)
    assert kept and all(target.lower() in k.lower() for k in kept), f"the search for {target!r} kept {kept}"
    info = box.locator(".dt-info").inner_text()
    assert info != total, f"searching did not filter the table ({info})"
