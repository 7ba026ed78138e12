"""Every input is a document or a listed reject with its reason; the raw folder is never written."""
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis import ingest
from analysis.build import build_corpus

ARTICLE = ("Jaysh al-Islam battled the Islamic State's fighters in Ghouta, just outside of Damascus. "
           "The group later sent a convoy to northern Aleppo as reinforcements.")
HTML = """<html><head><title>HTS and Ahrar al-Sham clash in Idlib | Syria Monitor</title>
<meta property="og:site_name" content="Syria Monitor"><meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2017-07-20T08:00:00Z">
<script>var secret = "do not keep me";</script><style>.x{color:red}</style></head>
<body><nav>Home | World | Contact</nav><article><h1>HTS and Ahrar al-Sham clash in Idlib</h1>
<p>Hay’at Tahrir al-Sham fighters clashed with Ahrar al-Sham in several towns of Idlib province on Wednesday, according to local activists.</p>
<p>The fighting followed weeks of tension between the two groups over control of the Bab al-Hawa border crossing with Turkey.</p>
<p>Both groups had fought side by side in the Army of Conquest coalition in 2015, when they captured Idlib city from government forces.</p>
</article><div id="comments" class="comments"><h3>2 Comments</h3>
<div class="comment"><p>This was coming for a long time, the alliance was never real.</p></div>
<div class="comment"><p>Idlib civilians pay the price again.</p></div></div>
<footer>Copyright 2017 Syria Monitor</footer></body></html>"""


def _tree_digest(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    """A raw folder with every kind of input a user drops in, good and bad."""
    raw = tmp_path_factory.mktemp("raw")
    (raw / "sub" / "deeper").mkdir(parents=True)
    (raw / "good.txt").write_text("A good headline\n\n" + ARTICLE + "\n", encoding="utf-8")
    (raw / "bom.txt").write_bytes("\ufeffBOM headline\n\nHay’at Tahrir al-Sham announced a new offensive near Hama on Monday.\n".encode("utf-8"))
    (raw / "cp1252.txt").write_bytes("Latin headline\n\nThe Levant Front’s fighters – about 2,000 men – held the town. Cost: £5m.\n".encode("cp1252"))
    (raw / "mojibake.txt").write_text("Mojibake headline\n\nHayâ€™at Tahrir al-Sham and Jaysh al-Islam met in Doha.\n", encoding="utf-8")
    (raw / "sub" / "deeper" / "تقرير_حلب.txt").write_text("Aleppo report\n\nThe Syrian Democratic Forces advanced on Raqqa.\n", encoding="utf-8")
    (raw / "empty.txt").write_bytes(b"")
    (raw / "blank.txt").write_text("   \n\n \t\n", encoding="utf-8")
    (raw / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (raw / "copy.txt").write_text("Another headline\n\n" + ARTICLE + "\n", encoding="utf-8")  # same article text
    (raw / "notes.pdf").write_bytes(b"%PDF-1.4 ...")
    (raw / "page.html").write_text(HTML, encoding="utf-8")
    (raw / "export.csv").write_text(
        'id,title,text,source,date\n'
        '1,Clashes in Idlib,"Ahrar al-Sham and HTS fighters clashed near Saraqib, activists said.",Reuters,4/5/2017\n'
        '1,Second with same id,"The Syrian Arab Army shelled Douma, killing 12 people.",SANA,2017-04-06\n'
        '2,Bad row,"too",many,fields,here\n'
        '3,Empty,"",SANA,2017-04-07\n'
        '4,Odd date,"Russian warplanes struck Khan Sheikhoun, the observatory said.",TASS,someday\n',
        encoding="utf-8")
    (raw / "feed.jsonl").write_text(
        json.dumps({"headline": "Daesh retreats", "body": "Daesh fighters withdrew from Palmyra on Sunday.",
                    "publisher": "Al-Manar", "published": "2016-03-27"}) + "\n"
        + "{not json}\n"
        + json.dumps({"headline": "No text", "publisher": "x"}) + "\n",
        encoding="utf-8")
    (raw / "notext.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    return raw


@pytest.fixture(scope="module")
def built(messy, tmp_path_factory):
    before = _tree_digest(messy)
    out = tmp_path_factory.mktemp("out")
    summary = build_corpus([messy], out, analyses=False)
    assert _tree_digest(messy) == before, "the raw folder was modified"
    docs = pd.read_parquet(out / "documents.parquet")
    rejects = pd.read_parquet(out / "rejects.parquet")
    return summary, docs.set_index("doc_id", drop=False), dict(zip(rejects.path, rejects.reason))


@pytest.mark.parametrize(
    "path, reason",
    [
        ("empty.txt", "empty file"),
        ("blank.txt", "blank file"),
        ("binary.txt", "binary file"),
        ("good.txt", "duplicate text of copy"),
        ("notes.pdf", "unsupported file type '.pdf'"),
        ("export.csv#row=3", "malformed row: expected 5 fields, got 6"),
        ("export.csv#row=4", "empty text"),
        ("export.csv#row=5", "kept, but date not understood: 'someday'"),
        ("feed.jsonl#row=2", "malformed JSON"),
        ("feed.jsonl#row=3", "empty text"),
        ("notext.csv", "no text column"),
    ],
)
def test_rejects_name_file_row_and_reason(built, path, reason):
    _, _, rejects = built
    assert path in rejects, sorted(rejects)
    assert rejects[path].startswith(reason), rejects[path]


def test_every_input_is_a_document_or_a_reject(built, messy):
    _, docs, rejects = built
    files = {p.relative_to(messy).as_posix() for p in messy.rglob("*") if p.is_file()}
    accounted = {p.split("#")[0] for p in list(docs.path) + list(rejects)}
    assert files == accounted
    # rows: 5 in the CSV (2 rejected, 1 kept with a warning), 3 in the JSONL (2 rejected)
    assert sorted(p for p in docs.path if "#" in p) == ["export.csv#row=1", "export.csv#row=2", "export.csv#row=5",
                                                         "feed.jsonl#row=1"]


def test_encodings_and_mojibake(built):
    _, docs, _ = built
    assert docs.loc["bom", "title"] == "BOM headline"  # no BOM left in the title
    assert "Levant Front’s fighters – about 2,000 men" in docs.loc["cp1252", "body"]
    assert "£5m" in docs.loc["cp1252", "body"]
    assert "Hay’at Tahrir al-Sham and Jaysh al-Islam" in docs.loc["mojibake", "body"]
    assert docs.loc["تقرير_حلب", "path"] == "sub/deeper/تقرير_حلب.txt"


def test_duplicate_ids_get_unique_doc_ids(built):
    _, docs, _ = built
    assert {"1", "1_2"} <= set(docs.doc_id)
    assert docs.loc["1_2", "title"] == "Second with same id"
    assert docs.doc_id.is_unique


def test_tabular_columns_detected(built):
    _, docs, _ = built
    row = docs.loc["1"]
    assert (row.title, row.outlet, row.published.date().isoformat(), row.published_provenance) == \
        ("Clashes in Idlib", "Reuters", "2017-04-05", "explicit")
    j = docs[docs.path == "feed.jsonl#row=1"].iloc[0]
    assert (j.title, j.outlet, j.body) == ("Daesh retreats", "Al-Manar", "Daesh fighters withdrew from Palmyra on Sunday.")


def test_html_main_text_without_script_and_with_comments_apart(built):
    _, docs, _ = built
    page = docs.loc["page"]
    assert page.title == "HTS and Ahrar al-Sham clash in Idlib"
    assert page.body.startswith("Hay’at Tahrir al-Sham fighters clashed with Ahrar al-Sham")
    for junk in ("secret", "color:red", "Home | World", "Copyright"):
        assert junk not in page.body and junk not in page.comments
    assert page.comments == "This was coming for a long time, the alliance was never real.\n\nIdlib civilians pay the price again."
    assert (page.outlet, page.author, page.published.date().isoformat()) == ("Syria Monitor", "Jane Roe", "2017-07-20")


def test_explicit_column_mapping(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "x.csv").write_text("story,day,who\n\"Nusra fighters entered Idlib.\",2015-03-28,LWJ\n", encoding="utf-8")
    out = tmp_path / "out"
    build_corpus([raw], out, columns={"text": "story", "date": "day", "source": "who"}, analyses=False)
    d = pd.read_parquet(out / "documents.parquet").iloc[0]
    assert (d.body, d.outlet, d.published.date().isoformat()) == ("Nusra fighters entered Idlib.", "LWJ", "2015-03-28")
    with pytest.raises(ValueError, match="`columns` keys must be among"):
        build_corpus([raw], out, columns={"txt": "story"})


def test_mapping_to_a_missing_column_is_a_reject_naming_the_columns(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "x.csv").write_text("story\nNusra fighters entered Idlib.\n", encoding="utf-8")
    build_corpus([raw], tmp_path / "out", columns={"text": "article"}, analyses=False)
    rej = pd.read_parquet(tmp_path / "out" / "rejects.parquet")
    assert rej.path.tolist() == ["x.csv"]
    assert "column mapping text='article': no such column; the file has story" in rej.reason[0]


def test_cli_exits_zero_with_rejects_and_nonzero_on_usage_error(messy, tmp_path):
    ok = subprocess.run([sys.executable, "-m", "analysis", "build", "--raw", str(messy), "--out", str(tmp_path / "o")],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "rejects: 11" in ok.stdout and "duplicate text" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "analysis", "build", "--column", "body"], capture_output=True, text=True)
    assert bad.returncode == 2 and "--column takes FIELD=COLUMN" in bad.stderr
    missing = subprocess.run([sys.executable, "-m", "analysis", "build", "--raw", str(tmp_path / "nope")],
                             capture_output=True, text=True)
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr


def test_out_dir_inside_raw_is_refused(messy):
    with pytest.raises(ValueError, match="raw data is never written to"):
        build_corpus([messy], messy / "processed")


def test_copies_of_one_article_are_one_document_and_duplicate_rejects(tmp_path):
    """Repeated texts are not site chrome: three copies give one document and two rejects."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (raw / name).write_text("Headline\n\n" + ARTICLE + "\n", encoding="utf-8")
    build_corpus([raw], tmp_path / "out", analyses=False)
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    rej = pd.read_parquet(tmp_path / "out" / "rejects.parquet")
    assert docs.doc_id.tolist() == ["a"] and docs.body[0] == ARTICLE
    assert dict(zip(rej.path, rej.reason)) == {"b.txt": "duplicate text of a", "c.txt": "duplicate text of a"}


def test_doc_ids_stay_unique_when_a_suffix_is_taken(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "x.csv").write_text("id,text\nx,First article about Idlib.\nx,Second article about Daraa.\n"
                               "x_2,Third article about Raqqa.\n", encoding="utf-8")
    build_corpus([raw], tmp_path / "out", analyses=False)
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    assert docs.doc_id.tolist() == ["x", "x_3", "x_2"]


def test_hidden_folders_unbalanced_quotes_and_unicode_line_separators(tmp_path):
    raw = tmp_path / "raw"
    (raw / ".ipynb_checkpoints").mkdir(parents=True)
    (raw / ".ipynb_checkpoints" / "a-checkpoint.txt").write_text("Headline\n\nA checkpoint copy.\n", encoding="utf-8")
    (raw / "q.csv").write_text('id,text\n1,"An unbalanced "quote" here.\n2,Second article about Raqqa.\n',
                               encoding="utf-8")
    (raw / "s.jsonl").write_text(json.dumps({"text": "Line one\u2028still the same row."}, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
    build_corpus([raw], tmp_path / "out", analyses=False)
    docs = pd.read_parquet(tmp_path / "out" / "documents.parquet")
    rej = dict(pd.read_parquet(tmp_path / "out" / "rejects.parquet").pipe(lambda r: zip(r.path, r.reason)))
    assert rej[".ipynb_checkpoints"] == "hidden folder (e.g. .ipynb_checkpoints, .git), not read: 1 file in it"
    assert rej["q.csv#row=1"].startswith("malformed row")
    # the U+2028 inside the JSON string does not split the row (the cleaner folds it into a space)
    assert set(docs.body) == {"Line one still the same row.", "Second article about Raqqa."}
