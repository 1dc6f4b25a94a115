"""The warm path of the judged cache: from the scan's inputs straight to its stored judgement.

sod_iac.cache.judgements keys a judgement by the evaluated Project, so even a re-scan of an
unchanged tree reads, parses (from the parse cache) and evaluates every file before it can
look the judgement up. This cache skips all of that. Its key is what a scan is asked (the
paths as given, the working folder they are relative to, --repo-root, --var-file,
--max-file-size, the rule settings and the selected rules, sod-iac's code and data, the
versions of the HCL and YAML parsers); its entry
is what the last such scan read (sod_iac.load.reads: every listing, file and folder check of
the loaders, with a digest of each outcome), the key of the judgement it got, and the few parts
of the Project that triage and the summary need. A scan replays those reads: only when each
gives the same outcome is the stored judgement used, since the loaders would then build the
same Project again; otherwise the scan loads as usual. Entries are signed like every entry of
the cache (sod_iac.cache.signing) and validated on load; anything unusable is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import yaml  # (its version is part of the key: the documents' parser, sod_iac.load.documents)
from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr, ValidationError

from sod_iac.cache import judgements, parsed, signing
from sod_iac.core.model import LoadError, Notice, Project, SkippedModule

FORMAT = 1
KEEP = 8
"""Entries kept per cache folder: the newest, by modification time (one per way of scanning)."""
MAX_ENTRY = 256 * 1024**2


class Shell(BaseModel):
    """What a scan served from the cache still needs of its Project: triage reads the root,
    the files (inline suppressions), errors and warnings; the summary counts resources."""

    model_config = ConfigDict(extra="forbid")

    root: StrictStr
    files: list[StrictStr]
    errors: list[LoadError]
    warnings: list[Notice]
    skipped_modules: list[SkippedModule]
    resources: StrictInt

    @classmethod
    def of(cls, project: Project, resources: int) -> Shell:
        return cls(root=project.root, files=project.files, errors=project.errors, warnings=project.warnings,
                   skipped_modules=project.skipped_modules, resources=resources)

    def project(self) -> Project:
        """The Project with its contents let go (as Project.release_contents leaves it)."""
        return Project(root=self.root, files=self.files, errors=self.errors, warnings=self.warnings,
                       skipped_modules=self.skipped_modules)


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reads: list[tuple[StrictStr, list[Any], StrictStr]]
    judged: StrictStr
    """The key of the judgement in sod_iac.cache.judgements."""
    shell: Shell


def key(paths: list[str], *, repo_root: str | None, var_files: list[str], max_file_size: int,
        config: dict[str, Any], rule_ids: list[str]) -> str | None:
    """The key of a scan's inputs, or None when its settings cannot be described exactly."""
    settings = judgements.describe_settings(config)
    try:
        cwd = os.getcwd()
    except OSError:  # the working folder was deleted: relative paths name nothing we could check
        return None
    if settings is None:
        return None
    digest = hashlib.sha256()
    asked = json.dumps([FORMAT, judgements.code_id(), parsed.parser_id(), yaml.__version__, cwd, paths,
                        repo_root, var_files, max_file_size, sorted(rule_ids)], ensure_ascii=True).encode()
    for part in (asked, settings):
        digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


def load(directory: Path | None, entry_key: str | None) -> Entry | None:
    """The stored entry, or None (absent, foreign, corrupted: then dropped)."""
    if directory is None or entry_key is None:
        return None
    file = _file(directory, entry_key)
    try:
        with file.open("rb") as handle:
            if os.fstat(handle.fileno()).st_size > MAX_ENTRY:
                raise ValueError("entry too large")
            data = handle.read()
    except OSError:
        return None
    except ValueError:
        signing.discard(file)
        return None
    try:
        header, body, mac = data.split(b"\n")
        if json.loads(header) != {"key": entry_key} or not signing.verify(entry_key, body, mac.decode()):
            raise ValueError("entry for another key, or not signed by this user's sod-iac")
        return Entry.model_validate_json(body)
    except (ValueError, ValidationError, UnicodeDecodeError, RecursionError):
        signing.discard(file)
        return None


def store(directory: Path | None, entry_key: str | None, entry: Entry) -> None:
    """Write the entry atomically; any failure only costs the next scan its speed."""
    if directory is None or entry_key is None:
        return
    body = entry.model_dump_json().encode()
    file = _file(directory, entry_key)
    try:
        signing.write_atomic(file, b"\n".join([json.dumps({"key": entry_key}).encode(), body,
                                               signing.sign(entry_key, body).encode()]))
        judgements.prune(file.parent, file, KEEP, judgements.KEEP_BYTES)
    except (OSError, ValueError, UnicodeError):
        pass


def _file(directory: Path, entry_key: str) -> Path:
    return Path(directory) / f"inputs-v{FORMAT}" / f"{entry_key}.json"
