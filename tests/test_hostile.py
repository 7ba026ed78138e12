"""Hostile inputs: every byte read right or rejected with the true reason, nothing lost, no traceback.

Each case writes inputs of one family (encodings, names and links, CSV, JSON Lines, HTML, dates, size)
into its own folder of one raw root; the root is built once through ``build_corpus`` and once through
``python -m analysis build``. Every case must give exactly the documents (with the text decoded right)
and the rejects (with the true reason) it expects; every input must be a document or a reject; the raw
folder must stay byte-identical. Cases that need a root of their own (registers, two roots, permissions)
build it themselves.
"""
from __future__ import annotations

import codecs
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from analysis.build import build_corpus

from hostile import (Case, Has, Starts, article, check_accounted, check_case, matches, run_unprivileged, snapshot,
                     txt, write_case)

ARABIC = "أعلنت هيئة تحرير الشام سيطرتها على مدينة إدلب بعد معارك مع أحرار الشام"
RUSSIAN = "Боевики Ахрар аш-Шам атаковали позиции правительственных сил около Идлиба в понедельник утром"
WESTERN = "The Levant Front’s fighters – about 2,000 men – held the town; cost: £5m, café"
CASES: list[Case] = []


def case(family, name, files, docs=None, rejects=None, check=None):
    CASES.append(Case(family, name, files, docs or {}, rejects or [], check))


def kept(reason: str) -> Starts:
    return Starts("kept, but " + reason)


# --------------------------------------------------------------------------- encodings (.txt)

E = "encoding"
for enc in ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
    tag = f"enc-{enc}"
    text = txt(tag, f"{article(tag)} {WESTERN}")
    data = text.encode(enc)
    if enc in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):  # with a byte-order mark written first
        data = "\ufeff".encode(enc) + data
    case(E, f"bom-{enc}", {"a.txt": data}, {"a.txt": f"{article(tag)} {WESTERN}"})
for enc in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
    tag = f"nobom-{enc}"
    case(E, tag, {"a.txt": txt(tag).encode(enc)}, {"a.txt": article(tag)})
case(E, "nobom-utf-16-le-arabic", {"a.txt": f"عنوان\n\n{ARABIC}.\n".encode("utf-16-le")}, {"a.txt": ARABIC + "."})
case(E, "nobom-utf-16-be-russian", {"a.txt": f"Заголовок\n\n{RUSSIAN}.\n".encode("utf-16-be")}, {"a.txt": RUSSIAN + "."})
for enc, bom in (("UTF-8", codecs.BOM_UTF8), ("UTF-16-LE", codecs.BOM_UTF16_LE), ("UTF-16-BE", codecs.BOM_UTF16_BE),
                 ("UTF-32-LE", codecs.BOM_UTF32_LE)):
    case(E, f"bom-only-{enc.lower()}", {"a.txt": bom}, rejects=[("a.txt", f"empty file (only a {enc} byte-order mark)")])
case(E, "cp1252", {"a.txt": txt("cp1252", f"{article('cp1252')} {WESTERN}").encode("cp1252")},
     {"a.txt": f"{article('cp1252')} {WESTERN}"})
case(E, "latin-1-pound", {"a.txt": txt("latin1", "Aid worth £5m reached Idlib, the café owner said.").encode("latin-1")},
     {"a.txt": "Aid worth £5m reached Idlib, the café owner said."})
case(E, "cp1251-russian", {"a.txt": f"Заголовок\n\n{RUSSIAN}. {RUSSIAN}.\n".encode("cp1251")},
     {"a.txt": f"{RUSSIAN}. {RUSSIAN}."})
case(E, "cp1256-arabic", {"a.txt": f"عنوان\n\n{ARABIC}. {ARABIC}.\n".encode("cp1256")}, {"a.txt": f"{ARABIC}. {ARABIC}."})
# one invalid byte in a long UTF-8 file: the other lines stay UTF-8 (curly quotes are not "â\x80\x9c")
_long = [f"“Line {i}” of report long-utf8: Jaysh al-Islam held the line near Douma." for i in range(200)]
case(E, "one-bad-byte-in-long-utf8",
     {"a.txt": ("Long report\n\n" + "\n".join(_long[:100])).encode() + b"\nA stray \x97 dash here.\n"
               + "\n".join(_long[100:]).encode() + b"\n"},
     {"a.txt": Has("“Line 99” of report long-utf8: Jaysh al-Islam held the line near Douma.\n\nA stray — dash here."
                   "\n\n“Line 100”")},
     [("a.txt", "kept, but lines in another encoding: 1 line not UTF-8 like the rest of the file, read as cp1252 "
                "(line 103)")])
case(E, "bad-byte-inside-utf8-line",
     {"a.txt": "Headline\n\n".encode() + "“Quoted” — Hay’at Tahrir al-Sham’s statement…".encode()[:20] + b"\xff"
               + "“Quoted” — Hay’at Tahrir al-Sham’s statement…".encode()[20:] + b"\n"},
     {"a.txt": ("“Quoted” — Hay’at Tahrir al-Sham’s statement…".encode()[:20] + "\ufffd".encode()
                + "“Quoted” — Hay’at Tahrir al-Sham’s statement…".encode()[20:]).decode()},
     [("a.txt", "kept, but not valid UTF-8: 1 byte replaced by U+FFFD (line 3)")])
case(E, "mixed-utf8-and-cp1252-lines",
     {"a.txt": "Mixed lines\n\nHay’at Tahrir al-Sham took Idlib.\n".encode() + WESTERN.encode("cp1252") + b"\n"},
     {"a.txt": f"Hay’at Tahrir al-Sham took Idlib.\n\n{WESTERN}"},
     [("a.txt", "kept, but lines in another encoding: 1 line not UTF-8 like the rest of the file, read as cp1252 "
                "(line 4)")])
case(E, "mojibake-and-cp1252-lines",
     {"a.txt": "Mojibake lines\n\nHayâ€™at Tahrir al-Sham took Idlib.\n".encode() + "Café owners fled.".encode("cp1252")
               + b"\n"},
     {"a.txt": "Hay’at Tahrir al-Sham took Idlib.\n\nCafé owners fled."},
     [("a.txt", Starts("kept, but lines in another encoding: 1 line"))])
case(E, "utf8-and-cp1252-in-one-line",
     {"a.txt": b"One line\n\n" + "Hay’at".encode() + b" and caf\xe9 owners met in Idlib " + "“today”.".encode()
               + b"\n"},
     {"a.txt": "Hay’at and café owners met in Idlib “today”."},
     [("a.txt", Starts("kept, but lines in another encoding: 1 line"))])
case(E, "arabic-utf8-one-bad-byte",
     {"a.txt": "عنوان\n\n".encode() + ARABIC.encode()[:30] + b"\xc3" + ARABIC.encode()[30:] + b".\n"},
     {"a.txt": (ARABIC.encode()[:30] + "\ufffd".encode() + ARABIC.encode()[30:]).decode() + "."},
     [("a.txt", "kept, but not valid UTF-8: 1 byte replaced by U+FFFD (line 3)")])
case(E, "mojibake-only", {"a.txt": txt("moji", "Hayâ€™at Tahrir al-Sham and â€œJaysh al-Islamâ€\x9d met.")},
     {"a.txt": "Hay’at Tahrir al-Sham and “Jaysh al-Islam” met."})
case(E, "surrogate-bytes", {"a.txt": b"Headline\n\n" + "Ahrar al-Sham’s ".encode() * 20 + b"\xed\xa0\x80 end.\n"},
     {"a.txt": "Ahrar al-Sham’s " * 20 + "\ufffd\ufffd\ufffd end."},
     [("a.txt", "kept, but not valid UTF-8: 3 bytes replaced by U+FFFD (line 3)")])
case(E, "zero-filled-tail", {"a.txt": txt("zerotail").encode() + b"\x00" * 50000}, {"a.txt": article("zerotail")},
     [("a.txt", "kept, but a zero-filled tail: 50,000 trailing NUL bytes dropped (an incomplete download?)")])
case(E, "utf16-zero-filled-tail", {"a.txt": txt("u16tail").encode("utf-16") + b"\x00" * 4001},
     {"a.txt": article("u16tail")},
     [("a.txt", "kept, but a zero-filled tail: 4,001 trailing NUL bytes dropped (an incomplete download?)")])
case(E, "only-nul-bytes", {"a.txt": b"\x00" * 1000}, rejects=[("a.txt", "empty file (only NUL bytes)")])
case(E, "empty", {"a.txt": b""}, rejects=[("a.txt", "empty file")])
case(E, "white-space-only", {"a.txt": " \n\t\r\n \u3000\n"}, rejects=[("a.txt", "blank file (only white space)")])
case(E, "binary-png", {"a.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 16},
     rejects=[("a.txt", Starts("binary file ("))])
case(E, "binary-random-high-bytes", {"a.txt": bytes((i * 37 + 11) % 128 + 128 for i in range(5000))},
     rejects=[("a.txt", Starts("undecodable: no text encoding fits"))])
case(E, "a-few-nul-and-control-bytes", {"a.txt": txt("ctrl", "Ahrar\x00 al-Sham\x07 fighters reached Idlib.\x1a")},
     {"a.txt": "Ahrar al-Sham fighters reached Idlib."}, [("a.txt", "kept, but control characters: 3 removed")])
case(E, "crlf", {"a.txt": txt("crlf", f"{article('crlf')}\n\nSecond paragraph.").replace("\n", "\r\n")},
     {"a.txt": f"{article('crlf')}\n\nSecond paragraph."})
case(E, "cr-only", {"a.txt": txt("cr", f"{article('cr')}\n\nSecond paragraph.").replace("\n", "\r")},
     {"a.txt": f"{article('cr')}\n\nSecond paragraph."})
case(E, "utf16-odd-length", {"a.txt": txt("odd16").encode("utf-16") + b"A"}, {"a.txt": article("odd16") + "\n\n\ufffd"},
     [("a.txt", "kept, but not valid UTF-16-LE: 1 byte replaced by U+FFFD")])
case(E, "nfd-accents", {"a.txt": txt("nfd", "Cafe\u0301 owners in Idlib reopened.")},
     {"a.txt": "Café owners in Idlib reopened."})
case(E, "invisible-format-characters-kept",
     {"a.txt": txt("cf", "Ahrar\u200c al-Sham and Jaysh\u00ad al-Islam met the \u200fSDF.")},
     {"a.txt": "Ahrar\u200c al-Sham and Jaysh\u00ad al-Islam met the \u200fSDF."})
case(E, "gb18030-chinese", {"a.txt": ("标题\n\n" + "叙利亚北部伊德利卜省的战斗持续了一整天，当地活动人士说。" * 4 + "\n").encode("gb18030")},
     {"a.txt": "叙利亚北部伊德利卜省的战斗持续了一整天，当地活动人士说。" * 4})

# --------------------------------------------------------------------------- names, links, folders

N = "names"


def _link(src: str, target: str):
    return lambda d: os.symlink(target, d / src)


case(N, "name-not-utf8", {"x": lambda d: open(os.fsencode(d) + b"/caf\xe9.txt", "wb").write(txt("bad-name").encode())},
     {"caf\\xe9.txt": article("bad-name")}, [("caf\\xe9.txt", "kept, but file name not valid UTF-8: shown as "
                                                              "'names/name-not-utf8/caf\\\\xe9.txt'")])
case(N, "folder-not-utf8", {"x": lambda d: (os.mkdir(os.fsencode(d) + b"/d\xff"),
                                           open(os.fsencode(d) + b"/d\xff/a.txt", "wb").write(txt("bad-dir").encode()))},
     {"d\\xff/a.txt": article("bad-dir")}, [("d\\xff/a.txt", Starts("kept, but file name not valid UTF-8"))])
case(N, "unicode-spaces-hash", {"تقرير حلب #1 (copy).txt": txt("odd-name")}, {"تقرير حلب #1 (copy).txt": article("odd-name")})
case(N, "upper-case-suffix", {"A.TXT": txt("upper")}, {"A.TXT": article("upper")})
case(N, "deep-nesting", {"/".join(f"d{i}" for i in range(25)) + "/a.txt": txt("deep")},
     {"/".join(f"d{i}" for i in range(25)) + "/a.txt": article("deep")})
case(N, "unsupported-types", {"a.pdf": b"%PDF-1.4", "README": "read me", "b.docx": b"PK\x03\x04"},
     rejects=[("a.pdf", "unsupported file type '.pdf': expected .txt, .html, .htm, .csv, .tsv or .jsonl"),
              ("README", "unsupported file type '(none)': expected .txt, .html, .htm, .csv, .tsv or .jsonl"),
              ("b.docx", Starts("unsupported file type '.docx'"))])
case(N, "hidden-file-and-folder", {".DS_Store": b"\x00\x01", ".ipynb_checkpoints/a-checkpoint.txt": txt("hid1"),
                                   ".ipynb_checkpoints/b.txt": txt("hid2"), "a.txt": txt("visible")},
     {"a.txt": article("visible")},
     [(".DS_Store", "hidden file (its name starts with a dot), not read"),
      (".ipynb_checkpoints", "hidden folder (e.g. .ipynb_checkpoints, .git), not read: 2 files in it")])
case(N, "dangling-link", {"gone.txt": _link("gone.txt", "nowhere.txt")},
     rejects=[("gone.txt", "broken symbolic link (to 'nowhere.txt'): nothing to read")])
case(N, "self-link", {"me.txt": _link("me.txt", "me.txt")},
     rejects=[("me.txt", "symbolic link loop (to 'me.txt'), not followed")])
case(N, "folder-link-loop", {"sub/a.txt": txt("loop"), "x": lambda d: os.symlink("..", d / "sub" / "up")},
     {"sub/a.txt": article("loop")},
     [("sub/up", "symbolic link loop: leads back to names/folder-link-loop, a folder it is in; not followed")])
case(N, "file-link-to-same-file", {"a.txt": txt("filelink"), "b.txt": _link("b.txt", "a.txt")},
     {"a.txt": article("filelink")},
     [("b.txt", "duplicate text of names/file-link-to-same-file/a")])


def _outside(d: Path, name: str, tag: str) -> Path:
    target = d.parents[2] / f"outside-{name}"  # beside the raw folder
    target.mkdir(exist_ok=True)
    (target / "x.txt").write_text(txt(tag), encoding="utf-8")
    return target


case(N, "link-to-outside-folder", {"x": lambda d: os.symlink(_outside(d, "one", "outside1"), d / "linked")},
     {"linked/x.txt": article("outside1")})
case(N, "two-links-to-one-folder", {"x": lambda d: (os.symlink(_outside(d, "two", "outside2"), d / "l1"),
                                                    os.symlink(_outside(d, "two", "outside2"), d / "l2"))},
     {"l1/x.txt": article("outside2")},
     [("l2", "link to a folder already read as names/two-links-to-one-folder/l1, not read twice")])
case(N, "link-to-a-folder-inside", {"z-real/x.txt": txt("inside-link"), "x": lambda d: os.symlink("z-real", d / "a-link")},
     {"z-real/x.txt": article("inside-link")},
     [("a-link", "link to a folder already read as names/link-to-a-folder-inside/z-real, not read twice")])
case(N, "named-pipe", {"x": lambda d: os.mkfifo(d / "pipe.txt")},
     rejects=[("pipe.txt", "not a regular file (a named pipe), not read")])
case(N, "register-name-in-subfolder", {"sub/metadata.csv": "path,outlet\na.txt,SANA\n"},
     rejects=[("sub/metadata.csv", Starts("no text column: looked for"))])

# --------------------------------------------------------------------------- CSV

C = "csv"


def rows_csv(tag: str, n: int = 3, *, sep: str = ",", header: str = "id,title,text,date") -> str:
    lines = [header.replace(",", sep)]
    for i in range(1, n + 1):
        lines.append(sep.join([f"{tag}-{i}", f"Title {i}", f'"{article(f"{tag}-{i}")}"', "2017-04-0" + str(i)]))
    return "\n".join(lines) + "\n"


def csv_docs(tag: str, rows, *, file: str = "t.csv") -> dict:
    return {f"{file}#row={i}": article(f"{tag}-{i}") for i in rows}


case(C, "plain", {"t.csv": rows_csv("plain")}, csv_docs("plain", (1, 2, 3)))
for sep, name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
    case(C, f"delimiter-{name}", {"t.csv": rows_csv(name, sep=sep)}, csv_docs(name, (1, 2, 3)))
case(C, "tsv-suffix", {"t.tsv": rows_csv("tsv", sep="\t")}, csv_docs("tsv", (1, 2, 3), file="t.tsv"))
case(C, "semicolon-without-text-column", {"t.csv": "id;story;day\n1;Idlib;2017\n"},
     rejects=[("t.csv", "no text column: looked for article_content, text, body, content, article, article_text, "
                        "full_text; found id, story, day (read as ';'-delimited) (map one with --column text=NAME)")])
_q = rows_csv("quote-closes-later", 4).splitlines()
_q[2] = _q[2].replace(',"Report', ',"Unclosed Report', 1).replace('Monday."', "Monday.")  # row 2 opens a quote
_q[3] = _q[3].replace('Monday."', 'Monday." and more')  # ... that closes on row 3's line
case(C, "quote-closes-on-a-later-row", {"t.csv": "\n".join(_q) + "\n"},
     {"t.csv#row=1": article("quote-closes-later-1"), "t.csv#row=4": article("quote-closes-later-4")},
     [("t.csv#row=2", "malformed row: a quote opened in this row closes only in row 3 (',' expected after '\"'); "
                      "the rows after it are read on their own"),
      ("t.csv#row=3", "malformed row: ',' expected after '\"'")])
case(C, "quote-never-closes", {"t.csv": "id,text\nn-1,Fighting in Idlib n-1\nn-2,\"An unclosed quote n-2\n"
                                         "n-3,Fighting in Douma n-3\nn-4,Fighting in Daraa n-4\n"},
     {"t.csv#row=1": "Fighting in Idlib n-1", "t.csv#row=3": "Fighting in Douma n-3", "t.csv#row=4": "Fighting in Daraa n-4"},
     [("t.csv#row=2", "malformed row: a quote opened in this row never closes (the file ends inside it); the rows "
                      "after it are read on their own")])
case(C, "quote-closes-at-the-end-of-the-next-row",
     {"t.csv": 'id,title,text\nq-1,"Unclosed title\nq-2",A 5" gun fired in Douma q-2\nq-3,T3,Idlib q-3\n'},
     {"t.csv#row=3": "Idlib q-3"},
     [("t.csv#row=1", "malformed row: a quote opened in this row closes only in row 2 (its quotes do not pair up "
                      "line by line); the rows after it are read on their own"),
      ("t.csv#row=2", "malformed row: expected 3 fields, got 2")])
case(C, "multi-line-cell", {"t.csv": f'id,text\nml-1,"{article("ml-1")}\n\nSecond paragraph, same cell."\nml-2,'
                                     f'"{article("ml-2")}"\n'},
     {"t.csv#row=1": f"{article('ml-1')}\n\nSecond paragraph, same cell.", "t.csv#row=2": article("ml-2")})
case(C, "malformed-header", {"t.csv": 'id,"title"x,text\n1,a,b\n'},
     rejects=[("t.csv", "malformed header (line 1): ',' expected after '\"'")])
case(C, "blank-header", {"t.csv": "\nid,text\n1,abc\n"},
     rejects=[("t.csv", "blank header line: the first line must name the columns")])
case(C, "header-only", {"t.csv": "id,title,text\n"}, rejects=[("t.csv", "header only: no data rows")])
case(C, "duplicate-column-names", {"t.csv": f'id,text,Text\ndup-1,"{article("dup-1")}",other\n'},
     {"t.csv#row=1": article("dup-1")},
     [("t.csv", "kept, but duplicate column name 'Text' (columns 2 and 3): column 2 is read")])
case(C, "column-names-in-any-case", {"t.csv": f' ID ,TITLE,Text\ncase-1,T,"{article("case-1")}"\n'},
     {"t.csv#row=1": article("case-1")}, check=lambda d, r: d["title"].tolist() == ["T"] or pytest.fail("title"))
_nul = rows_csv("nul-row", 8).splitlines()
_nul[5] = _nul[5].replace("clashed", "clas\x00hed")
case(C, "nul-in-row-5", {"t.csv": "\n".join(_nul) + "\n"}, csv_docs("nul-row", (1, 2, 3, 4, 6, 7, 8)),
     [("t.csv#row=5", "binary data (NUL bytes) in this row")])
case(C, "zero-filled-tail", {"t.csv": rows_csv("ztail", 5)[:-40].encode() + b"\x00" * 200_000},
     csv_docs("ztail", (1, 2, 3, 4)),
     [("t.csv", "kept, but a zero-filled tail: 200,000 trailing NUL bytes dropped (an incomplete download?)"),
      ("t.csv#row=5", "malformed row: a quote opened in this row never closes (the file ends inside it)")])
case(C, "too-many-and-too-few-fields", {"t.csv": f'id,text,date\nf-1,"{article("f-1")}",2017-01-01,extra\n'
                                                 f'f-2,"{article("f-2")}"\nf-3,"{article("f-3")}",2017-01-03\n'},
     {"t.csv#row=3": article("f-3")},
     [("t.csv#row=1", "malformed row: expected 3 fields, got 4"), ("t.csv#row=2", "malformed row: expected 3 fields, got 2")])
case(C, "blank-and-empty-rows", {"t.csv": f'id,text\n\n,\ne-3,"{article("e-3")}"\ne-4,""\n'},
     {"t.csv#row=3": article("e-3")},
     [("t.csv#row=1", "empty row"), ("t.csv#row=2", "empty row"), ("t.csv#row=4", "empty text")])
case(C, "header-repeated", {"t.csv": rows_csv("cat-a", 1) + "id,title,text,date\n" + rows_csv("cat-b", 1).split("\n", 1)[1]},
     {"t.csv#row=1": article("cat-a-1"), "t.csv#row=3": article("cat-b-1")},
     [("t.csv#row=2", "the header line repeated (files joined together?)")])
case(C, "inner-quote-on-one-line", {"t.csv": f'id,text\niq-1,"An "unbalanced" quote."\niq-2,"{article("iq-2")}"\n'},
     {"t.csv#row=2": article("iq-2")}, [("t.csv#row=1", "malformed row: ',' expected after '\"'")])
case(C, "excel-utf16-tab", {"t.csv": rows_csv("xl16", sep="\t").encode("utf-16")}, csv_docs("xl16", (1, 2, 3)))
case(C, "cp1252-table", {"t.csv": f'id,text\nw-1,"{WESTERN}"\n'.encode("cp1252")}, {"t.csv#row=1": WESTERN})
case(C, "utf8-bom-semicolon", {"t.csv": "\ufeff" + rows_csv("bomsc", sep=";")}, csv_docs("bomsc", (1, 2, 3)))
case(C, "one-cp1252-row-in-utf8", {"t.csv": f'id,text\nm-1,"Hay’at {article("m-1")}"\n'.encode()
                                             + f'm-2,"{WESTERN} (m-2)"\n'.encode("cp1252")},
     {"t.csv#row=1": f"Hay’at {article('m-1')}", "t.csv#row=2": f"{WESTERN} (m-2)"},
     [("t.csv#row=2", "kept, but another encoding: read as cp1252, not UTF-8 like the rest of the file")])
case(C, "bad-byte-in-utf8-row", {"t.csv": f'id,text\nb-1,"{ARABIC}"\n'.encode().replace(ARABIC.encode()[:8],
                                                                                         ARABIC.encode()[:8] + b"\xff")},
     {"t.csv#row=1": ARABIC[:4] + "\ufffd" + ARABIC[4:]},
     [("t.csv#row=1", "kept, but not valid UTF-8: 1 byte replaced by U+FFFD")])
case(C, "cr-only-lines", {"t.csv": rows_csv("crcsv").replace("\n", "\r")}, csv_docs("crcsv", (1, 2, 3)))
case(C, "big-cell", {"t.csv": f'id,text\nbig-1,"{article("big-1")} ' + "More fighting was reported. " * 40000 + '"\n'},
     {"t.csv#row=1": Has(article("big-1"))})
case(C, "mapping-to-missing-column-is-not-here", {"t.csv": "story\nNo text column here.\n"},
     rejects=[("t.csv", Starts("no text column"))])

# --------------------------------------------------------------------------- dates in a date column

D = "dates"
for name, value, published, rejected in [
    ("iso", "2017-04-05", "2017-04-05", None),
    ("oct-25-2015", "Oct 25 2015", "2015-10-25", None),
    ("rfc2822", "Sun, 25 Oct 2015 14:03:00 +0000", "2015-10-25", None),
    ("rfc2822-no-time", "Sun, 25 Oct 2015", "2015-10-25", None),
    ("year-2099", "2099-01-01", None, "column 2099-01-01 (date column: 2099-01-01): after the build date"),
    ("year-1900", "1900-01-01", None, "column 1900-01-01 (date column: 1900-01-01): before 1990"),
    ("year-1", "0001-01-01", None, "column 0001-01-01 (date column: 0001-01-01): before 1990"),
    ("unix-epoch", "1970-01-01", None, "column 1970-01-01 (date column: 1970-01-01): before 1990"),
    ("not-a-date", "someday", None, None),
]:
    def _dates(d, r, published=published, rejected=rejected):
        got = d["published"].iloc[0]
        assert (None if pd.isna(got) else got.date().isoformat()) == published
        assert d["published_provenance"].iloc[0] == ("explicit" if published else "unknown")
        assert (d["date_rejected"].iloc[0] or "").startswith(rejected or ""), d["date_rejected"].iloc[0]
    case(D, name, {"t.csv": f'id,text,date\n{name},"{article("date-" + name)}","{value}"\n'},
         {"t.csv#row=1": article("date-" + name)},
         [("t.csv#row=1", "kept, but date not understood: 'someday'")] if name == "not-a-date" else [], check=_dates)

# --------------------------------------------------------------------------- JSON Lines

J = "jsonl"


def jl(*objs) -> str:
    return "\n".join(o if isinstance(o, str) else json.dumps(o, ensure_ascii=False) for o in objs) + "\n"


case(J, "plain", {"f.jsonl": jl({"text": article("jl-1")}, {"text": article("jl-2")})},
     {"f.jsonl#row=1": article("jl-1"), "f.jsonl#row=2": article("jl-2")})
case(J, "text-and-Text-keys", {"f.jsonl": jl({"text": article("tk-1")}, {"Text": article("tk-2")},
                                             {" TEXT ": article("tk-3")})},
     {"f.jsonl#row=1": article("tk-1"), "f.jsonl#row=2": article("tk-2"), "f.jsonl#row=3": article("tk-3")})
case(J, "non-objects", {"f.jsonl": jl([1, 2], "\"a string\"", "42", "null")},
     rejects=[("f.jsonl#row=1", "malformed row: expected a JSON object, got an array of 2 items (JSON Lines has one "
                                "object per line)"),
              ("f.jsonl#row=2", "malformed row: expected a JSON object, got a string (JSON Lines has one object per line)"),
              ("f.jsonl#row=3", "malformed row: expected a JSON object, got a number (JSON Lines has one object per line)"),
              ("f.jsonl#row=4", "malformed row: expected a JSON object, got null (JSON Lines has one object per line)")])
case(J, "pretty-printed-json-array", {"f.jsonl": json.dumps([{"text": article("pp-1")}], indent=2) + "\n"},
     rejects=[("f.jsonl", "not JSON Lines: the file is one JSON document (an array) over 6 lines; JSON Lines has one "
                          "object per line")])
case(J, "json-array-on-one-line", {"f.jsonl": json.dumps([{"text": article("arr-1")}, {"text": "b"}]) + "\n"},
     rejects=[("f.jsonl#row=1", "malformed row: expected a JSON object, got an array of 2 items (JSON Lines has one "
                                "object per line)")])
case(J, "malformed-line", {"f.jsonl": jl({"text": article("ml-1")}, "{not json}", {"text": article("ml-3")})},
     {"f.jsonl#row=1": article("ml-1"), "f.jsonl#row=3": article("ml-3")},
     [("f.jsonl#row=2", "malformed JSON: Expecting property name enclosed in double quotes at column 2")])
case(J, "duplicate-key", {"f.jsonl": '{"text": "first", "text": "' + article("dk-1") + '"}\n'},
     {"f.jsonl#row=1": article("dk-1")}, [("f.jsonl#row=1", "kept, but key 'text' given twice: the last value is read")])
case(J, "raw-nul-in-a-line", {"f.jsonl": jl({"text": article("nl-1")}).encode() + b'{"text": "a\x00b"}\n'
                                        + jl({"text": article("nl-3")}).encode()},
     {"f.jsonl#row=1": article("nl-1"), "f.jsonl#row=3": article("nl-3")},
     [("f.jsonl#row=2", "binary data (NUL bytes) in this row")])
case(J, "escaped-nul", {"f.jsonl": jl({"text": "a\u0000b"}, {"text": article("en-2")})},
     {"f.jsonl#row=2": article("en-2")}, [("f.jsonl#row=1", "binary data (NUL, written \\u0000) in this row")])
case(J, "only-blank-lines", {"f.jsonl": "\n\n  \n"}, rejects=[("f.jsonl", "no rows: only blank lines")])
case(J, "utf16-bom", {"f.jsonl": jl({"text": article("j16")}).encode("utf-16")}, {"f.jsonl#row=1": article("j16")})
case(J, "deep-nesting", {"f.jsonl": "[" * 100000 + "]" * 100000 + "\n" + jl({"text": article("deep-2")})},
     {"f.jsonl#row=2": article("deep-2")}, [("f.jsonl#row=1", Starts("malformed JSON: RecursionError"))])
case(J, "huge-integer", {"f.jsonl": '{"text": ' + "9" * 5000 + "}\n" + jl({"text": article("hi-2")})},
     {"f.jsonl#row=2": article("hi-2")}, [("f.jsonl#row=1", Starts("malformed JSON: ValueError"))])
case(J, "no-text-key", {"f.jsonl": jl({"headline": "x", "story": "y"})},
     rejects=[("f.jsonl", Starts("no text column: looked for"))])
case(J, "ndjson-crlf", {"f.ndjson": jl({"text": article("nd-1")}, {"text": article("nd-2")}).replace("\n", "\r\n")},
     {"f.ndjson#row=1": article("nd-1"), "f.ndjson#row=2": article("nd-2")})

# --------------------------------------------------------------------------- HTML (decoding)

H = "html"
PAGE = """<html><head>{meta}<title>{title}</title></head><body><article><h1>{title}</h1>
<p>{p1}</p><p>{p2}</p><p>The fighting followed weeks of tension between the two groups over the crossing.</p>
</article></body></html>"""


def page(tag: str, p1: str, *, meta: str = "") -> str:
    return PAGE.format(meta=meta, title=f"Page {tag} headline", p1=p1,
                       p2=f"Both groups had fought side by side in the coalition in 2015, page {tag} said.")


case(H, "plain-text-html", {"a.html": txt("plainhtml")}, {"a.html": article("plainhtml")},
     [("a.html", "kept, but no HTML markup: read as plain text")])
case(H, "declared-windows-1256", {"a.html": page("w1256", ARABIC + ".", meta='<meta charset="windows-1256">').encode("cp1256")},
     {"a.html": Has(ARABIC + ".")})
case(H, "declared-iso-8859-1-means-cp1252",
     {"a.html": page("latin", WESTERN + ".", meta='<meta http-equiv="Content-Type" content="text/html; '
                                                  'charset=iso-8859-1">').encode("cp1252")},
     {"a.html": Has(WESTERN + ".")})
case(H, "utf16-bom-page", {"a.html": page("h16", article("h16")).encode("utf-16")}, {"a.html": Has(article("h16"))})
case(H, "empty-page", {"a.html": "<html><body></body></html>"}, rejects=[("a.html", "no main text found in HTML")])
case(H, "navigation-only-page",
     {"a.html": '<html><head><title>Syria Monitor</title></head><body><nav><ul><li><a href="/">Home</a></li>'
                '<li><a href="/world">World</a></li><li><a href="/syria">Syria news</a></li></ul></nav>'
                '<div class="menu"><a href="/a">Politics</a> | <a href="/b">Economy</a></div></body></html>'},
     rejects=[("a.html", "no main text found in HTML: only navigation (every line is a link label)")])
case(H, "template-text-is-not-body",
     {"a.html": page("tmpl", article("tmpl")).replace("</article>", "<template><p>Template text: Jaysh al-Islam "
                                                                     "signed a secret pact.</p></template></article>")},
     {"a.html": Has(article("tmpl"))}, check=lambda d, r: "Template text" not in d["body"].iloc[0] or pytest.fail(
         "template text reached the body"))
case(H, "mojibake-page", {"a.html": page("hmoji", "Hayâ€™at Tahrir al-Sham fighters took the crossing on Monday.")},
     {"a.html": Has("Hay’at Tahrir al-Sham fighters took the crossing on Monday.")})
case(H, "zero-filled-tail-page", {"a.html": page("hzt", article("hzt")).encode() + b"\x00" * 3000},
     {"a.html": Has(article("hzt"))},
     [("a.html", "kept, but a zero-filled tail: 3,000 trailing NUL bytes dropped (an incomplete download?)")])

# --------------------------------------------------------------------------- size

S = "size"


def _runon(n: int) -> str:
    names = ["Ahrar al-Sham", "Jaysh al-Islam", "Hay'at Tahrir al-Sham", "Faylaq al-Rahman", "the Syrian Democratic Forces",
             "the Islamic State", "Jabhat al-Nusra", "the Levant Front", "Nour al-Din al-Zenki", "Jaysh al-Izza"]
    parts, size, i = [], 0, 0
    while size < n:
        parts.append(names[i % len(names)] + (" fought" if i % 3 == 0 else ""))
        size += len(parts[-1]) + 2
        i += 1
    return ", ".join(parts)


def _long_sentences(d, r):
    assert d["n_words"].iloc[0] > 5000


case(S, "run-on-line-of-group-names", {"a.txt": txt("runon", _runon(60_000))}, {"a.txt": Has("Ahrar al-Sham fought, ")},
     [("a.txt", Starts("kept, but long sentence: 60,0"))], check=_long_sentences)
case(S, "one-unbroken-token", {"a.txt": txt("token", "x" * 20_000)}, {"a.txt": "x" * 20_000},
     [("a.txt", "kept, but long sentence: 20,000 characters split into 4 parts of at most 5,000 at clause marks or "
                "spaces")])
case(S, "many-short-lines", {"a.txt": txt("lines", "\n".join(f"Line {i} of the many-lines report." for i in range(20000)))},
     {"a.txt": Has("Line 19999 of the many-lines report.")})


# --------------------------------------------------------------------------- the build of all the families

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    raw = tmp_path_factory.mktemp("hostile") / "raw"
    for c in CASES:
        write_case(raw / c.family, c)
    before = snapshot(raw)
    out = tmp_path_factory.mktemp("hostile-out")
    build_corpus([raw], out, progress=False)
    assert snapshot(raw) == before, "the raw folder was written to"
    docs = pd.read_parquet(out / "documents.parquet")
    rejects = pd.read_parquet(out / "rejects.parquet")
    return raw, out, docs, rejects


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_case(hostile, c):
    _, _, docs, rejects = hostile
    check_case(c, docs, rejects, prefix=f"{c.family}/")


def test_every_input_is_a_document_or_a_reject(hostile):
    raw, _, docs, rejects = hostile
    check_accounted(raw, docs, rejects)


def test_sentences_are_bounded_and_offsets_exact(hostile):
    _, out, docs, _ = hostile
    sents = pd.read_parquet(out / "sentences.parquet")
    assert (sents["end"] - sents["start"]).max() <= 5000
    bodies = docs.set_index("doc_id")["body"]
    body = sents[sents["section"] == "body"]
    assert all(bodies[d][a:b] == t for d, a, b, t in zip(body["doc_id"], body["start"], body["end"], body["text"]))


def test_the_command_line_gives_the_same_tables_without_a_traceback(hostile, tmp_path):
    raw, out, docs, rejects = hostile
    before = snapshot(raw)
    run = subprocess.run([sys.executable, "-m", "analysis", "build", "--raw", str(raw), "--out", str(tmp_path / "o"),
                          "--no-progress"], capture_output=True, text=True)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-3000:]
    assert snapshot(raw) == before
    cli_docs = pd.read_parquet(tmp_path / "o" / "documents.parquet")
    cli_rej = pd.read_parquet(tmp_path / "o" / "rejects.parquet")
    assert cli_docs[["doc_id", "path", "body"]].equals(docs[["doc_id", "path", "body"]])
    assert cli_rej.equals(rejects)
    assert f"rejects: {len(rejects):,}" in run.stdout


# --------------------------------------------------------------------------- roots of their own: registers

def _build(roots, out, **kw):
    roots = [roots] if isinstance(roots, Path) else roots
    before = [snapshot(r) for r in roots]
    build_corpus(roots, out, analyses=False, progress=False, **kw)
    assert [snapshot(r) for r in roots] == before, "a raw folder was written to"
    docs = pd.read_parquet(out / "documents.parquet").set_index("path", drop=False)
    rejects = pd.read_parquet(out / "rejects.parquet")
    return docs, list(zip(rejects["path"], rejects["reason"]))


def _value(v):
    return None if pd.isna(v) else v


def _root(tmp_path, name, files):
    root = tmp_path / name
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


REGISTER_CASES = [
    # (name, register bytes, {path: (outlet, published or None, curated_fields)}, [(reject path, reason)])
    ("duplicate-rows", "path,outlet\na.txt,SANA\na.txt,RT\n", {"a.txt": ("SANA", None, "outlet")},
     [("metadata.csv#row=2", "register row describes a.txt again (row 1) and disagrees on `outlet` 'RT' "
                             "(row 1 says 'SANA'): the earlier values are kept")]),
    ("path-row-and-doc-id-row", "path,doc_id,outlet,published\na.txt,,SANA,\n,a,,2016-05-01\n",
     {"a.txt": ("SANA", "2016-05-01", "outlet,published")},
     [("metadata.csv#row=2", "register row describes a.txt again (row 1): merged, no conflict")]),
    ("unclosed-quote-in-notes", 'path,outlet,notes\na.txt,SANA,"see the PDF\nsub/b.txt,RT,\n',
     {"a.txt": (None, None, ""), "sub/b.txt": ("RT", None, "outlet")},
     [("metadata.csv#row=1", "register row malformed: a quote opened in this row never closes (the file ends inside "
                             "it); the rows after it are read on their own")]),
    ("bare-name-in-two-folders", "path,outlet\nc.txt,SANA\n", {"x/c.txt": (None, None, ""), "y/c.txt": (None, None, "")},
     [("metadata.csv#row=1", "register path 'c.txt' is ambiguous: it names 2 documents (x/c.txt, y/c.txt); give the "
                             "path from the raw folder. Row not applied")]),
    ("one-bad-date-keeps-the-rest", "path,outlet,published\na.txt,SANA,yesterday\n", {"a.txt": ("SANA", None, "outlet")},
     [("metadata.csv#row=1", "register `published` is not a date: 'yesterday' (use YYYY-MM-DD); the row's other "
                             "fields are used")]),
    ("implausible-date", "path,outlet,published\na.txt,SANA,2099-01-01\n", {"a.txt": ("SANA", None, "outlet")},
     [("metadata.csv#row=1", Starts("register `published` cannot be a publication date: '2099-01-01' is after the "
                                    "build date"))]),
    ("utf16-register", "path,outlet\na.txt,SANA\n".encode("utf-16"), {"a.txt": ("SANA", None, "outlet")}, []),
    ("semicolon-register", "path;outlet;published\na.txt;SANA;25.10.2015\n",
     {"a.txt": ("SANA", "2015-10-25", "outlet,published")}, []),
    ("header-in-any-case-and-paths-with-backslashes", " Path ,OUTLET\n.\\sub\\b.txt,RT\n./a.txt,SANA\n",
     {"a.txt": ("SANA", None, "outlet"), "sub/b.txt": ("RT", None, "outlet")}, []),
    ("matches-nothing", "path,outlet\nnope.txt,SANA\n", {"a.txt": (None, None, "")},
     [("metadata.csv#row=1", "register row matches no input document (path 'nope.txt')")]),
    ("malformed-header", 'path,"outlet"x\na.txt,SANA\n', {"a.txt": (None, None, "")},
     [("metadata.csv", "register not read: malformed header (line 1): ',' expected after '\"'")]),
    ("table-row-key", "path,outlet\nt.csv#row=2,AFP\n", {"t.csv#row=1": (None, None, ""), "t.csv#row=2": ("AFP", None, "outlet")}, []),
]


@pytest.mark.parametrize("name, register, expected, reasons", REGISTER_CASES, ids=[c[0] for c in REGISTER_CASES])
def test_register(tmp_path, name, register, expected, reasons):
    files = {"metadata.csv": register}
    for path in expected:
        if "#row=" in path:
            files["t.csv"] = f"id,text\nr1,{article(name + '-r1').replace(',', '')}\nr2,{article(name + '-r2').replace(',', '')}\n"
        else:
            files[path] = txt(f"{name}-{path}")
    root = _root(tmp_path, "raw", files)
    docs, rejects = _build(root, tmp_path / "out")
    assert sorted(docs.index) == sorted(expected)
    for path, (outlet, published, curated) in expected.items():
        d = docs.loc[path]
        assert _value(d.outlet) == outlet
        assert (d.published.date().isoformat() if pd.notna(d.published) else None) == published
        assert d.curated_fields == curated
    assert len(rejects) == len(reasons) and all(p == q and matches(r, s) for (p, r), (q, s) in zip(rejects, reasons))
    check_accounted(root, docs.reset_index(drop=True), pd.DataFrame(rejects, columns=["path", "reason"]),
                    registers=("metadata.csv",))


# --------------------------------------------------------------------------- two roots

def test_two_roots_with_the_same_relative_path(tmp_path):
    a = _root(tmp_path / "one", "alpha", {"a.txt": txt("root-alpha"), "metadata.csv": "path,outlet\na.txt,SANA\n"})
    b = _root(tmp_path / "two", "beta", {"a.txt": txt("root-beta"), "metadata.csv": "path,author\na.txt,Jane Roe\n"})
    docs, rejects = _build([a, b], tmp_path / "out")
    assert docs["path"].tolist() == ["alpha/a.txt", "beta/a.txt"] and docs["doc_id"].is_unique
    assert (_value(docs.loc["alpha/a.txt", "outlet"]), _value(docs.loc["alpha/a.txt", "author"])) == ("SANA", None)
    assert (_value(docs.loc["beta/a.txt", "outlet"]), _value(docs.loc["beta/a.txt", "author"])) == (None, "Jane Roe")
    assert docs.loc["alpha/a.txt", "body"] == article("root-alpha") and docs.loc["beta/a.txt", "body"] == article("root-beta")
    assert rejects == []


def test_two_roots_with_the_same_name_and_a_file_root(tmp_path):
    a = _root(tmp_path / "x", "raw", {"a.txt": txt("same-name-x")})
    b = _root(tmp_path / "y", "raw", {"a.txt": txt("same-name-y")})
    f = _root(tmp_path / "z", "exports", {"t.csv": f'id,text\nz-1,"{article("file-root")}"\n'}) / "t.csv"
    docs, rejects = _build([a, b, f], tmp_path / "out")
    assert docs["path"].tolist() == ["x/raw/a.txt", "y/raw/a.txt", "exports/t.csv#row=1"] and rejects == []


def test_a_root_whose_name_is_not_utf8(tmp_path):
    a = _root(tmp_path, "alpha", {"a.txt": txt("root-utf8")})
    b = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9"))
    b.mkdir()
    (b / "a.txt").write_text(txt("root-not-utf8"), encoding="utf-8")
    docs, rejects = _build([a, b], tmp_path / "out")
    assert docs["path"].tolist() == ["alpha/a.txt", "caf\\xe9/a.txt"] and rejects == []


def test_two_roots_on_the_command_line(tmp_path):
    a = _root(tmp_path / "one", "alpha", {"a.txt": txt("cli-alpha")})
    b = _root(tmp_path / "two", "beta", {"a.txt": txt("cli-beta")})
    run = subprocess.run([sys.executable, "-m", "analysis", "build", "--raw", str(a), "--raw", str(b), "--out",
                          str(tmp_path / "o"), "--no-progress"], capture_output=True, text=True)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr[-2000:]
    assert pd.read_parquet(tmp_path / "o" / "documents.parquet")["path"].tolist() == ["alpha/a.txt", "beta/a.txt"]


# --------------------------------------------------------------------------- permissions

def test_unreadable_files_and_folders_are_listed(tmp_path):
    import shutil
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="hostile-perm-"))  # outside pytest's private folder, for "nobody"
    try:
        raw = _root(base, "raw", {"ok.txt": txt("perm-ok"), "secret.txt": txt("perm-secret"),
                                  "locked/a.txt": txt("perm-locked"), "nolist/b.txt": txt("perm-nolist"),
                                  "metadata.csv": "path,outlet\nok.txt,SANA\n"})
        out = base / "out"
        out.mkdir()
        for p in (base, raw, out):
            os.chmod(p, 0o777 if p == out else 0o755)
        os.chmod(raw / "secret.txt", 0o000)
        os.chmod(raw / "metadata.csv", 0o000)
        os.chmod(raw / "locked", 0o000)
        os.chmod(raw / "nolist", 0o644)  # its names can be listed, but not looked up
        _build(_root(tmp_path, "warm", {"a.txt": txt("warm-up")}), tmp_path / "warm-out")  # imports done as root
        before = snapshot(raw)
        run_unprivileged(lambda: build_corpus([raw], out, analyses=False, progress=False), log=tmp_path / "child.log")
        assert snapshot(raw) == before
        docs = pd.read_parquet(out / "documents.parquet")
        rejects = pd.read_parquet(out / "rejects.parquet")
        assert docs["path"].tolist() == ["ok.txt"] and docs["body"].tolist() == [article("perm-ok")]
        assert dict(zip(rejects["path"], rejects["reason"])) == {
            "secret.txt": "unreadable: Permission denied",
            "locked": "unreadable folder: Permission denied; the files in it are not read",
            "nolist/b.txt": "unreadable: Permission denied",
            "metadata.csv": "register not read: Permission denied",
        }
        check_accounted(raw, docs, rejects)
    finally:
        for dirpath, dirnames, filenames in os.walk(base):
            for n in dirnames + filenames:
                os.chmod(os.path.join(dirpath, n), 0o755)
        shutil.rmtree(base, ignore_errors=True)
