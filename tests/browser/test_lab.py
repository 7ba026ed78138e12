"""JupyterLab in a real browser: start Lab on a free localhost port over a copy of the notebooks, open notebook
02, run every cell, choose a pair in the evidence browser (an ipywidgets form) and check that its sentences
appear; mark one sentence and check that the correction reaches the corrections file."""
from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from analysis import config, load_corpus
from analysis.interactive.corrections import load_corrections

NOTEBOOK = "02_group_comention_timelines.ipynb"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def lab(tmp_path):
    root = tmp_path / "notebooks"
    shutil.copytree(config.PROJECT_ROOT / "notebooks", root)
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ, WORKBOOK_CORPUS="", WORKBOOK_SMOKE="", JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"), MPLBACKEND="Agg",
               WORKBOOK_CORRECTIONS_DIR=str(tmp_path / "corrections"))
    env["WORKBOOK_REPORTS"] = str(tmp_path / "reports")  # the notebook's exports go there, not into the project
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
                             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
                             "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False"]
                            + (["--allow-root"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"JupyterLab exited: {(tmp_path / 'lab.log').read_text()[-2000:]}")
                time.sleep(0.5)
        else:
            pytest.fail(f"JupyterLab did not answer on {base}: {(tmp_path / 'lab.log').read_text()[-2000:]}")
        yield base, token, root, tmp_path / "corrections"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_lab_runs_notebook_02_and_the_evidence_browser_shows_the_chosen_pair(browser, lab, shots):
    base, token, root, corrections_dir = lab
    corpus = load_corpus()
    # the pair to choose, and a sentence that must appear for it (from the tables, not from the page)
    rows = corpus.comentions[(corpus.comentions["level"] == "sentence")]
    pair_rows = rows[(rows["group_a"] == "islamic_state") & (rows["group_b"] == "jaysh_al_islam")]
    assert len(pair_rows), "the seed corpus names the Islamic State and Jaysh al-Islam in one sentence"
    sent = corpus.sentences.merge(pair_rows[["doc_id", "section", "sentence"]].astype({"sentence": "int64"}),
                                  on=["doc_id", "section", "sentence"])
    expected = sent["text"].iloc[0]
    context = browser.new_context(viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
    page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook .jp-Cell')", timeout=120000)
    page.wait_for_function("window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'",
                           timeout=120000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    widget = page.locator(".wb-evidence-widget")
    widget.wait_for(timeout=240000)
    pair = widget.locator("select").first
    pair.select_option(label="Islamic State – Jaysh al-Islam", timeout=30000)
    first_words = " ".join(expected.split()[:6])
    page.wait_for_function(
        "t => [...document.querySelectorAll('.wb-evidence-widget .wb-sentence')].some(e => e.textContent.includes(t))",
        arg=first_words, timeout=30000)
    listed = widget.locator(".wb-sentence").all_text_contents()
    assert len(listed) == len(pair_rows), f"{len(listed)} sentences listed for {len(pair_rows)} pair-sentences"
    norm = lambda t: " ".join(t.split())  # noqa: E731
    assert sorted(map(norm, listed)) == sorted(map(norm, sent["text"])), "the listed sentences are not the pair's"
    widget.locator(".wb-sentence").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "lab_evidence_browser.png"))
    # correct the machine: mark the first sentence 'none'
    widget.locator("button", has_text="none").first.click()
    widget.locator("text=saved: none (curated)").wait_for(timeout=20000)
    files = list(corrections_dir.glob("*.csv"))
    assert [f.name for f in files] == ["seeds.csv"]
    saved = load_corrections(files[0])
    assert saved[["group_a", "group_b", "label"]].values.tolist() == [["islamic_state", "jaysh_al_islam", "none"]]
    context.close()
