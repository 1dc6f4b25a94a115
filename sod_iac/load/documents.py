"""Read the non-Terraform configuration that rules judge into Project.documents.

Today: Atlantis repo config (`atlantis.yaml`) and server-side repo config (`repos.yaml`), found
anywhere under the scanned root (SOD211 judges them). Found here, once, so that judging depends on
the Project alone. A file that cannot be read or parsed is a LoadError (the scan is incomplete);
files behind a symlink or over MAX_YAML_BYTES are passed over silently, as they may be unrelated
YAML that merely shares the name. Only the YAML library is used: this module also runs inside
Checkov's environment (sod_iac.load.checkov).
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from sod_iac.core.model import Document, DocumentKind, LoadError
from sod_iac.load.files import SKIP_DIRS
from sod_iac.load.reads import recorded
from sod_iac.util.yaml_lines import LineLoader, load_yaml

ATLANTIS_REPO_FILES = ("atlantis.yaml", "atlantis.yml")
ATLANTIS_SERVER_FILES = ("repos.yaml", "repos.yml")
MAX_YAML_BYTES = 1024 * 1024
"""Larger files of these names are not read (a fixed cap, independent of --max-file-size)."""
_KINDS: dict[str, DocumentKind] = {
    **{name: "atlantis-repo" for name in ATLANTIS_REPO_FILES},
    **{name: "atlantis-server" for name in ATLANTIS_SERVER_FILES},
}
_SKIP_DIRS = SKIP_DIRS | {".venv", "venv"}
"""Folders never searched: the code walk's (sod_iac.load.files) and virtual environments. Other
dot-folders are searched (a repo config may sit in one); symlinked folders are not followed."""


def load_documents(root: str | os.PathLike[str]) -> tuple[list[Document], list[LoadError]]:
    """The documents under `root` (walked in sorted order) and the errors of those that could not
    be read or parsed."""
    documents: list[Document] = []
    errors: list[LoadError] = []
    for rel, path in _document_files(Path(root)):
        try:
            text = _read(path)
            data = load_yaml(text, LineLoader)
        except (OSError, UnicodeDecodeError) as exc:
            errors.append(LoadError(path=rel, message=f"cannot read Atlantis config: {exc}"))
            continue
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            errors.append(LoadError(path=rel, message=f"invalid YAML in Atlantis config: "
                                    f"{getattr(exc, 'problem', None) or exc}",
                                    line=mark.line + 1 if mark is not None else None))
            continue
        documents.append(Document(path=rel, kind=_KINDS[path.name], data=data))
    return documents, errors


@recorded
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@recorded
def _document_files(root: Path) -> list[tuple[str, Path]]:
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS and not os.path.islink(os.path.join(folder, d)))
        for name in sorted(files):
            if name in _KINDS:
                path = Path(folder) / name
                try:
                    if path.is_symlink() or path.stat().st_size > MAX_YAML_BYTES:
                        continue
                except OSError:
                    continue
                found.append((path.relative_to(root).as_posix(), path))
    return found
