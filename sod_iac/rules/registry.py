"""The rule registry: catalog metadata (data) joined with the rule modules (judgement).

Every rule of DESIGN.md has an entry in `rulesets/catalog.yaml` (id, family, severity, title),
so `sod-iac rules` and `sod-iac explain` know all of them, implemented or planned. A rule is
implemented by one module `sod_iac/rules/<family>/sodNNN_<slug>.py`, found by discovery (no
list to keep): its `check(ctx)` judges, its docstring (rule_docs.py) is the text users read,
its `ANCHORS` (and `BACKENDS`, `ATLANTIS_YAML`) say where it may anchor a finding, its `Options` model the
settings it reads (rules/options.py).
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import yaml

from sod_iac.core.model import SEVERITY_ORDER, Finding, LoadError
from sod_iac.rules import rule_docs
from sod_iac.util.wildcard import matches
from sod_iac.util.yaml_lines import LineLoader, load_yaml

CATALOG_PATH = Path(__file__).resolve().parent.parent / "rulesets" / "catalog.yaml"
FAMILIES = ("combined-duties", "approval", "secret-readers")
RULES_PACKAGE = "sod_iac.rules"
"""Rule modules live in one sub-package per family: `combined-duties` in `combined_duties/`."""
_ID_PATTERN = re.compile(r"^SOD[1-3]\d\d$")
_MODULE_NAME = re.compile(r"^sod(\d{3})_[a-z0-9_]+$")
_REQUIRED = ("id", "family", "severity", "title")

if TYPE_CHECKING:  # the context module imports this one
    from sod_iac.rules.context import Context

Check = Callable[["Context"], Iterator[Finding]]


class CatalogError(Exception):
    """The rule catalog or a rule module cannot be used; the message names the file (and line)."""


@dataclass(frozen=True)
class Reference:
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Rule:
    """One catalog entry, joined with the module that implements it (check None while planned)."""

    id: str
    family: str
    severity: str
    title: str
    rationale: str = ""
    remediation: str = ""
    example: str = ""
    references: tuple[Reference, ...] = ()
    check: Check | None = None
    good_example: str = ""
    """Optional: the example fixed (HCL), shown by `explain` and in SARIF help."""
    what_it_does: str = ""
    """The module docstring's "What it does" (not shown yet)."""
    anchors: frozenset[str] = frozenset()
    """Resource types (`*`/`?` globs; a data source by its type) a finding may be anchored on."""
    backends: bool = False
    """Whether it also judges backends (`terraform.backend.<type>`), which are not resources."""
    atlantis_yaml: bool = False
    """Whether it also judges Atlantis YAML (`atlantis.*`), which is not a resource either."""
    options: type | None = None
    """The rule's pydantic `Options` model, None when it reads no setting."""
    source: str = ""
    """The module's file, for error messages."""

    @property
    def implemented(self) -> bool:
        return self.check is not None

    @property
    def status(self) -> str:
        return "implemented" if self.implemented else "planned"

    def judges(self, resource_type: str) -> bool:
        """May this rule anchor a finding on a resource of this type?"""
        return any(matches(pattern, resource_type) for pattern in self.anchors)


# --------------------------------------------------------------------------- catalog loading


def load_catalog(path: Path = CATALOG_PATH) -> dict[str, Rule]:
    """Read and validate the catalog; any problem raises CatalogError naming `path:line`."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read rule catalog: {exc.strerror or exc}") from exc
    try:
        data = load_yaml(text, LineLoader)  # every mapping gets its `__line__`
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(exc, "problem", None) or str(exc)
        raise CatalogError(f"{where}: invalid YAML in rule catalog: {problem}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise CatalogError(f"{path}:1: rule catalog must be a mapping with a 'rules' list")
    rules: dict[str, Rule] = {}
    for entry in data["rules"]:
        parsed = _parse_entry(entry, path)
        if parsed.id in rules:
            raise CatalogError(f"{path}:{entry['__line__']}: duplicate rule id {parsed.id}")
        rules[parsed.id] = parsed
    return rules


def _parse_entry(entry: Any, path: Path) -> Rule:
    if not isinstance(entry, dict):
        raise CatalogError(f"{path}: every rule must be a mapping, got {type(entry).__name__}")
    where = f"{path}:{entry['__line__']}"
    missing = [key for key in _REQUIRED if key not in entry]
    if missing:
        raise CatalogError(f"{where}: rule {entry.get('id', '?')} lacks {', '.join(missing)}")
    rule_id = str(entry["id"])
    if not _ID_PATTERN.match(rule_id):
        raise CatalogError(f"{where}: rule id {rule_id!r} is not of the form SOD1xx/SOD2xx/SOD3xx")
    extra = sorted(key for key in entry if key not in _REQUIRED and key != "__line__")
    if extra:
        raise CatalogError(f"{where}: {rule_id}: {', '.join(extra)} belong(s) in the rule module's docstring, "
                           "not the catalog (id, family, severity, title)")
    if entry["family"] not in FAMILIES:
        raise CatalogError(f"{where}: {rule_id}: unknown family {entry['family']!r}")
    if entry["severity"] not in SEVERITY_ORDER:
        raise CatalogError(f"{where}: {rule_id}: unknown severity {entry['severity']!r}")
    return Rule(id=rule_id, family=entry["family"], severity=entry["severity"], title=str(entry["title"]).strip())


# --------------------------------------------------------------------------- rule modules


def family_package(family: str) -> str:
    """The sub-package of a family's rule modules: `combined-duties` -> `combined_duties`."""
    return family.replace("-", "_")


def discover(package: str = RULES_PACKAGE) -> list[tuple[str, ModuleType]]:
    """(family, module) of every `<package>.<family>.sodNNN_*` module, imported, in name order."""
    found = []
    for family in FAMILIES:
        try:
            pkg = importlib.import_module(f"{package}.{family_package(family)}")
        except ModuleNotFoundError:
            continue
        names = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if _MODULE_NAME.match(m.name))
        found += [(family, importlib.import_module(f"{pkg.__name__}.{name}")) for name in names]
    return found


def attach_modules(catalog: dict[str, Rule], modules: Iterable[tuple[str, ModuleType]]) -> dict[str, Rule]:
    """The catalog with each rule module joined to its entry. A module the catalog does not
    know, in another family's folder, without `check`, `ANCHORS` or a valid docstring, or a
    second module for one id is a CatalogError naming the module's file."""
    rules = dict(catalog)
    for family, module in modules:
        where = getattr(module, "__file__", None) or module.__name__
        rule_id = "SOD" + _MODULE_NAME.match(module.__name__.rsplit(".", 1)[-1]).group(1)
        entry = rules.get(rule_id)
        if entry is None:
            raise CatalogError(f"{where}: no rule {rule_id} in the catalog {CATALOG_PATH}")
        if entry.family != family:
            raise CatalogError(f"{where}: {rule_id} is of family {entry.family} in the catalog, "
                               f"not {family}: move the module to {family_package(entry.family)}/")
        if entry.check is not None:
            raise CatalogError(f"{where}: rule {rule_id} already has a module: {entry.source}")
        check = getattr(module, "check", None)
        if not callable(check):
            raise CatalogError(f"{where}: a rule module must define check(ctx)")
        if not isinstance(getattr(module, "ANCHORS", None), (frozenset, set, tuple)):
            raise CatalogError(f"{where}: a rule module must declare ANCHORS (resource types it anchors on)")
        try:
            doc = rule_docs.parse(module.__doc__)
        except rule_docs.DocError as exc:
            raise CatalogError(f"{where}: docstring: {exc}") from exc
        if doc.summary != entry.title:
            raise CatalogError(f"{where}: the docstring's summary line must be the title {entry.title!r}")
        rules[rule_id] = dataclasses.replace(
            entry, check=check, source=str(where), rationale=doc.rationale, remediation=doc.remediation,
            example=doc.example, good_example=doc.good_example, what_it_does=doc.what_it_does,
            references=tuple(Reference(title, url) for title, url in doc.references),
            anchors=frozenset(module.ANCHORS), backends=bool(getattr(module, "BACKENDS", False)),
            atlantis_yaml=bool(getattr(module, "ATLANTIS_YAML", False)),
            options=getattr(module, "Options", None))
    return rules


@lru_cache(maxsize=1)
def _rules() -> dict[str, Rule]:
    """The process-wide registry: the catalog joined with the discovered modules, on first use."""
    return attach_modules(load_catalog(), discover())


# --------------------------------------------------------------------------- registration


def all_rules() -> list[Rule]:
    """Every catalog rule, implemented or planned, in id order."""
    return [_rules()[rule_id] for rule_id in sorted(_rules())]


def rules_by_id() -> dict[str, Rule]:
    """The registry itself, by id (what tests swap `all_rules` for does not change it)."""
    return _rules()


def get_rule(rule_id: str) -> Rule:
    """The rule with this id (case-insensitive); KeyError if the catalog has none."""
    return _rules()[rule_id.upper()]


def register(rule_id: str, check: Check) -> Check:
    """Attach `check` to a rule that has none (a test hook; modules are found by discovery)."""
    rules = _rules()
    if rule_id not in rules:
        raise CatalogError(f"{CATALOG_PATH}: no rule {rule_id} in the catalog (used by {check.__qualname__})")
    current = rules[rule_id].check
    if current is not None and current is not check:
        raise CatalogError(f"rule {rule_id} already has a check: {current.__qualname__}")
    rules[rule_id] = dataclasses.replace(rules[rule_id], check=check)
    return check


def unregister(rule_id: str) -> Check | None:
    """Detach and return a rule's check (used by tests and by callers that swap a check)."""
    rules = _rules()
    previous = rules[rule_id].check
    rules[rule_id] = dataclasses.replace(rules[rule_id], check=None)
    return previous


# --------------------------------------------------------------------------- running rules


def run_rules(ctx: Context, rules: Iterable[Rule] | None = None) -> list[Finding]:
    """Run every implemented rule (or the given ones) and return sorted, de-duplicated findings:
    the one place findings are de-duplicated (by identity, model.fingerprint).

    A rule that raises (or yields something that is not a Finding) keeps what it yielded
    before failing, and its failure is recorded in `ctx.errors` as `<rule SODxxx>`: the scan
    is then incomplete (exit code 2), never aborted.
    """
    findings: list[Finding] = []
    for current in rules if rules is not None else all_rules():
        if current.check is None:
            continue
        try:
            for found in current.check(ctx):
                if not isinstance(found, Finding):
                    raise TypeError(f"the check yielded {type(found).__name__}, not a Finding")
                findings.append(found)
        except Exception as exc:  # noqa: BLE001 - isolation is the point
            ctx.errors.append(_rule_error(current.id, exc))
    incomplete = getattr(ctx.access, "incomplete", None)
    for error in incomplete() if incomplete is not None else ():
        if error not in ctx.errors:  # an analysis cut short (safety net): incomplete, exit 2
            ctx.errors.append(error)
    return deduplicate(sorted(findings, key=finding_sort_key))


def finding_sort_key(f: Finding) -> tuple[Any, ...]:
    """Most severe first, then by file and line (findings without a location last)."""
    loc = f.location
    return (
        -SEVERITY_ORDER[f.severity],
        loc is None,
        loc.path if loc else "",
        loc.start_line if loc else 0,
        f.rule_id,
        f.resource,
    )


def deduplicate(findings: Iterable[Finding]) -> list[Finding]:
    """Keep the first finding per fingerprint (two paths to the same verdict are one finding)."""
    seen: set[str] = set()
    unique = []
    for f in findings:
        if f.fingerprint not in seen:
            seen.add(f.fingerprint)
            unique.append(f)
    return unique


def _rule_error(rule_id: str, exc: BaseException) -> LoadError:
    return LoadError.internal(f"<rule {rule_id}>", exc)
