"""`--new-since REF`: the scanned tree as it was at a git revision, read from history only.

Why this way: a pull request should be judged on what it introduces. The base version is
read from git's object database (`ls-tree`, `cat-file`) into a temporary folder and scanned
with the same options; findings whose fingerprint the base already had are left out. The
working tree is never checked out or touched, and git is told it may use no transport at all
(`protocol.allow=never`), so nothing is ever fetched.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sod_iac.load.files import SKIP_DIRS, file_kind, size_limit
from sod_iac.util import git as util_git


class HistoryError(Exception):
    """The base revision cannot be read (not a repository, unknown ref, shallow clone)."""


@dataclass(frozen=True)
class Entry:
    mode: str
    kind: str
    oid: str
    size: int | None
    path: str


def git(repo: Path, *args: str, input_bytes: bytes | None = None) -> bytes:
    """sod_iac.util.git.git, its failures as HistoryError (what `sod-iac scan` reports)."""
    try:
        return util_git.git(repo, *args, input_bytes=input_bytes)
    except util_git.GitFailed as exc:
        raise HistoryError(str(exc)) from exc
    except util_git.GitError as exc:
        raise HistoryError(f"--new-since: {exc}") from exc


def toplevel(folder: Path) -> Path:
    try:
        return util_git.toplevel(folder)
    except util_git.GitError as exc:
        raise HistoryError(f"--new-since: {folder} is not inside a git repository ({exc})") from exc


def resolve(repo: Path, ref: str) -> str:
    """The commit id of `ref`; a clear message when a shallow clone lacks it."""
    if not ref or ref.startswith("-"):
        raise HistoryError(f"--new-since: {ref!r} is not a revision")
    try:
        commit = util_git.commit_of(repo, ref)
        shallow = commit is None and util_git.is_shallow(repo)
    except util_git.GitError as exc:
        raise HistoryError(f"--new-since: {exc}") from exc
    if commit is None:
        hint = (" This clone is shallow: fetch the history first (actions/checkout with fetch-depth: 0)."
                if shallow else "")
        raise HistoryError(f"--new-since: unknown revision {ref!r}.{hint}")
    return commit


def list_tree(repo: Path, commit: str, prefix: str) -> list[Entry]:
    args = ["ls-tree", "-r", "-l", "-z", "--full-tree", commit]
    if prefix:
        args += ["--", prefix]
    entries = []
    for record in git(repo, *args).split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, oid, size = meta.decode().split()
        entries.append(Entry(mode, kind, oid, int(size) if size.isdigit() else None,
                             name.decode("utf-8", "surrogateescape")))
    return entries


def materialize(repo: Path, commit: str, prefix: str, target: Path, max_file_size: int) -> None:
    """Write the files under `prefix` at `commit` into `target`, keeping repository paths."""
    wanted = [e for e in list_tree(repo, commit, prefix)
              if e.kind == "blob" and not SKIP_DIRS.intersection(PurePosixPath(e.path).parts[:-1])]
    blobs = [e for e in wanted if e.mode != "120000"
             and (e.size or 0) <= size_limit(file_kind(Path(e.path)) or "", max_file_size)]
    links = [e for e in wanted if e.mode == "120000"]
    contents = _cat(repo, [e.oid for e in blobs + links])
    for entry in blobs:
        dest = target / entry.path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(contents[entry.oid])
    for entry in links:
        link_to = contents[entry.oid].decode("utf-8", "surrogateescape")
        if link_to.startswith("/") or ".." in PurePosixPath(link_to).parts:
            continue  # only links that stay inside the tree
        dest = target / entry.path
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            dest.symlink_to(link_to)
        except OSError:
            continue


def _cat(repo: Path, oids: list[str]) -> dict[str, bytes]:
    """Read many objects with one `git cat-file --batch`."""
    unique = sorted(set(oids))
    if not unique:
        return {}
    out = git(repo, "cat-file", "--batch", input_bytes=("\n".join(unique) + "\n").encode())
    contents, pos = {}, 0
    while pos < len(out):
        header_end = out.index(b"\n", pos)
        oid, _kind, size = out[pos:header_end].decode().split()
        start = header_end + 1
        contents[oid] = out[start:start + int(size)]
        pos = start + int(size) + 1
    return contents


def base_tree(paths: Sequence[Path], root: Path, ref: str, max_file_size: int,
              scan: Callable[[list[Path], Path], set[str]]) -> set[str]:
    """Fingerprints found in the base: materialize `root` at `ref` and call `scan(paths, root)`
    with the inputs mapped into the temporary copy (inputs the base lacks are left out)."""
    root = root.absolute()
    top = toplevel(root if root.is_dir() else root.parent)
    real_top = top.resolve()
    try:
        prefix = root.resolve().relative_to(real_top).as_posix()
    except ValueError as exc:
        raise HistoryError(f"--new-since: {root} is outside the repository {top}") from exc
    commit = resolve(top, ref)
    with tempfile.TemporaryDirectory(prefix="sod-iac-base-") as tmp:
        base = Path(tmp)
        materialize(top, commit, "" if prefix == "." else prefix, base, max_file_size)
        base_root = base / ("" if prefix == "." else prefix)
        base_root.mkdir(parents=True, exist_ok=True)
        mapped = []
        for path in paths:
            try:
                rel = path.absolute().resolve().relative_to(root.resolve())
            except ValueError:
                continue
            candidate = base_root / rel
            if candidate.exists():
                mapped.append(candidate)
        if not mapped:
            return set()
        return scan(mapped, base_root)
