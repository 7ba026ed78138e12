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


def _key(text: str):
    """A cell as DataTables orders it: numbers (with thousands separators, %, a dash for missing) as numbers."""
    t = text.replace(",", "").replace("%", "").strip()
    try:
        return (0, float(t), "")
    except ValueError:
        return (1 if t not in ("", "—") else -1, 0.0, text.lower())


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
    varied = [j for j in range(n_cols) if len(set(column(j))) >= 2]
    assert varied, f"{name}: the largest table has no column with two different values"
    # a numeric column if there is one: its order is unambiguous (text order follows the browser's locale)
    j = next((j for j in varied if all(_key(v)[0] <= 0 for v in column(j))), varied[0])
    numeric = all(_key(v)[0] <= 0 for v in column(j))
    header = box.locator("table.dataTable thead th").nth(j).locator(".dt-column-order")  # the sort control
    seen, orders = [], []  # DataTables cycles ascending -> descending -> original: click until both are seen
    for _ in range(4):
        header.click()
        page.wait_for_timeout(400)
        values = column(j)
        orders.append(values)
        keys = [_key(v) for v in values]
        if keys == sorted(keys) and "asc" not in seen:
            seen.append("asc")
        elif keys == sorted(keys, reverse=True) and "desc" not in seen:
            seen.append("desc")
            desc = values
    if numeric:
        assert set(seen) == {"asc", "desc"}, f"{name}: clicking the header did not sort column {j} both ways ({seen})"
    else:  # text: the browser's collation decides the order; the clicks must reorder the column and reverse it
        assert len({tuple(o) for o in orders}) >= 2, f"{name}: clicking the header of column {j} did not reorder it"
        desc = orders[1]
    target = desc[0]
    total = box.locator(".dt-info").inner_text()
    box.locator("input[type=search]").fill(target)
    page.wait_for_timeout(300)
    kept = box.locator("table.dataTable tbody tr").all_inner_texts()  # the search box searches every column
    assert kept and all(target.lower() in k.lower() for k in kept), f"the search for {target!r} kept {kept}"
    info = box.locator(".dt-info").inner_text()
    assert info != total, f"searching did not filter the table ({info})"


def test_network_edge_shows_its_evidence(seed_reports, offline_page, shots):
    page = _open(offline_page, seed_reports / "02_group_comention_timelines.html")
    page.wait_for_selector(".wb-network[data-ready='1']", timeout=30000)
    page.wait_for_timeout(2000)  # the layout settles
    root = page.locator(".wb-network")
    root.scroll_into_view_if_needed()
    # click the middle of the edge between Ahrar al-Sham and Nusra, where it is drawn on the canvas
    x, y = page.evaluate("""() => { const root = document.querySelector('.wb-network'), net = root.wbNetwork;
        const p = net.getPositions(['ahrar_al_sham', 'nusra']), a = p['ahrar_al_sham'], b = p['nusra'];
        const d = net.canvasToDOM({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2});
        const r = root.querySelector('.wb-canvas').getBoundingClientRect(); return [r.left + d.x, r.top + d.y]; }""")
    page.mouse.click(x, y)
    panel = root.locator(".wb-evidence-panel")
    panel.locator(".wb-sentence").first.wait_for(timeout=10000)
    assert panel.locator("b").first.inner_text() == "Ahrar al-Sham – Jabhat al-Nusra"
    sentences = panel.locator(".wb-sentence").all_inner_texts()
    assert any("Jund al Malahim" in s for s in sentences), sentences
    marked = panel.locator("mark.wb-a, mark.wb-b").all_inner_texts()
    assert "Ahrar al Sham" in marked and any("Nusra" in m for m in marked)
    root.screenshot(path=str(shots / "report_network_edge.png"))
    # the minimum-evidence slider hides the pairs with less evidence
    before = page.evaluate("document.querySelector('.wb-network').wbNetwork.body.data.edges.length")
    page.evaluate("(() => { const s = document.querySelector('.wb-network .wb-min'); s.value = 3; "
                  "s.dispatchEvent(new Event('input')); })()")
    after = page.evaluate("document.querySelector('.wb-network').wbNetwork.body.data.edges.length")
    assert 0 < after < before
    assert page.external == [] and page.errors == []


def test_evidence_table_filters_by_pair_and_downloads_corrections(seed_reports, offline_page, shots):
    page = _open(offline_page, seed_reports / "02_group_comention_timelines.html")
    page.wait_for_selector(".wb-evidence[data-ready='1']", timeout=30000)
    box = page.locator(".wb-evidence")
    box.locator(".wb-controls select[data-col='0']").select_option("Islamic State – Jaysh al-Islam")
    page.wait_for_timeout(300)
    pairs = box.locator("table.dataTable tbody tr td:first-child").all_inner_texts()
    assert pairs and set(pairs) == {"Islamic State – Jaysh al-Islam"}
    assert any("battled" in t for t in box.locator("table.dataTable tbody tr td:nth-child(2)").all_inner_texts())
    box.locator("select.wb-correct").first.select_option("none")
    with page.expect_download() as download:
        box.locator(".wb-download").click()
    rows = list(csv.DictReader(open(download.value.path(), encoding="utf-8")))
    assert list(rows[0]) == CORRECTION_COLUMNS
    assert [(r["group_a"], r["group_b"], r["label"]) for r in rows] == [("islamic_state", "jaysh_al_islam", "none")]
    box.screenshot(path=str(shots / "report_evidence_table.png"))


def test_topic_map_hover_shows_a_unit_text(seed_reports, offline_page, shots):
    page = _open(offline_page, seed_reports / "03_tfidf_topic_clustering.html")
    point = page.locator(".wb-topicmap .scatterlayer .point").first
    point.wait_for(timeout=30000)
    point.scroll_into_view_if_needed()
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = page.locator(".wb-topicmap .hoverlayer .hovertext")
    hover.wait_for(timeout=10000)
    text = hover.text_content()
    assert "cluster" in text and re.search(r"\d{4}-\d{2}-\d{2}|undated", text)
    assert len(text) > 80, f"the hover shows no unit text: {text!r}"
    page.locator(".wb-topicmap").screenshot(path=str(shots / "report_topic_map_hover.png"))
    assert page.external == [] and page.errors == []
