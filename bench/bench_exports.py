"""Real exports and scrapes (issue 9): per corpus, the share of bodies that still carry chrome, dates
by provenance and source, conflicts and rejected dates, outlets found; and the main-text F1 of the
HTML path against bare trafilatura on pages with a known main text.

Corpora: the seeds, FA-KES and BBC (../shared), and corpora generated in the shapes users bring
(tests/newsgen.py: wire copy, a news site's text export, a video site, a one-week CSV without dates,
a JSONL with an outlet column, a CSV with only links, WordPress pages with comment widgets, a major
news site's pages, forum pages), written to a temporary folder.

The chrome check is written here, apart from the cleaner's rules: on generated corpora, any chrome line
the generator put in (exact); on real corpora, the markers below (families of site chrome), counted on
the raw texts and on the cleaned bodies. Run: ``.venv/bin/python bench/bench_exports.py``.
"""
from __future__ import annotations

import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
import newsgen  # noqa: E402
from analysis import clean, config, htmlpage, ingest  # noqa: E402
from analysis.build import build_corpus  # noqa: E402

#: The chrome check on real corpora: families of site chrome, case-sensitive where case tells.
MARKERS = {
    "image caption/copyright": r"\bImage (caption|copyright)\b", "getty": r"Getty Images",
    "newsletter": r"(?i)\bnewsletter", "sign up/subscribe": r"\b(Sign up|SUBSCRIBE|Subscribe to)\b",
    "follow us": r"(?i)\bfollow us\b", "share": r"\bShare (this|on)\b", "video module": r"JUST WATCHED|MUST WATCH",
    "read more/also": r"\bRead (more|also|More|Also)\b", "comment widget": r"(?i)loading comments|to post a comment|disqus",
    "tag list": r"\bTags\b", "date stamp": r"Date of publication|^Published \w+ \d|Last updated at",
    "wire footer": r"Trust Principles|Reporting by .{3,60}; Editing by", "short url": r"Get short URL",
    "comment box": r"Community standards|Comment via Facebook", "youtube": r"- YouTube|on Youtube",
    "related": r"\bRelated (News|Topics|Stories)\b|\.\.\. \d+ Related\b", "rights": r"All rights reserved|Copyright \d{4}",
    "click here": r"(?i)\bclick here\b",
}
MARKER_RE = {k: re.compile(v, re.M) for k, v in MARKERS.items()}


def chrome_marks(text: str) -> list[str]:
    return [k for k, r in MARKER_RE.items() if r.search(text)]


def build(raw, label: str) -> tuple[pd.DataFrame, dict, float]:
    out = Path(tempfile.mkdtemp(prefix=f"bench-{label}-"))
    t0 = time.perf_counter()
    build_corpus([raw], out, analyses=False, workers=1)
    seconds = time.perf_counter() - t0
    docs = pd.read_parquet(out / "documents.parquet")
    records, _, _ = ingest.read_inputs([raw])
    return docs, {r.path: r for r in records}, seconds


def dates_line(docs: pd.DataFrame) -> str:
    prov = docs.published_provenance.value_counts()
    src = docs.date_source.fillna("none").value_counts()
    return (f"dates: " + ", ".join(f"{k} {prov.get(k, 0)}" for k in ("curated", "explicit", "inferred", "unknown"))
            + " | by source: " + ", ".join(f"{k} {v}" for k, v in src.items())
            + f" | conflicts {int((docs.date_conflict != '').sum())}, rejected {int((docs.date_rejected != '').sum())}")


def outlets_line(docs: pd.DataFrame) -> str:
    prov = docs.outlet_provenance.value_counts()
    return "outlets: " + ", ".join(f"{k} {prov.get(k, 0)}" for k in ("curated", "explicit", "inferred", "unknown")) \
        + f" ({docs.outlet.nunique()} outlets)"


def real_corpus(label: str, raw: Path) -> None:
    docs, records, seconds = build(raw, label)
    before = Counter(m for p in docs.path for m in chrome_marks(records[p].text))
    after = Counter(m for b in docs.body for m in chrome_marks(b))
    raw_share = sum(bool(chrome_marks(records[p].text)) for p in docs.path) / len(docs)
    body_share = sum(bool(chrome_marks(b)) for b in docs.body) / len(docs)
    print(f"\n== {label}: {len(docs):,} documents, built in {seconds:.1f} s (one process; machine shared, noisy)")
    print(f"chrome check (markers): raw texts {raw_share:.1%} -> cleaned bodies {body_share:.1%}")
    print("  by marker, documents raw -> body: " + ", ".join(f"{k} {before[k]}->{after.get(k, 0)}"
                                                          for k in sorted(before, key=lambda k: -before[k])))
    left = [(m, b) for b in docs.body for m in chrome_marks(b)]
    for m, b in left[:4]:
        hit = MARKER_RE[m].search(b)
        print(f"  left ({m}): ...{b[max(0, hit.start() - 50):hit.end() + 50]!r}")
    print(dates_line(docs))
    print(outlets_line(docs))


def generated() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-gen-")) / "raw"
    gold = newsgen.assemble(root, seed=1)
    docs, records, seconds = build(root, "generated")
    docs = docs.set_index("path", drop=False)
    print(f"\n== generated exports and scrapes: {len(docs):,} documents in {len(gold)} shapes, built in {seconds:.1f} s")
    print("chrome: documents whose extracted text (or HTML comments) holds a generated chrome line, and whose "
          "cleaned body or comments still do")
    print(f"{'shape':10s} {'docs':>5s} {'chrome in input':>15s} {'chrome in body':>14s} {'date right':>10s} "
          f"{'outlet right':>12s}  dates")
    for shape, gs in gold.items():
        d = docs.loc[[g.path for g in gs]]
        text = {g.path: records[g.path].text + "\n" + records[g.path].fields.get("comments", "") for g in gs}
        in_input = sum(any(c in text[g.path] for c in g.chrome) for g in gs)
        in_body = sum(any(c in d.loc[g.path, "body"] or c in d.loc[g.path, "comments"] for c in g.chrome) for g in gs)
        date_ok = sum((d.loc[g.path, "published"].date() if pd.notna(d.loc[g.path, "published"]) else None) == g.published
                      for g in gs)
        outlet_ok = sum((d.loc[g.path, "outlet"] if pd.notna(d.loc[g.path, "outlet"]) else None) == g.outlet for g in gs)
        print(f"{shape:10s} {len(gs):5d} {in_input:15d} {in_body:14d} {date_ok:10d} {outlet_ok:12d}  "
              + dates_line(d).removeprefix("dates: "))
    week = docs[docs.path.str.startswith("week/")]
    print(f"one-week export: {int(week.body.str.contains('2001').sum())} bodies recall 9/11 or other past dates; "
          f"dates outside the week: {int((~week.published.dropna().between('2018-04-09', '2018-04-15')).sum())}")
    comments = [g for g in gold["forum"] if g.comments]
    kept = sum(c in docs.loc[g.path, "body"] or c in docs.loc[g.path, "comments"] for g in comments for c in g.comments)
    print(f"forum replies found (body or comments): {kept} of {sum(len(g.comments) for g in comments)}")


def html_f1() -> None:
    import trafilatura

    rules = clean.load_rules()
    root = Path(tempfile.mkdtemp(prefix="bench-html-"))
    print("\n== main-text F1 on pages with a known main text (token bags; mean over pages)")
    print(f"{'pages':10s} {'n':>3s}  {'trafilatura.extract()':>22s} {'extract(comments off)':>22s} {'htmlpage + clean':>17s}")
    for shape in ("wordpress", "news", "forum"):
        golds = newsgen.SHAPES[shape](root / shape, seed=11)
        scores = {"bare": [], "off": [], "ours": []}
        for g in golds:
            page = (root / g.path).read_text(encoding="utf-8")
            gold = "\n".join(g.body)
            body, fields = htmlpage.read_html(page)
            ours = clean.clean(body, rules=rules, title=fields.get("title"), find_title=False).body
            scores["bare"].append(newsgen.token_f1(trafilatura.extract(page) or "", gold))
            scores["off"].append(newsgen.token_f1(trafilatura.extract(page, include_comments=False) or "", gold))
            scores["ours"].append(newsgen.token_f1(ours, gold))
        fmt = lambda v: "P {:.2f} R {:.2f} F1 {:.3f}".format(*(sum(x[i] for x in v) / len(v) for i in range(3)))  # noqa: E731
        print(f"{shape:10s} {len(golds):3d}  {fmt(scores['bare']):>22s} {fmt(scores['off']):>22s} {fmt(scores['ours']):>17s}")


def main() -> None:
    real_corpus("seeds", config.RAW_DIR)
    if config.FAKES_CSV.exists():
        real_corpus("FA-KES", config.FAKES_CSV)
    if config.BBC_DIR.exists():
        real_corpus("BBC", config.BBC_DIR)
    generated()
    html_f1()


if __name__ == "__main__":
    main()
