"""User configuration: `.sod-iac.yaml`, `[tool.sod-iac]` in pyproject.toml, or `--config FILE`.

Why one pydantic model: every key a user can write is validated here, so a typo is an error
that names the file, the line and the key, never a silently ignored setting. Rules never see
this model: `Config.rule_config()` lowers it into the plain dict that reaches them as
`Context.config`, where `ctx.option(rule_id, name, default, address=...)` finds a setting.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from sod_iac.model import Severity
from sod_iac.wildcard import is_pattern, matches, rule_matches

CONFIG_NAMES = (".sod-iac.yaml", ".sod-iac.yml")
PYPROJECT_TABLE = "sod-iac"
RESERVED_RULE_KEYS = ("enabled", "severity")
"""Handled once for all rules (selection, severity); never handed to a rule's check."""


class ConfigError(Exception):
    """The configuration cannot be used; the message names `file:line` and the key."""


class _Settings(BaseModel):
    """Settings that rules read; valid at the top level, per rule and (some) per resource.

    Extra keys are allowed so that a new rule can take a new setting without a change here;
    the known ones are typed so that `max_readers: two` is an error, not a surprise.
    """

    model_config = ConfigDict(extra="allow")

    max_readers: int | None = Field(default=None, ge=0)
    """SOD301: how many principals may read a secret (default 1)."""
    max_writers: int | None = Field(default=None, ge=0)
    """SOD203: how many principals may write state (default 1)."""
    allowed_writers: list[str] | None = None
    """SOD203: principals (addresses, ARNs) allowed to write state; not counted as extra writers."""
    environments: dict[str, list[str]] | None = None
    """SOD121: environment name -> words that mark it in names, tags, projects."""
    accounts: dict[str, str] | None = None
    """SOD121: cloud account / project / subscription id -> environment name."""
    production: list[str] | None = None
    """SOD210-215: words or wildcards that mark production (names, tags, branches)."""
    reviewed_refs: list[str] | None = None
    """SOD120: git refs whose changes are reviewed (CI identities pinned to them are fine)."""
    min_approvals: int | None = Field(default=None, ge=1)
    """SOD212: approving reviews a protected branch must require."""


class RuleSettings(_Settings):
    enabled: bool | None = None
    severity: Severity | None = None


class ResourceSettings(_Settings):
    pass


class Config(_Settings):
    """The whole file. Unknown top-level keys are errors (extra="forbid"). The rule settings
    (_Settings) given at the top level are defaults for every rule."""

    model_config = ConfigDict(extra="forbid")

    fail_on: Severity | None = None
    check: list[str] = Field(default_factory=list)
    skip_check: list[str] = Field(default_factory=list)
    exclude_paths: list[str] = Field(default_factory=list)
    rules: dict[str, RuleSettings] = Field(default_factory=dict)
    resources: dict[str, ResourceSettings] = Field(default_factory=dict)
    duties: list[dict[str, Any]] | dict[str, Any] | None = None
    conflicts: list[dict[str, Any]] | None = None
    _source: str | None = PrivateAttr(default=None)

    @property
    def source(self) -> str | None:
        """Where the config came from (for messages); not a key users write."""
        return self._source

    @field_validator("check", "skip_check", mode="before")
    @classmethod
    def _split_commas(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = [value]
        if isinstance(value, list):
            return [part.strip() for item in value for part in str(item).split(",") if part.strip()]
        return value

    # ---------------------------------------------------------------- lowering for the scan

    def rule_config(self, rule_ids: Iterable[str]) -> dict[str, Any]:
        """The dict rules see as `Context.config`.

        `rules[ID]` holds, for every catalog rule, the top-level settings overlaid by the
        sections whose key matches the id (wildcard keys first, in file order, then the exact
        id). `resources` is a list of `[pattern, settings]`, exact addresses first, for
        per-resource settings (`max_readers` of one secret). `duties`/`conflicts` pass
        through unchanged for the duty catalog.
        """
        defaults = {k: v for k, v in self._globals().items() if v is not None}
        rules: dict[str, dict[str, Any]] = {}
        for rule_id in rule_ids:
            merged = dict(defaults)
            for key in self._keys_for(rule_id):
                merged.update(_set_fields(self.rules[key], drop=RESERVED_RULE_KEYS))
            rules[rule_id] = _aliases(merged)
        resources = sorted(self.resources.items(), key=lambda item: is_pattern(item[0]))
        _per_secret_limits(rules, resources)
        out: dict[str, Any] = {
            "rules": rules,
            "resources": [[pattern, _set_fields(settings)] for pattern, settings in resources],
        }
        if self.duties is not None:
            out["duties"] = self.duties
        if self.conflicts is not None:
            out["conflicts"] = self.conflicts
        return out

    def disabled(self, rule_ids: Iterable[str]) -> list[str]:
        return [r for r in rule_ids if self._last(r, "enabled") is False]

    def enabled(self, rule_ids: Iterable[str]) -> list[str]:
        return [r for r in rule_ids if self._last(r, "enabled") is True]

    def severities(self, rule_ids: Iterable[str]) -> dict[str, str]:
        return {r: sev for r in rule_ids if (sev := self._last(r, "severity")) is not None}

    def _globals(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _Settings.model_fields}

    def _keys_for(self, rule_id: str) -> list[str]:
        wild = [k for k in self.rules if is_pattern(k) and rule_matches(k, rule_id)]
        exact = [k for k in self.rules if not is_pattern(k) and k.upper() == rule_id]
        return wild + exact

    def _last(self, rule_id: str, name: str) -> Any:
        value = None
        for key in self._keys_for(rule_id):
            setting = getattr(self.rules[key], name)
            if setting is not None:
                value = setting
        return value


def _aliases(settings: dict[str, Any]) -> dict[str, Any]:
    """`production` is the documented key; the approval rules read `production_patterns`."""
    if "production" in settings:
        settings.setdefault("production_patterns", settings["production"])
    return settings


def _per_secret_limits(rules: dict[str, dict[str, Any]], resources: list[tuple[str, ResourceSettings]]) -> None:
    """Bridge: SOD301 also reads exact per-secret limits from `rules.SOD301.secrets`; copy
    exact-address `resources` limits there (explicit `secrets` entries win). Wildcard entries
    reach a rule through `ctx.option(..., address=...)` only."""
    if "SOD301" not in rules:
        return
    limits = {address: settings.max_readers for address, settings in resources
              if not is_pattern(address) and settings.max_readers is not None}
    if limits:
        secrets = rules["SOD301"].get("secrets")
        rules["SOD301"]["secrets"] = {**limits, **(secrets if isinstance(secrets, dict) else {})}


def _set_fields(model: BaseModel, drop: Iterable[str] = ()) -> dict[str, Any]:
    data = model.model_dump(exclude_none=True)
    return {k: v for k, v in data.items() if k not in drop}


# --------------------------------------------------------------------------- finding a file


def find_config(start: Path) -> Path | None:
    """The nearest `.sod-iac.yaml`/`.yml`, or pyproject.toml with `[tool.sod-iac]`, in `start`
    or a folder above it. The search stops at the repository root (a folder with `.git`), so
    a scan never picks up an unrelated file from the user's home or `/`."""
    start = start.absolute()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if (candidate / name).is_file():
                return candidate / name
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
        if (candidate / ".git").exists():
            return None
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[\s*tool\s*\.\s*[\"']?sod-iac[\"']?\s*[\].]", text, re.MULTILINE) is not None


# --------------------------------------------------------------------------- reading and validating


def load_config(path: Path, rule_ids: Iterable[str]) -> Config:
    """Read and validate a config file; any problem raises ConfigError naming `file:line`."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read config: {getattr(exc, 'strerror', None) or exc}") from exc
    if path.name == "pyproject.toml" or path.suffix == ".toml":
        data, lines = _read_toml(path, text)
    else:
        data, lines = _read_yaml(path, text)
    return parse_config(data, rule_ids, source=str(path), lines=lines)


def parse_config(data: Any, rule_ids: Iterable[str], *, source: str = "config",
                 lines: Any = None) -> Config:
    """Validate already-read data (a dict); `lines(loc)` maps a key path to its line."""
    locate = lines or (lambda loc: None)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}:{locate(()) or 1}: the configuration must be a mapping of keys")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(_first_error(exc, source, locate)) from exc
    config._source = source
    _check_rule_references(config, sorted(set(rule_ids)), source, locate)
    return config


def _first_error(exc: ValidationError, source: str, locate: Any) -> str:
    error = exc.errors()[0]
    loc = tuple(error["loc"])
    line = locate(loc)
    key = ".".join(str(p) for p in loc if not _is_type_tag(p))
    message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
    where = f"{source}:{line}" if line else source
    return f"{where}: {key or '(top level)'}: {message}"


def _is_type_tag(part: Any) -> bool:
    """pydantic puts union member names (`list[dict[str,any]]`) into error locations."""
    return isinstance(part, str) and ("[" in part or part in ("int", "str", "bool", "dict", "list"))


def _check_rule_references(config: Config, rule_ids: list[str], source: str, locate: Any) -> None:
    """Rule ids and patterns must name catalog rules: `skip_check: [SOD9*]` is a typo."""
    for field_name in ("check", "skip_check"):
        for index, pattern in enumerate(getattr(config, field_name)):
            if not any(rule_matches(pattern, r) for r in rule_ids):
                line = locate((field_name, index))
                raise ConfigError(f"{source}:{line or 1}: {field_name}: {pattern!r} matches no rule "
                                  f"(run 'sod-iac rules' to list them)")
    for key in config.rules:
        if not any(rule_matches(key, r) for r in rule_ids):
            raise ConfigError(f"{source}:{locate(('rules', key)) or 1}: rules: {key!r} matches no rule "
                              f"(run 'sod-iac rules' to list them)")


def validate_patterns(patterns: Iterable[str], rule_ids: Iterable[str], option: str) -> list[str]:
    """Split comma lists from the command line and check that each pattern names a rule."""
    ids = list(rule_ids)
    out = [p.strip() for item in patterns for p in item.split(",") if p.strip()]
    for pattern in out:
        if not any(rule_matches(pattern, r) for r in ids):
            raise ConfigError(f"{option} {pattern}: matches no rule (run 'sod-iac rules' to list them)")
    return out


# --------------------------------------------------------------------------- YAML with lines


def _read_yaml(path: Path, text: str) -> tuple[Any, Any]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=yaml.SafeLoader)  # noqa: S506 - SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise ConfigError(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from exc
    lines: dict[tuple[Any, ...], int] = {}
    if node is not None:
        _walk_yaml(node, (), lines)
        lines[()] = node.start_mark.line + 1
    return data, _locator(lines)


def _walk_yaml(node: yaml.Node, prefix: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = (prefix + (key_node.value,))
            lines[key] = key_node.start_mark.line + 1
            _walk_yaml(value_node, key, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[prefix + (index,)] = item.start_mark.line + 1
            _walk_yaml(item, prefix + (index,), lines)


def _locator(lines: dict[tuple[Any, ...], int]) -> Any:
    """Find the line of the deepest known key on an error's path (type tags skipped)."""

    def locate(loc: tuple[Any, ...]) -> int | None:
        path = tuple(p for p in loc if not _is_type_tag(p))
        while path:
            if path in lines:
                return lines[path]
            path = path[:-1]
        return lines.get(())

    return locate


# --------------------------------------------------------------------------- pyproject.toml


def _read_toml(path: Path, text: str) -> tuple[Any, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        where = f"{path}:{match.group(1)}" if match else str(path)
        raise ConfigError(f"{where}: invalid TOML: {exc}") from exc
    data = document.get("tool", {}).get(PYPROJECT_TABLE)
    if data is None and path.name != "pyproject.toml":
        data = document  # a standalone TOML file given with --config
    return data, _toml_locator(text)


def _toml_locator(text: str) -> Any:
    """tomllib keeps no lines: find the key's `name =` line (or its table header) by text."""
    rows = text.splitlines()

    def locate(loc: tuple[Any, ...]) -> int | None:
        names = [str(p) for p in loc if isinstance(p, str) and not _is_type_tag(p)]
        for name in reversed(names):
            key = re.escape(name)
            pattern = re.compile(rf"^\s*(?:[\"']{key}[\"']|{key})\s*=|^\s*\[[^\]]*[.\"']{key}[\"']?\s*\]")
            for number, row in enumerate(rows, start=1):
                if pattern.search(row):
                    return number
        for number, row in enumerate(rows, start=1):
            if re.match(r"^\s*\[\s*tool\s*\.\s*[\"']?sod-iac", row):
                return number
        return None

    return locate


# --------------------------------------------------------------------------- per-resource lookup


def resource_setting(config: dict[str, Any], address: str, name: str) -> tuple[bool, Any]:
    """(found, value) of `name` for `address` from the lowered `resources` list."""
    for pattern, settings in config.get("resources") or ():
        if isinstance(settings, dict) and name in settings and matches(pattern, address):
            return True, settings[name]
    return False, None
