"""User configuration: `.sod-iac.yaml`, `[tool.sod-iac]` in pyproject.toml, or `--config FILE`.

Why one pydantic model: every key a user can write is validated here, so a typo is an error
that names the file, the line and the key (with "did you mean"), never a silently ignored
setting. The settings rules read come from one table (sod_iac/rules/options.py, built from the
`Options` model beside each rule): a key under
`rules.ID` must be read by a rule that ID selects, a key under `resources.ADDRESS` by a rule
that reads it per resource. User duties and conflicts are checked here too, so a mistake is a
config error, not five rule failures. Rules never see this model: `Config.rule_config()` lowers
it into the plain dict that reaches them as `Context.config`, where
`ctx.option(rule_id, name, address=...)` resolves a setting (sod_iac.rules.options.resolve).
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, create_model, field_validator

from sod_iac.core.model import Severity
from sod_iac.rules.options import readers, specificity
from sod_iac.rules.options import settings as rule_settings
from sod_iac.util.wildcard import is_pattern, rule_matches
from sod_iac.util.yaml_lines import LineMapping, LineSequence, TrackedLineLoader, load_yaml

CONFIG_NAMES = (".sod-iac.yaml", ".sod-iac.yml")
PYPROJECT_TABLE = "sod-iac"


class ConfigError(Exception):
    """The configuration cannot be used; the message names `file:line` and the key."""


def _optional_fields(names: Iterable[str]) -> dict[str, Any]:
    return {name: (rule_settings()[name].type | None, None) for name in names}


_FORBID = ConfigDict(extra="forbid")
if TYPE_CHECKING:  # built from the rules' Options at run time; a type checker sees their base
    _Settings = BaseModel
    RuleSettings = BaseModel
    ResourceSettings = BaseModel
else:
    _Settings = create_model("_Settings", __config__=_FORBID, **_optional_fields(rule_settings()))
    """Settings that rules read (their Options, sod_iac/rules/options.py), typed: valid at the top level and per rule."""
    RuleSettings = create_model(
        "RuleSettings", __base__=_Settings, enabled=(bool | None, None), severity=(Severity | None, None))
    ResourceSettings = create_model(
        "ResourceSettings", __config__=_FORBID,
        **_optional_fields(name for name, setting in rule_settings().items() if setting.per_resource))
    """Only the settings some rule reads per resource (for the address its finding anchors on)."""


class Config(_Settings):
    """The whole file. Unknown keys are errors (extra="forbid"). The rule settings (_Settings)
    given at the top level are defaults for every rule that reads them."""

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
        """The dict rules see as `Context.config` (read with sod_iac.rules.options.resolve).

        `rules[ID]` holds the settings rule ID reads: the top level overlaid by the sections
        whose key matches the id (wildcard keys first, in file order, then the exact id).
        `resources` is a list of `[pattern, settings]`, most specific first (exact addresses,
        then patterns with more literal text; file order breaks ties); `rules.SOD301.secrets`
        joins it as exact addresses (an explicit `resources` entry wins). `duties`/`conflicts`
        pass through for the duty catalog.
        """
        defaults = _set_fields(self)
        rules: dict[str, dict[str, Any]] = {}
        for rule_id in rule_ids:
            merged = dict(defaults)
            for key in self._keys_for(rule_id):
                merged.update(_set_fields(self.rules[key]))
            rules[rule_id] = {name: value for name, value in merged.items() if rule_id in readers(name)}
        entries: dict[str, dict[str, Any]] = {
            address: {"max_readers": limit}
            for address, limit in (rules.get("SOD301", {}).pop("secrets", None) or {}).items()}
        for pattern, settings in self.resources.items():
            entries[pattern] = {**entries.get(pattern, {}), **_set_fields(settings)}
        resources = sorted(entries.items(), key=lambda item: specificity(item[0]))
        out: dict[str, Any] = {
            "rules": rules,
            "resources": [[pattern, settings] for pattern, settings in resources],
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

    def severities(self, rule_ids: Iterable[str]) -> dict[str, Severity]:
        return {r: sev for r in rule_ids if (sev := self._last(r, "severity")) is not None}

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


def _set_fields(model: BaseModel) -> dict[str, Any]:
    """The rule settings a section sets (selection, severity and the like left out)."""
    data = model.model_dump(exclude_none=True)
    return {name: value for name, value in data.items() if name in rule_settings()}


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
    ids = sorted(set(rule_ids))
    _check_rule_references(config, ids, source, locate)
    _check_rule_settings(config, ids, source, locate)
    _check_user_ruleset(data, source)
    return config


def _first_error(exc: ValidationError, source: str, locate: Any) -> str:
    error = exc.errors()[0]
    loc = tuple(error["loc"])
    line = locate(loc)
    key = ".".join(str(p) for p in loc if not _is_type_tag(p))
    message = _unknown_key(loc) if error["type"] == "extra_forbidden" else error["msg"]
    where = f"{source}:{line}" if line else source
    return f"{where}: {key or '(top level)'}: {message}"


def _unknown_key(loc: tuple[Any, ...]) -> str:
    """'unknown key', with the close valid key and, for a setting valid elsewhere, where it goes."""
    name = str(loc[-1])
    section: type[BaseModel] = Config
    if len(loc) >= 3 and loc[0] in ("rules", "resources"):
        section = RuleSettings if loc[0] == "rules" else ResourceSettings
    message = "unknown key"
    if name in rule_settings() and section is ResourceSettings:
        message += (f" ({name} is read for the whole scan, not per resource: set it at the top level "
                    f"or under rules.{rule_settings()[name].rules[0]})")
    return message + _did_you_mean(name, section.model_fields)


def _did_you_mean(name: str, valid: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(valid), n=1)
    return f"; did you mean {close[0]}?" if close else ""


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


def _check_rule_settings(config: Config, rule_ids: list[str], source: str, locate: Any) -> None:
    """A setting under `rules.KEY` must be read by a rule KEY selects: `rules.SOD301.max_writers`
    would otherwise change nothing."""
    for key, section in config.rules.items():
        selected = [r for r in rule_ids if rule_matches(key, r)]
        for name in _set_fields(section):
            if not set(readers(name)) & set(selected):
                where = f"{source}:{locate(('rules', key, name)) or 1}"
                raise ConfigError(f"{where}: rules.{key}.{name}: {key} does not read {name} "
                                  f"(read by {', '.join(readers(name))})")


def _check_user_ruleset(data: dict[str, Any], source: str) -> None:
    """User duties and conflicts are checked where the config is read (lines from the YAML)."""
    if data.get("duties") is None and data.get("conflicts") is None:
        return
    from sod_iac.access.duties.catalog import RulesetError, validate_user_ruleset

    try:
        validate_user_ruleset(data.get("duties"), data.get("conflicts"), source=source)
    except RulesetError as exc:
        raise ConfigError(str(exc)) from exc


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
    """The one YAML loader (YAML 1.2 booleans: a duty clause's `on:` stays a key), with lines."""
    try:
        data = load_yaml(text, TrackedLineLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise ConfigError(f"{where}: invalid YAML: {getattr(exc, 'problem', None) or exc}") from exc
    lines: dict[tuple[Any, ...], int] = {}
    _walk_yaml(data, (), lines)
    return data, _locator(lines)


def _walk_yaml(node: Any, prefix: tuple[Any, ...], lines: dict[tuple[Any, ...], int]) -> None:
    if isinstance(node, LineMapping):
        lines.setdefault(prefix, node.line)
        for key, value in node.items():
            lines[prefix + (key,)] = node.key_lines[key]
            _walk_yaml(value, prefix + (key,), lines)
    elif isinstance(node, LineSequence):
        lines.setdefault(prefix, node.line)
        for index, (item, line) in enumerate(zip(node, node.item_lines, strict=True)):
            lines[prefix + (index,)] = line
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
