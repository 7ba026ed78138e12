"""The build's stages, store and executor on corpora made here: incremental equals full (rejects
included), no-op rebuilds, faults (kill -9, a damaged manifest, a lock), unusable output folders,
identical files in two roots, the same bytes from every scheduler, settings kept with a corpus."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from analysis import build, stages, store
from analysis.build import build_corpus
from analysis.corpus import load_corpus

OUTLETS = ["Daily Aleppo", "Idlib Observer", "Damascus Wire"]
GROUPS = ["Ahrar al-Sham", "Jabhat al-Nusra", "Jaysh al-Islam", "the SDF", "Hayat Tahrir al-Sham"]


def write_corpus(raw: Path, n: int = 40, *, start: int = 0) -> Path:
    """A folder of ``n`` short news files from three sites (each with its own chrome lines) plus a
    CSV export whose third row has a date nobody can read."""
    raw.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        site = OUTLETS[i % 3]
        a, b = GROUPS[i % 5], GROUPS[(i + 2) % 5]
        (raw / f"{site.split()[0].lower()}_{i:03d}.txt").write_text(
            f"{site} | Home | World\nReport {i}: fighting near town {i}\n\n"
            f"{a} fighters clashed with {b} near the town of Kafr {i} on Monday, local sources said.\n\n"
            f"Article {i} adds that {a} later allied with {b} against the government.\n\n"
            f"Share this article\nSubscribe to the {site} newsletter\n", encoding="utf-8")
    rows = [("r1", "Truce in Daraa", f"{GROUPS[0]} and {GROUPS[1]} agreed a truce in Daraa.", "Wire", "2017-03-01"),
            ("r2", "Raqqa battle", f"{GROUPS[3]} attacked Raqqa with {GROUPS[2]}.", "Wire", "2017-06-06"),
            ("r3", "Idlib shelling", "Shelling hit Idlib, killing five civilians.", "Wire", "the day after Eid")]
    pd.DataFrame(rows, columns=["id", "title", "story", "source", "date"]).to_csv(raw / "export.csv", index=False)
    return raw


def corpus_tables(out) -> dict:
    c = load_corpus(out=out, rebuild="never")
    return {t: c.table(t) for t in c.manifest["tables"]}


def assert_same_tables(a, b):
    ta, tb = corpus_tables(a), corpus_tables(b)
    assert ta.keys() == tb.keys()
    for t in ta:
        pd.testing.assert_frame_equal(ta[t], tb[t], obj=t)


def file_bytes(out) -> dict:
    c = load_corpus(out=out, rebuild="never")
    return {t: [(p.name, p.read_bytes()) for p in c.files(t)] for t in c.manifest["tables"]}


COLUMNS = {"text": "story"}


def test_incremental_equals_full_rejects_included(tmp_path):
    raw = write_corpus(tmp_path / "raw")
    inc, full = tmp_path / "inc", tmp_path / "full"
    first = build_corpus(raw, inc, columns=COLUMNS, partition_size=8)
    assert first.partitions > 2 and first.ran == first.partitions
    warning = "kept, but date not understood: 'the day after Eid'"
    assert warning in set(load_corpus(out=inc, rebuild="never").rejects.reason)
    # change one file, add one, remove one: only the partitions holding them run
    (raw / "daily_000.txt").write_text("Daily Aleppo | Home | World\nNew\n\nJaysh al-Islam left Douma.\n", encoding="utf-8")
    write_corpus(raw / "late", 1, start=99)
    (raw / "idlib_004.txt").unlink()
    again = build_corpus(raw, inc, columns=COLUMNS, partition_size=8)
    assert 0 < again.ran < again.partitions
    build_corpus(raw, full, columns=COLUMNS, partition_size=8, incremental=False)
    assert_same_tables(inc, full)
    rejects = load_corpus(out=inc, rebuild="never").rejects
    assert warning in set(rejects.reason)  # the warning survives an incremental rebuild
    docs = load_corpus(out=inc, rebuild="never").documents.set_index("doc_id")
    assert docs.at["daily_000", "body"] == "Jaysh al-Islam left Douma." and "idlib_004" not in docs.index
    # the site's chrome was learnt across partitions and removed everywhere
    assert not docs["body"].str.contains("Share this article").any()
    assert docs.loc["daily_003", "boilerplate"].startswith("Daily Aleppo | Home | World")


def test_noop_rebuild_runs_nothing_and_reads_no_raw_file(tmp_path):
    raw = write_corpus(tmp_path / "raw", 12)
    out = tmp_path / "out"
    build_corpus(raw, out, columns=COLUMNS, partition_size=4)
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != store.LOCK}
    for p in raw.iterdir():
        p.chmod(0o000 if os.geteuid() else 0o644)  # unreadable files: a no-op must not need to read them
    s = build_corpus(raw, out, columns=COLUMNS, partition_size=4)
    assert s.ran == 0 and s.reused == s.documents == 15 and "nothing changed" in str(s)
    after = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file() and p.name != store.LOCK}
    assert before == after


def test_library_versions_and_reference_files_enter_the_stage_keys(tmp_path, monkeypatch):
    prepare = next(s for s in stages.STAGES if s.name == "prepare")
    key = stages.stage_digest(prepare)
    monkeypatch.setattr(stages, "library_versions", lambda stage: {"nltk": "0.0-other"})
    assert stages.stage_digest(prepare) != key
    monkeypatch.undo()
    ref = stages.REFERENCES["abbreviations"]
    other = tmp_path / "abbreviations.txt"
    other.write_text(ref.path.read_text(encoding="utf-8") + "\nxyz.\n", encoding="utf-8")
    monkeypatch.setitem(stages.REFERENCES, "abbreviations", stages.Reference(other, ref.loader))
    assert stages.stage_digest(prepare) != key
    mentions = next(s for s in stages.STAGES if s.name == "mentions")
    assert "pyahocorasick" in stages.library_versions(mentions)


def test_identical_files_in_two_roots_and_one_root_twice(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for root in (a, b):
        root.mkdir()
        (root / "same.txt").write_text("Headline\n\nAhrar al-Sham fighters entered Idlib.\n", encoding="utf-8")
    s = build_corpus([a, b], tmp_path / "out")
    c = load_corpus(out=tmp_path / "out", rebuild="never")
    # with several roots a document's path starts with its root's name (analysis.walk.root_labels)
    assert s.documents == 1 and list(c.documents.doc_id) == ["a/same"]
    assert c.rejects.values.tolist() == [["b/same.txt", "duplicate text of a/same"]]
    s = build_corpus([a, a], tmp_path / "twice")
    assert s.documents == 1 and s.rejects == 1
    assert load_corpus(out=tmp_path / "twice", rebuild="never").rejects.reason.str.startswith("duplicate text").all()


@pytest.mark.parametrize("make, says", [
    (lambda t: t / "file.txt", "which is an existing file"),
    (lambda t: t / "file.txt" / "below", "below the file"),
    (lambda t: t / "raw" / "inside", "must not be inside a raw folder"),
    (lambda t: "", "empty string"),
])
def test_unusable_out_is_refused_before_any_work(tmp_path, make, says):
    raw = write_corpus(tmp_path / "raw", 3)
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(store.OutputError, match=f"`out_dir`.*{says}"):
        build_corpus(raw, make(tmp_path))
    assert not (tmp_path / "raw" / "inside").exists()
    with pytest.raises(store.OutputError, match=f"`out`.*{says}"):
        load_corpus(raw, make(tmp_path))
    cli = subprocess.run([sys.executable, "-m", "analysis", "build", "--raw", str(raw), "--out", str(make(tmp_path))],
                         capture_output=True, text=True)
    assert cli.returncode == 2 and "--out" in cli.stderr and says in cli.stderr and "Traceback" not in cli.stderr


def test_cli_caps_workers_and_names_bad_options(tmp_path):
    raw = write_corpus(tmp_path / "raw", 3)
    out = tmp_path / "out"
    cli = subprocess.run([sys.executable, "-m", "analysis", "build", "--raw", str(raw), "--out", str(out),
                          "--workers", "1000", "--column", "text=story"], capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr
    assert f"--workers=1000 is more than the {len(os.sched_getaffinity(0))} cores available" in cli.stderr
    bad = subprocess.run([sys.executable, "-m", "analysis", "build", "--raw", str(raw), "--out", str(out),
                          "--scheduler", "fast"], capture_output=True, text=True)
    assert bad.returncode == 2 and "`scheduler` must be one of 'auto', 'sync', 'processes'" in bad.stderr


@pytest.mark.parametrize("raw, error, says", [
    ([], ValueError, "`raw` must name at least one raw folder or file; got an empty list"),
    (123, TypeError, "`raw` must be a raw folder or file (str or Path) or a list of them; got int 123"),
])
def test_load_corpus_names_the_bad_parameter(raw, error, says):
    with pytest.raises(error) as exc:
        load_corpus(raw)
    assert str(exc.value) == says


def test_lock_stops_a_second_build_with_a_clear_message(tmp_path):
    raw = write_corpus(tmp_path / "raw", 3)
    out = tmp_path / "out"
    out.mkdir()
    with store.BuildLock(out):
        with pytest.raises(store.BuildLocked, match=r"another build is writing into .*out \(pid \d+"):
            build_corpus(raw, out, columns=COLUMNS)
        cli = subprocess.run([sys.executable, "-m", "analysis", "build", "--raw", str(raw), "--out", str(out)],
                             capture_output=True, text=True)
        assert cli.returncode == 3 and "another build is writing into" in cli.stderr
    assert build_corpus(raw, out, columns=COLUMNS).documents == 6  # free again


def test_damaged_manifest_means_rebuild_not_a_crash(tmp_path):
    raw = write_corpus(tmp_path / "raw", 3)
    out = tmp_path / "out"
    build_corpus(raw, out, columns=COLUMNS)
    (out / store.MANIFEST).write_text('{"format": 3, "tables": {"docu', encoding="utf-8")
    c = load_corpus(raw, out, columns=COLUMNS)
    assert len(c.documents) == 6


def test_kill_9_then_rebuild_equals_a_clean_build(tmp_path):
    raw = write_corpus(tmp_path / "raw", 300)
    out, clean = tmp_path / "out", tmp_path / "clean"
    code = (f"from analysis.build import build_corpus; build_corpus([{str(raw)!r}], {str(out)!r}, "
            f"columns={{'text': 'story'}}, partition_size=10, scheduler='sync')")
    proc = subprocess.Popen([sys.executable, "-c", code])
    parts = out / store.PARTS / "comentions"
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and len(list(parts.glob("*.parquet"))) < 3:
        time.sleep(0.05)
    assert proc.poll() is None, "the build finished before it could be killed: give it more to do"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert store.read_manifest(out) is None  # killed before its manifest: the folder counts as unbuilt
    with pytest.raises(FileNotFoundError):
        load_corpus(out=out, rebuild="never")
    resumed = build_corpus(raw, out, columns=COLUMNS, partition_size=10)
    assert resumed.ran < resumed.partitions  # the partitions finished before the kill are reused
    build_corpus(raw, clean, columns=COLUMNS, partition_size=10)
    assert file_bytes(out) == file_bytes(clean)
    assert not list(out.rglob("*.tmp-*"))


def test_same_bytes_from_sync_processes_and_a_distributed_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    raw = write_corpus(tmp_path / "raw", 30)
    build_corpus(raw, tmp_path / "sync", columns=COLUMNS, partition_size=6, scheduler="sync")
    s = build_corpus(raw, tmp_path / "procs", columns=COLUMNS, partition_size=6, scheduler="processes", workers=2)
    assert s.mode == "processes"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        d = build_corpus(raw, tmp_path / "cluster", columns=COLUMNS, partition_size=6,
                         scheduler=cluster.scheduler_address)
    assert d.mode == "distributed" and d.partitions > 2
    expected = file_bytes(tmp_path / "sync")
    assert file_bytes(tmp_path / "procs") == expected
    assert file_bytes(tmp_path / "cluster") == expected


def test_a_corpus_keeps_its_settings_and_relative_paths_resolve(tmp_path, monkeypatch):
    raw = write_corpus(tmp_path / "raw", 3)
    out = tmp_path / "out"
    monkeypatch.chdir(tmp_path)
    cli = subprocess.run([sys.executable, "-m", "analysis", "build", "--raw", "raw", "--out", "out",
                          "--column", "text=story"], capture_output=True, text=True, cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    manifest = json.loads((out / store.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["settings"]["raw"] == [str(raw)] and manifest["settings"]["columns"] == COLUMNS
    # a notebook calls load_corpus(CORPUS) with no mapping: the stored one is used, nothing rebuilt
    c = load_corpus("raw", "out")
    assert c.settings["columns"] == COLUMNS and c.name == "raw"
    dated = c.documents.set_index("doc_id")
    assert dated.loc["r1", "published"] == pd.Timestamp("2017-03-01")
    assert json.loads((out / store.MANIFEST).read_text(encoding="utf-8"))["build_digest"] == manifest["build_digest"]
    # the corpus built in a folder is found from the folder alone
    assert load_corpus(out="out").settings["raw"] == [str(raw)]
    assert build.corpus_name([build.config.RAW_DIR]) == "seeds"


def test_lazy_tables_columns_and_partitions(tmp_path):
    raw = write_corpus(tmp_path / "raw", 20)
    build_corpus(raw, tmp_path / "out", columns=COLUMNS, partition_size=5)
    code = (f"import sys, analysis; c = analysis.load_corpus(out={str(tmp_path / 'out')!r}); "
            f"d = c.table('documents', ['doc_id', 'outlet']); t = c.text('r1'); print(len(d), len(t)); "
            f"print(sorted(m for m in ('nltk', 'trafilatura', 'ftfy', 'ahocorasick', 'sklearn', 'dask') "
            f"if m in sys.modules))")
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert got[0] == "23 58" and got[1] == "[]"
    c = load_corpus(out=tmp_path / "out", rebuild="never")
    assert list(c.table("documents", ["doc_id", "n_words"]).columns) == ["doc_id", "n_words"]
    with pytest.raises(ValueError, match="`columns` must be a list of columns of 'documents'"):
        c.table("documents", ["nope"])
    total = {"documents": 0, "mentions": 0}
    for part in c.partitions(("documents", "mentions"), columns={"documents": ["doc_id"]}):
        assert set(part["mentions"]["doc_id"]) <= set(part["documents"]["doc_id"])
        for t in total:
            total[t] += len(part[t])
    assert c.n_partitions > 2 and total == {"documents": len(c.documents), "mentions": len(c.mentions)}


def write_site(folder: Path, n: int, *, site: str = "Aleppo Today", extra: dict[int, str] | None = None) -> Path:
    """``n`` articles of one site (one folder) sharing a menu line; ``extra``: a line added to some."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        a, b = GROUPS[i % 5], GROUPS[(i + 1) % 5]
        line = (extra or {}).get(i)
        (folder / f"story_{i:03d}.txt").write_text(
            f"{site} | Home | Politics\nStory {i}: talks in town {i}\n\n"
            f"{a} and {b} met in the town of Tal {i} on day {i}, residents said.\n\n"
            + (f"{line}\n\n" if line else "") + f"Talks {i} ended without a statement.\n", encoding="utf-8")
    return folder


def test_chrome_is_learned_per_site_from_a_bounded_sample(tmp_path, monkeypatch):
    from analysis import ingest
    from analysis.partitions import text_hash

    raw = tmp_path / "raw"
    write_site(raw / "aleppo", 20)
    records, _, _ = ingest.read_inputs([raw])
    hashes = sorted(text_hash(r.text) for r in records)
    in_sample = {i for i, r in enumerate(records) if text_hash(r.text) in hashes[:6]}
    # a line in every text outside the sample: 14 of 20 (chrome for the whole site), none of the sample
    late = "Correspondents in Tal Abyad contributed"
    write_site(raw / "aleppo", 20, extra={i: late for i in range(20) if i not in in_sample})
    whole = build_corpus(raw, tmp_path / "whole", analyses=False)
    docs = load_corpus(out=tmp_path / "whole", rebuild="never").documents
    assert whole.documents == 20 and docs.boilerplate.str.contains(late).sum() == 14
    assert docs.boilerplate.str.contains("Aleppo Today | Home | Politics", regex=False).all()

    monkeypatch.setattr(build, "CHROME_SAMPLE", 6)  # the six texts with the smallest hashes
    build_corpus(raw, tmp_path / "sampled", analyses=False)
    docs = load_corpus(out=tmp_path / "sampled", rebuild="never").documents
    assert docs.body.str.contains(late).sum() == 14 and not docs.boilerplate.str.contains(late).any()
    assert docs.boilerplate.str.contains("Aleppo Today | Home | Politics", regex=False).all()


def test_a_sites_chrome_is_learned_again_only_when_its_sample_changes(tmp_path):
    raw = tmp_path / "raw"
    write_site(raw / "aleppo", 8)
    write_site(raw / "idlib", 8, site="Idlib Now")
    out = tmp_path / "out"
    build_corpus(raw, out, analyses=False, partition_size=4)
    learned = {p.name: p.stat().st_mtime_ns for p in (out / store.PARTS / "chrome").iterdir()}
    assert len(learned) == 2
    (raw / "idlib" / "story_003.txt").write_text("Idlib Now | Home\nStory\n\nThe SDF left Raqqa.\n", encoding="utf-8")
    build_corpus(raw, out, analyses=False, partition_size=4)
    now = {p.name: p.stat().st_mtime_ns for p in (out / store.PARTS / "chrome").iterdir()}
    assert len(now) == 2 and len(set(now.items()) & set(learned.items())) == 1  # aleppo's kept, idlib's new
    build_corpus(raw, tmp_path / "full", analyses=False, partition_size=4, incremental=False)
    assert_same_tables(out, tmp_path / "full")


def test_the_builds_light_copies_match_ingest():
    from analysis import ingest

    assert set(build.TABLE_SUFFIXES) == ingest.TABLE_SUFFIXES


def test_a_correction_reruns_the_relation_stage_only(tmp_path, monkeypatch):
    from analysis import config, corrections

    monkeypatch.setattr(config, "CORRECTIONS_DIR", tmp_path / "corrections")
    raw = write_corpus(tmp_path / "raw", 12)
    out = tmp_path / "out"
    build_corpus(raw, out, columns=COLUMNS, partition_size=4)
    before = load_corpus(out=out, rebuild="never").manifest["tables"]
    rel = load_corpus(out=out, rebuild="never").relations
    row = rel[rel["doc_id"] == "daily_000"].iloc[0]
    text = load_corpus(out=out, rebuild="never").sentences.set_index(["doc_id", "section", "sentence"]).at[
        ("daily_000", row["section"], int(row["sentence"])), "text"]
    label = "none" if row["label"] != "none" else "coop"
    corrections.record_correction(corrections.corpus_name([raw]), doc_id="daily_000", section=row["section"],
                                  sentence=int(row["sentence"]), text=text, group_a=row["group_a"],
                                  group_b=row["group_b"], label=label, who="test")
    build_corpus(raw, out, columns=COLUMNS, partition_size=4)
    after = load_corpus(out=out, rebuild="never")
    assert {t: after.manifest["tables"][t] == before[t] for t in before} == {
        "documents": True, "sentences": True, "rejects": True, "mentions": True, "relations": False,
        "comentions": False}
    got = after.relations.set_index(["doc_id", "section", "sentence", "group_a", "group_b"]).loc[
        ("daily_000", row["section"], row["sentence"], row["group_a"], row["group_b"])]
    assert (got["label"], got["source"]) == (label, "curated")
    build_corpus(raw, tmp_path / "full", columns=COLUMNS, partition_size=4, incremental=False)
    assert_same_tables(out, tmp_path / "full")


def test_references_travel_to_local_workers_as_digests(tmp_path, monkeypatch):
    import pickle

    from analysis import stages

    refs = stages.load_references(("gazetteer", "roles", "cues"))
    payload = pickle.dumps(refs)
    assert len(payload) < 2_000  # names and digests, not the 6 MB automaton
    stages._LOADED.clear()
    back = pickle.loads(payload)
    assert sorted(back) == ["cues", "gazetteer", "roles"] and back.digests == refs.digests
    assert pickle.loads(payload) is back  # loaded once per worker process
    # a reference file that changes during the build is an error, never a silent mix of versions
    changed = tmp_path / "roles.yaml"
    changed.write_text(stages.REFERENCES["roles"].path.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    monkeypatch.setitem(stages.REFERENCES, "roles", stages.Reference(changed, stages.REFERENCES["roles"].loader))
    stages._LOADED.clear()
    with pytest.raises(RuntimeError, match="reference files changed during the build: roles"):
        pickle.loads(payload)
