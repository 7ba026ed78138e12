"""Helpers for the hostile-input suite (tests/test_hostile.py): cases that write inputs into a raw
folder, the build they go through, and the checks every case must pass."""
from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd


class Starts(str):
    """An expected reason given by its beginning."""


class Has(str):
    """An expected body given by a part of it."""


@dataclass
class Case:
    family: str
    name: str
    files: dict[str, bytes | str | Callable[[Path], None]]  # path in the case folder -> content or a writer
    docs: dict[str, str] = field(default_factory=dict)  # expected documents: path -> body (Has: a part of it)
    rejects: list[tuple[str, str]] = field(default_factory=list)  # expected (path, reason) (Starts: prefix)
    check: Callable[[pd.DataFrame, pd.DataFrame], None] | None = None  # more checks on (documents, rejects)

    @property
    def id(self) -> str:
        return f"{self.family}-{self.name}"


def article(tag: str, extra: str = "") -> str:
    """A paragraph no other case has (so that no case is a duplicate of another)."""
    return (f"Report {tag}: Ahrar al-Sham fighters clashed with government forces near Idlib{extra}, "
            f"activists said on Monday.")


def txt(tag: str, body: str | None = None, *, headline: str | None = None) -> str:
    return f"{headline or 'Headline for ' + tag}\n\n{body if body is not None else article(tag)}\n"


def write_case(root: Path, case: Case) -> None:
    folder = root / case.name
    folder.mkdir(parents=True, exist_ok=True)
    for rel, content in case.files.items():
        if callable(content):
            content(folder)
            continue
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def snapshot(root: Path) -> dict:
    """Every entry under ``root``, links not followed: content hash and modification time of files,
    targets of links, kinds of the rest. Two snapshots are equal when nothing was written."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(os.fsencode(root), followlinks=False):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            key = os.path.relpath(p, os.fsencode(root))
            if stat.S_ISLNK(st.st_mode):
                out[key] = ("link", os.readlink(p))
            elif stat.S_ISREG(st.st_mode):
                try:
                    with open(p, "rb") as f:
                        digest = hashlib.sha256(f.read()).hexdigest()
                except OSError:
                    digest = "unreadable"
                out[key] = ("file", digest, st.st_mtime_ns, st.st_mode)
            else:
                out[key] = ("other", stat.S_IFMT(st.st_mode), st.st_mtime_ns)
    return out


def inputs(root: Path) -> list[str]:
    """The inputs under ``root`` as the build names them ("/"-separated, escaped where a name is not
    UTF-8): files, links and other non-folders, links not followed."""
    out = []
    for dirpath, dirnames, filenames in os.walk(os.fsencode(root), followlinks=False):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            rel = os.path.relpath(os.path.join(dirpath, name), os.fsencode(root))
            out.append(rel.decode("utf-8", "backslashreplace").replace(os.sep, "/"))
    return sorted(out)


def matches(reason: str, expected: str) -> bool:
    return reason.startswith(expected) if isinstance(expected, Starts) else reason == expected


def check_case(case: Case, docs: pd.DataFrame, rejects: pd.DataFrame, *, prefix: str = "") -> None:
    """The case's documents and rejects are exactly the expected ones, with the expected text and reasons."""
    base = f"{prefix}{case.name}/"
    mine_docs = docs[docs["path"].str.startswith(base)]
    mine_rej = rejects[rejects["path"].str.startswith(base) | (rejects["path"] == base[:-1])]
    want_docs = {base + p: body for p, body in case.docs.items()}
    assert sorted(mine_docs["path"]) == sorted(want_docs), \
        f"documents {sorted(mine_docs['path'])}; rejects {list(zip(mine_rej['path'], mine_rej['reason']))}"
    for path, body in want_docs.items():
        got = mine_docs.loc[mine_docs["path"] == path, "body"].iloc[0]
        assert (body in got) if isinstance(body, Has) else (got == body), (path, got[:300])
    got_rej = list(zip(mine_rej["path"], mine_rej["reason"]))
    want_rej = [(base + p if p else base[:-1], r) for p, r in case.rejects]
    unmatched = list(got_rej)
    for path, reason in want_rej:
        hit = next((g for g in unmatched if g[0] == path and matches(g[1], reason)), None)
        assert hit is not None, f"expected reject {path!r}: {reason!r}; got {got_rej}"
        unmatched.remove(hit)
    assert not unmatched, f"unexpected rejects {unmatched}"
    if case.check:
        case.check(mine_docs, mine_rej)


def check_accounted(root: Path, docs: pd.DataFrame, rejects: pd.DataFrame, *, prefix: str = "",
                    registers: tuple[str, ...] = ()) -> None:
    """documents + rejects == inputs: every input is a document, a listed reject, or inside a folder
    listed as not read; and every document and reject names an input. ``registers``: the registers
    read (inputs that are neither documents nor, when all went well, rejects)."""
    named = {p.split("#row=")[0] for p in list(docs["path"]) + list(rejects["path"])} | set(registers)
    folders = {p for p in rejects.loc[rejects["reason"].str.contains("folder"), "path"]}
    want = {prefix + p for p in inputs(root)}
    missing = [w for w in want if w not in named and not any(n.startswith(w + "/") for n in named)
               and not any(w.startswith(f + "/") for f in folders)]
    assert not missing, f"inputs neither documents nor rejects: {missing}"
    # a document may come through a link to a folder ("linked/a.txt" for the input "linked")
    # and a reject may name a folder ("hidden folder", "unreadable folder") with inputs in it
    phantom = [n for n in named if n not in want and not any(n.startswith(w + "/") or w.startswith(n + "/")
                                                             for w in want)]
    assert not phantom, f"documents or rejects naming no input: {phantom}"


def run_unprivileged(fn: Callable[[], None], *, log: Path) -> None:
    """Run ``fn`` in a forked child as the user "nobody" when the tests run as root (root reads every
    file whatever its mode); as is otherwise. A failure in the child fails the caller with its traceback."""
    if os.geteuid() != 0:
        fn()
        return
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.setgid(65534)
            os.setuid(65534)
            fn()
            code = 0
        except BaseException:
            import traceback

            log.write_text(traceback.format_exc(), encoding="utf-8")
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise AssertionError("the unprivileged build failed:\n" + (log.read_text() if log.exists() else "(no log)"))
