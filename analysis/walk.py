"""Folder walking that lists everything it does not read.

Every entry under a raw folder is either a file to read or an :class:`Entry` with the reason it is not
read: hidden files and folders, broken symbolic links, link loops and links to a folder already read,
unreadable folders, and anything that is not a regular file (a named pipe would block the build forever).
Symbolic links are followed, each folder is read once. A file name that is not valid UTF-8 is kept, its
path shown with the bad bytes escaped (``caf\\xe9.txt``). Nothing here opens a file for reading.
"""
from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Entry", "walk", "display_path"]

_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


@dataclass(frozen=True)
class Entry:
    path: Path  # where to open it
    rel: str  # path relative to the root, "/"-separated, bad bytes of names escaped
    problem: str | None = None  # why it is not read; None for a file to read
    name_escaped: bool = False  # a name on the way was not valid UTF-8


def display_path(rel: str) -> str:
    """``rel`` with the bytes of a name that is not valid UTF-8 escaped (``caf\\xe9.txt``)."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _entry(path: Path, parts: tuple[str, ...], problem: str | None = None) -> tuple[str, Entry]:
    """(sort key, entry): entries sort by their relative path as the file system spells it."""
    raw = "/".join(parts)
    shown = display_path(raw)
    return raw, Entry(path, shown, problem, shown != raw)


def _not_regular(mode: int) -> str:
    what = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"not a regular file ({what}), not read"


def walk(root: Path | str) -> list[Entry]:
    """Every entry under ``root`` (a folder, or a single file), sorted by relative path."""
    root = Path(root)
    if not root.is_dir():
        return [_entry(root, (root.name,))[1]]
    out: list[tuple[str, Entry]] = []
    st = root.stat()
    seen: dict[tuple[int, int], str] = {(st.st_dev, st.st_ino): ""}
    links: list = []  # links to folders, followed once every real folder is read: a real path beats a link
    _visit(root, (), frozenset(seen), seen, out, links)
    while links:
        links.sort(key=lambda x: x[1])
        path, cparts, ancestors, key = links.pop(0)
        _folder(path, cparts, ancestors, key, True, seen, out, links)
    out.sort(key=lambda e: e[0])
    return [e for _, e in out]


def _folder(path: Path, cparts: tuple[str, ...], ancestors: frozenset, key: tuple, is_link: bool, seen: dict,
            out: list, links: list) -> None:
    if key in ancestors:
        out.append(_entry(path, cparts, f"symbolic link loop: leads back to "
                                        f"{display_path(seen[key]) or '(the raw folder)'}, a folder it is in; "
                                        f"not followed"))
    elif key in seen:
        what = "link to a folder already read as" if is_link else "folder already read through the link"
        out.append(_entry(path, cparts, f"{what} {display_path(seen[key]) or '(the raw folder)'}, not read twice"))
    else:
        seen[key] = "/".join(cparts)
        _visit(path, cparts, ancestors | {key}, seen, out, links)


def _visit(folder: Path, parts: tuple[str, ...], ancestors: frozenset, seen: dict, out: list, links: list) -> None:
    try:
        with os.scandir(folder) as it:
            children = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        out.append(_entry(folder, parts, f"unreadable folder: {exc.strerror or exc}; the files in it are not read"))
        return
    for child in children:
        cparts = parts + (child.name,)
        path = Path(child.path)
        if child.name.startswith("."):
            if child.is_dir(follow_symlinks=False):
                n = sum(len(files) for _, _, files in os.walk(path))
                out.append(_entry(path, cparts, f"hidden folder (e.g. .ipynb_checkpoints, .git), not read: "
                                                f"{n:,} file{'' if n == 1 else 's'} in it"))
            else:
                out.append(_entry(path, cparts, "hidden file (its name starts with a dot), not read"))
            continue
        try:
            is_link = child.is_symlink()
            st = path.stat() if is_link else child.stat(follow_symlinks=False)
        except FileNotFoundError:
            out.append(_entry(path, cparts, f"broken symbolic link (to {_target(path)}): nothing to read"))
            continue
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                out.append(_entry(path, cparts, f"symbolic link loop (to {_target(path)}), not followed"))
            else:
                out.append(_entry(path, cparts, f"unreadable: {exc.strerror or exc}"))
            continue
        if stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if is_link:
                links.append((path, cparts, ancestors, key))
            else:
                _folder(path, cparts, ancestors, key, False, seen, out, links)
        elif stat.S_ISREG(st.st_mode):
            out.append(_entry(path, cparts))
        else:
            out.append(_entry(path, cparts, _not_regular(st.st_mode)))


def _target(path: Path) -> str:
    try:
        return repr(display_path(os.readlink(path)))
    except OSError:
        return "an unknown target"
