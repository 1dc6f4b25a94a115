"""Find and read input files safely: size cap, binary and encoding checks, symlink loops.

Every problem becomes a one-line LoadError naming the file; nothing is skipped silently.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sod_iac.core.model import LoadError
from sod_iac.load.reads import recorded

DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024
PLAN_SIZE_FACTOR = 50
"""Plan JSON may be this many times larger than the limit for code (--max-file-size): 500M by
default. A plan is ~10 times the size of its code, and JSON parses hundreds of times faster
per byte than HCL, so one limit for both would refuse plans of quite ordinary estates."""
PLAN_SNIFF_BYTES = 65536
SKIP_DIRS = {".terraform", ".git", "node_modules", ".sod-iac-cache", "__pycache__"}


def file_kind(path: Path) -> str | None:
    """What a file is by its name: tf, tf.json, tfvars, json (maybe a plan) or None."""
    name = path.name
    if name.endswith(".tf"):
        return "tf"
    if name.endswith(".tf.json"):
        return "tf.json"
    if name.endswith(".tfvars") or name.endswith(".tfvars.json"):
        return "tfvars"
    if name.endswith(".json"):
        return "json"
    return None


@dataclass
class FileSet:
    root: Path
    files: list[Path] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    explicit: set[Path] = field(default_factory=set)

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()


@recorded
def common_root(paths: list[Path]) -> Path:
    """The folder locations are relative to: the common parent of the scanned paths."""
    dirs = [p if p.is_dir() else p.parent for p in paths]
    return Path(os.path.commonpath([str(d) for d in dirs])) if dirs else Path.cwd()


@recorded
def discover(paths: list[Path], root: Path) -> FileSet:
    """Walk the given paths (absolute) for Terraform inputs, following symlinks once."""
    found = FileSet(root=root)
    seen_files: set[Path] = set()
    # explicit files first: a file named on the command line is read whatever its name
    for path in sorted(paths, key=lambda p: p.is_dir()):
        if path.is_dir():
            _walk(path, found, seen_files)
        elif path.exists():
            real = path.resolve()
            if real not in seen_files:
                seen_files.add(real)
                found.files.append(path)
                found.explicit.add(path)
        else:
            found.errors.append(LoadError(path=found.rel(path), message="no such file or directory"))
    return found


@recorded  # only ever inside discover (so never written down on its own)
def _walk(top: Path, found: FileSet, seen_files: set[Path]) -> None:
    """Depth first, in name order. A file's real path (for seen_files) is its folder's real
    path and its name unless the file itself is a symlink: one resolve per folder, not per file."""
    visited: set[tuple[int, int]] = set()
    stack = [top]
    while stack:
        folder = stack.pop()
        real_folder: Path | None = None
        try:
            stat = folder.stat()
        except OSError as exc:
            found.errors.append(LoadError(path=found.rel(folder), message=_os_message(exc)))
            continue
        key = (stat.st_dev, stat.st_ino)
        if key in visited:
            found.errors.append(LoadError(
                path=found.rel(folder),
                message="symlink loop: this folder is already being scanned; not followed again"))
            continue
        visited.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            found.errors.append(LoadError(path=found.rel(folder), message=_os_message(exc)))
            continue
        subdirs = []
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError as exc:
                found.errors.append(LoadError(path=found.rel(path), message=_os_message(exc)))
                continue
            if is_dir:
                if entry.name.startswith(".") or entry.name in SKIP_DIRS:
                    continue
                subdirs.append(path)
            elif file_kind(path) and not entry.name.startswith("."):
                if entry.is_symlink() and not path.exists():
                    found.errors.append(LoadError(path=found.rel(path),
                                                  message="broken or looping symlink"))
                    continue
                if entry.is_symlink():
                    real = path.resolve()
                else:
                    real_folder = real_folder or folder.resolve()
                    real = real_folder / entry.name
                if real not in seen_files:
                    seen_files.add(real)
                    found.files.append(path)
        stack.extend(reversed(subdirs))


@recorded
def module_files(folder: Path) -> list[Path]:
    """The `.tf` and `.tf.json` files of one module folder (not its subfolders: Terraform reads
    only a module's own folder), sorted; none when it cannot be listed."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [path for path in entries
            if file_kind(path) in ("tf", "tf.json") and not path.name.startswith(".") and path.is_file()]


def size_limit(kind: str, max_file_size: int) -> int:
    """The size limit for a file of `kind` (file_kind; "json" is a plan or maybe one)."""
    return max_file_size * PLAN_SIZE_FACTOR if kind == "json" else max_file_size


@recorded
def read_text(path: Path, rel: str, max_size: int, kind: str = "") -> tuple[str | None, LoadError | None]:
    """Read a file as text (UTF-8, or as its byte order mark says: decode_text), refusing huge,
    binary and mis-encoded files clearly.
    `kind` "json" (a plan) names the limit for plan JSON in the error."""
    try:
        size = path.stat().st_size
        if size > max_size:
            limit = f"{PLAN_SIZE_FACTOR} x --max-file-size, for plan JSON" if kind == "json" else "--max-file-size"
            return None, LoadError(path=rel, message=(
                f"file is {size:,} bytes, over the {max_size:,}-byte limit ({limit}); not analysed"))
        data = path.read_bytes()
    except OSError as exc:
        return None, LoadError(path=rel, message=_os_message(exc))
    return decode_text(data, rel)


def tree_reader(root: Path, max_size: int) -> Callable[[Path], str | None]:
    """file()/templatefile(): only files inside the scanned tree, with the same limits; None
    for anything else (the function's value is then unknown)."""
    return lambda path: read_in_tree(root, max_size, path)


@recorded
def read_in_tree(root: Path, max_size: int, path: Path) -> str | None:
    """tree_reader's read of one path."""
    try:
        path.resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return None
    if not path.is_file():
        return None
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    text, error = read_text(path, rel, max_size)
    return text if error is None else None


@recorded
def looks_like_plan(path: Path) -> bool:
    """Whether a JSON file found in the tree is a Terraform plan, by its first bytes."""
    try:
        with path.open("rb") as handle:
            head = handle.read(PLAN_SNIFF_BYTES)
    except OSError:
        return True  # let the reader report the problem
    text = decode_head(head)  # a plan written by Windows PowerShell is UTF-16
    return '"format_version"' in text and ('"planned_values"' in text or '"terraform_version"' in text
                                           or '"resource_changes"' in text)


@recorded
def is_dir(path: Path) -> bool:
    """Whether `path` is a folder (following symlinks)."""
    return path.is_dir()


BINARY_SNIFF_BYTES = 8192
_BOMS = (  # longest first: a UTF-32 LE mark starts like a UTF-16 LE one
    (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32 BE"),
    (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32 LE"),
    (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
    (b"\xfe\xff", "utf-16-be", "UTF-16 BE"),
    (b"\xff\xfe", "utf-16-le", "UTF-16 LE"),
)


def text_encoding(data: bytes) -> tuple[str, str, int]:
    """(codec, name, length of the byte order mark) of a file's bytes: what its BOM says (Windows
    PowerShell's `>` writes UTF-16 LE with one), else UTF-8 without a BOM."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return codec, name, len(bom)
    return "utf-8", "UTF-8", 0


def decode_text(data: bytes, rel: str) -> tuple[str | None, LoadError | None]:
    """A file's text, decoded as its byte order mark says (text_encoding). Without a BOM, NUL
    bytes mean a binary file; with one, they are part of the encoding (only a decoded NUL
    character is binary then)."""
    codec, name, bom = text_encoding(data)
    if not bom and b"\x00" in data[:BINARY_SNIFF_BYTES]:
        return None, _binary(rel)
    try:  # UTF-8: decoded in place, not copied first (a plan may be hundreds of MB)
        text = data.decode("utf-8-sig") if codec == "utf-8" else data[bom:].decode(codec)
    except UnicodeDecodeError as exc:
        start = bom + exc.start  # offsets of what was decoded: after the mark
        line = data[bom:start].decode(codec, errors="replace").count("\n") + 1
        hint = "; Terraform files must be UTF-8" if codec == "utf-8" else ", as its byte order mark says"
        return None, LoadError(path=rel, line=line, message=(
            f"line {line}: not valid {name} (byte 0x{data[start]:02x}){hint}"))
    if bom and "\x00" in text[:BINARY_SNIFF_BYTES]:
        return None, _binary(rel)
    return text, None


def decode_head(head: bytes) -> str:
    """The first bytes of a file as text, for sniffing what it is (a cut character is dropped)."""
    codec, _, bom = text_encoding(head)
    return head[bom:].decode(codec, errors="ignore")


def _binary(rel: str) -> LoadError:
    return LoadError(path=rel, message="binary file (contains NUL bytes); not analysed")


def _os_message(exc: OSError) -> str:
    if exc.errno == 40:  # ELOOP
        return "symlink loop: cannot be resolved"
    return f"cannot read: {exc.strerror or exc}"
