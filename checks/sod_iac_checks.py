"""sod-iac's rules as Checkov checks: `checkov -d . --external-checks-dir path/to/sod-iac/checks`.

One Checkov check per implemented sod-iac rule (ids SOD101..., as `sod-iac rules` lists them),
generated from sod-iac's rule registry: a rule implemented tomorrow is a check tomorrow,
without touching this file. Each check is registered on every resource type (`*`) because a
rule may anchor its findings on any of them; the judgement is not repeated here:

1. on the first call for a Checkov graph, `sod_iac.pipeline.checkov_entry` (the one module of
   sod-iac imported here) turns the graph into a sod-iac Project and judges it as `sod-iac scan`
   does, every implemented rule once (the result is cached by graph identity, so
   the N checks x M resources calls that follow are lookups);
2. each call then answers for one resource: FAILED with the finding's message, principal(s)
   and evidence in `details` when a finding of that rule is anchored there; PASSED when the
   resource is of a type the rule judges (principals for combined duties, secrets for secret
   readers, ...); otherwise UNKNOWN, which Checkov leaves out of its report.

Checkov runs checks only on resource, data, provider and module blocks, so findings anchored
elsewhere are placed as follows: a backend's (`terraform.backend.s3`, SOD202-SOD205) on the
first `provider` block of the backend's folder, `details` starting with the backend's address
and lines; without such a block, and for Atlantis YAML (`atlantis.projects[...]`, SOD211),
one error line per finding in Checkov's log, so that nothing vanishes silently.

Suppress a finding with Checkov's own comment inside the block it is reported on,
`# checkov:skip=SOD110:reason`, or with sod-iac's (`# sod-iac:ignore SOD110 -- reason`, inside
or directly above the block): either way Checkov shows the check SKIPPED with the reason. An
ignore without a reason suppresses nothing (FAILED, and a warning in Checkov's log), as in
`sod-iac scan`.

Checkov executes every `*.py` here under its bare file name, once per framework runner; this
module only defines and registers checks. It finds the `sod_iac` package beside this folder in
a sod-iac checkout, or installed in Checkov's environment (`pip install --no-deps sod-iac`).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

from checkov.common.bridgecrew.severities import BcSeverities, Severities
from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.data.base_check import BaseDataCheck
from checkov.terraform.checks.provider.base_check import BaseProviderCheck
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

_LOG = logging.getLogger("sod_iac.checkov")
_HERE = os.path.dirname(os.path.abspath(__file__))


def _import_sod_iac() -> None:
    """Use the `sod_iac` package beside `checks/` (a checkout), else an installed one."""
    if "sod_iac" not in sys.modules:
        package = os.path.join(os.path.dirname(_HERE), "sod_iac", "__init__.py")
        if os.path.isfile(package):
            spec = importlib.util.spec_from_file_location(
                "sod_iac", package, submodule_search_locations=[os.path.dirname(package)])
            if spec is not None and spec.loader is not None:
                module = importlib.util.module_from_spec(spec)
                sys.modules["sod_iac"] = module
                try:
                    spec.loader.exec_module(module)
                except BaseException:
                    del sys.modules["sod_iac"]
                    raise
    try:
        importlib.import_module("sod_iac.pipeline.checkov_entry")  # does it import in Checkov's environment?
    except ImportError as exc:
        raise ImportError(
            f"sod-iac's Checkov checks cannot import sod_iac ({exc}). Point --external-checks-dir at "
            "the checks/ folder of a sod-iac checkout, or install it into Checkov's environment: "
            "`pip install --no-deps sod-iac` plus `pip install pydantic pyyaml policy-sentry` if missing."
        ) from exc


_import_sod_iac()
# The imports below (E402) need sod_iac importable, which _import_sod_iac() just arranged.

from sod_iac.core.model import SEVERITY_ORDER, Finding, Location, Project  # noqa: E402 - needs _import_sod_iac()
from sod_iac.pipeline.checkov_entry import (  # noqa: E402 - needs _import_sod_iac()
    GraphJudgement,
    Rule,
    checkov_rules,
    data_address,
    judge_graph,
    judges_address,
)

SEVERITIES = {"critical": BcSeverities.CRITICAL, "high": BcSeverities.HIGH,
              "medium": BcSeverities.MEDIUM, "low": BcSeverities.LOW}
CATEGORIES = {"combined-duties": CheckCategories.IAM, "approval": CheckCategories.GENERAL_SECURITY,
              "secret-readers": CheckCategories.SECRETS}



class ScanResult:
    """One sod-iac scan of one Checkov graph: findings by (rule id, anchor address); backend
    findings by (rule id, folder) for the folder's host provider block; and the lines to log
    for findings Checkov has no entity to show (a backend without a provider, Atlantis YAML)."""

    def __init__(self, judged: GraphJudgement) -> None:
        self.project: Project = judged.project
        self.hosts: dict[str, tuple[str, Location]] = judged.hosts
        self.backend_folders = {_folder(b.location.path) for b in judged.project.backends}
        self.findings: dict[tuple[str, str], list[Finding]] = {}
        self.on_hosts: dict[tuple[str, str], list[Finding]] = {}
        self.unreported: dict[str, list[str]] = {}
        # findings an inline ignore silenced (by fingerprint): placed like the others, so the
        # check there is SKIPPED with the reason; never logged as unreported
        self.reasons: dict[str, str] = {s.finding.fingerprint: s.reason for s in judged.silenced}
        self._told: set[str] = set()
        for finding in [*judged.findings, *(s.finding for s in judged.silenced)]:
            if finding.resource.startswith(("terraform.", "atlantis.")):
                folder = _folder(finding.location.path) if finding.location else None
                if finding.resource.startswith("terraform.") and folder in self.hosts:
                    self.on_hosts.setdefault((finding.rule_id, folder), []).append(finding)
                elif finding.fingerprint not in self.reasons:
                    self.unreported.setdefault(finding.rule_id, []).append(_unreported(finding))
                continue
            self.findings.setdefault((finding.rule_id, finding.resource), []).append(finding)
        self.errors = judged.errors

    def live(self, findings: list[Finding]) -> list[Finding]:
        """The findings no inline ignore silenced."""
        return [f for f in findings if f.fingerprint not in self.reasons]

    def skip_reason(self, findings: list[Finding]) -> str | None:
        """The ignores' reasons when every finding here is silenced (the check is SKIPPED)."""
        if not findings or self.live(findings):
            return None
        return "; ".join(dict.fromkeys(self.reasons[f.fingerprint] for f in findings))

    def tell_unreported(self, rule_id: str) -> None:
        """Log, once, the findings of a rule Checkov cannot show: only when that rule's check
        runs, so Checkov's `--check`/`--skip-check` selection applies to these lines too."""
        if rule_id in self._told:
            return
        with _LOCK:
            if rule_id in self._told:
                return
            self._told.add(rule_id)
        for line in self.unreported.get(rule_id, ()):
            _LOG.error("%s", line)

    def host(self, scanned_file: str | None, address: str, line: Any) -> str | None:
        """The folder whose backend findings the provider block at (file, line) hosts."""
        rel = (scanned_file or "").replace("\\", "/").lstrip("/")
        for folder, (host, location) in self.hosts.items():
            if host == address and location.path == rel and location.start_line == line:
                return folder
        return None

    def at(self, rule_id: str, address: str, scanned_file: str | None) -> list[Finding]:
        """Findings of a rule anchored at `address` in the file Checkov is looking at (two root
        modules of one repository may both have an `aws_iam_role.ci`)."""
        found = self.findings.get((rule_id, address), [])
        if not scanned_file or not found:
            return found
        rel = scanned_file.replace("\\", "/").lstrip("/")
        same = [f for f in found if f.location is None or f.location.path == rel]
        return same


def _folder(path: str) -> str:
    return path.rpartition("/")[0] or "."


def _unreported(finding: Finding) -> str:
    where = f" ({finding.location})" if finding.location else ""
    why = ("no provider block in its folder to host it" if finding.resource.startswith("terraform.")
           else "Checkov does not read Atlantis YAML")
    return (f"sod-iac: {finding.rule_id} {finding.resource}{where} is not reported by Checkov ({why}); "
            f"run `sod-iac scan` to gate on it")


_CACHE: list[tuple[Any, ScanResult]] = []  # (graph, result), most recent first; the graph is
_CACHE_SIZE = 4                              # held, so its identity cannot be reused meanwhile
_LOCK = threading.Lock()


def scan_graph(graph: Any, scanned_file: str | None) -> ScanResult:
    """The sod-iac result for a Checkov graph, computed on first use and then reused."""
    with _LOCK:
        for cached_graph, result in _CACHE:
            if cached_graph is graph:
                return result
        result = _scan(graph, scanned_file)
        _CACHE.insert(0, (graph, result))
        del _CACHE[_CACHE_SIZE:]
        return result


def _scan(graph: Any, scanned_file: str | None) -> ScanResult:
    """What `sod-iac scan` does, on the Project read from Checkov's graph (the config file found
    from the scanned root, root modules that reuse addresses judged apart, inline
    `# sod-iac:ignore` comments); what Checkov has no channel for goes to its log."""
    started = time.perf_counter()
    judged = judge_graph(graph, scanned_file)
    if judged.config_error is not None:  # a broken config file must be visible, not fatal
        _LOG.error("sod-iac: configuration could not be read: %s", judged.config_error)
    for warning in judged.warnings:  # e.g. an ignore without a reason, which silences nothing
        _LOG.warning("sod-iac: %s%s: %s", warning.path, f":{warning.line}" if warning.line else "",
                     warning.message)
    for message in judged.errors:
        # Checkov has no channel for "this input could not be fully analysed": say it loudly.
        _LOG.error("sod-iac: %s", message)
    _LOG.debug("sod-iac: scanned a Checkov graph (%d resources, root %s) in %.2f s",
               len(judged.project.resources), judged.project.root, time.perf_counter() - started)
    return ScanResult(judged)


def _details(finding: Finding) -> list[str]:
    lines = [finding.message]
    if finding.principal:
        lines.append(f"principal: {finding.principal}")
    if finding.principals:
        lines.append(f"principals: {', '.join(finding.principals)}")
    if finding.secret:
        lines.append(f"secret: {finding.secret}")
    if finding.duties:
        lines.append(f"duties: {', '.join(finding.duties)}")
    for hop in finding.evidence:
        where = f" ({hop.location})" if hop.location else ""
        lines.append(f"evidence: {hop.address}: {hop.detail}{where}")
    lines.append(f"fingerprint: {finding.fingerprint}")
    return lines


_NO_GRAPH_TOLD = False


@dataclass
class _Place:
    """What a check answers for one Checkov entity: the findings of its rule placed there;
    whether PASSED means something there (a type the rule judges); whether each finding's
    details start with its own anchor (a backend's, shown on a provider block)."""

    findings: list[Finding]
    judged: bool
    lead: bool = False


class _Answers:
    """What every sod-iac check does, for resources, data sources and providers alike; each
    kind only says which findings are placed on its entity (`_place`)."""

    rule: Rule
    graph: Any
    id: str

    def _setup(self) -> None:
        self.default_severity = Severities[SEVERITIES[self.rule.severity]]
        self.severity = self.default_severity
        self._scanned_file: str | None = None

    def _place(self, result: ScanResult, conf: dict[str, Any]) -> _Place | None:
        raise NotImplementedError

    def run(self, scanned_file: str, entity_configuration: dict[str, Any], entity_name: str,
            entity_type: str, skip_info: Any) -> Any:
        """Checkov's run; where every finding of this rule is silenced by an inline
        `# sod-iac:ignore` with a reason, as Checkov's own `#checkov:skip` would: SKIPPED with
        the reason (Checkov makes a skip only from its own comment)."""
        self._scanned_file = scanned_file
        self.severity = self.default_severity
        if not skip_info and self.graph is not None:
            try:
                result = self._result()
            except Exception:  # noqa: BLE001 - raised again in the check itself, which Checkov logs
                result = None
            place = self._place(result, entity_configuration) if result is not None else None
            reason = result.skip_reason(place.findings) if result is not None and place is not None else None
            if reason is not None:
                skip_info = {"id": self.id, "suppress_comment": reason}
        return super().run(scanned_file, entity_configuration, entity_name,  # type: ignore[misc] - a mixin: Checkov's base class follows it
                           entity_type, skip_info)

    def _no_graph(self) -> CheckResult:
        """Checkov handed no graph (e.g. TF_SPLIT_GRAPH=True, whose subgraph paths do not match
        the scanned files in 3.3): nothing can be judged, which must not look like a pass."""
        global _NO_GRAPH_TOLD
        if not _NO_GRAPH_TOLD:
            _NO_GRAPH_TOLD = True
            _LOG.error("sod-iac: Checkov passed no Terraform graph to the checks (is TF_SPLIT_GRAPH set?); "
                       "sod-iac's checks report nothing here; run `sod-iac scan`")
        return CheckResult.UNKNOWN

    def _result(self) -> ScanResult:
        result = scan_graph(self.graph, self._scanned_file)
        result.tell_unreported(self.id)
        return result

    def _failed(self, findings: list[Finding], lead: bool = False) -> CheckResult:
        """FAILED with the findings' details; `lead` starts each with the anchor and its lines
        (a backend's finding shown on a provider block)."""
        worst = max(findings, key=lambda f: SEVERITY_ORDER[f.severity])
        self.severity = Severities[SEVERITIES[worst.severity]]
        self.details = []
        for finding in findings:
            lines = _details(finding)
            if lead:
                loc = finding.location
                where = f" ({loc.path}:{loc.start_line}-{loc.end_line})" if loc else ""
                lines[0] = f"{finding.resource}{where}: {lines[0]}"
            self.details.extend(lines)
        return CheckResult.FAILED

    def answer(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = []
        if self.graph is None:
            return self._no_graph()
        result = self._result()
        place = self._place(result, conf)
        if place is None:
            return CheckResult.UNKNOWN
        live = result.live(place.findings)
        if live:
            return self._failed(live, lead=place.lead)
        return CheckResult.PASSED if place.judged else CheckResult.UNKNOWN

    def _at_address(self, result: ScanResult, address: str | None) -> _Place | None:
        """A resource's or data source's place: the findings anchored at its address."""
        if not address:
            return None
        return _Place(result.at(self.id, address, self._scanned_file), judges_address(self.rule, address))


def _init_args(rule: Rule) -> dict[str, Any]:
    return {"name": f"sod-iac: {rule.title}", "id": rule.id,
            "categories": [CATEGORIES.get(rule.family, CheckCategories.IAM)],
            "guideline": next((ref.url for ref in rule.references if ref.url), None)}


class SodIacResourceCheck(_Answers, BaseResourceCheck):
    """The Checkov face of one sod-iac rule on resources; subclasses only set `rule`."""

    def __init__(self) -> None:
        BaseResourceCheck.__init__(self, supported_resources=["*"], **_init_args(self.rule))
        self._setup()

    def _place(self, result: ScanResult, conf: dict[str, Any]) -> _Place | None:
        address = conf.get("__address__")
        return self._at_address(result, address if isinstance(address, str) else None)

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        return self.answer(conf)


class SodIacDataCheck(_Answers, BaseDataCheck):
    """The same rule on data sources (e.g. a `terraform_remote_state` with credentials)."""

    def __init__(self) -> None:
        BaseDataCheck.__init__(self, supported_data=["*"], **_init_args(self.rule))
        self._setup()

    def _place(self, result: ScanResult, conf: dict[str, Any]) -> _Place | None:
        address = conf.get("__address__")
        return self._at_address(result, data_address(address) if isinstance(address, str) else None)

    def scan_data_conf(self, conf: dict[str, Any]) -> CheckResult:
        return self.answer(conf)


class SodIacProviderCheck(_Answers, BaseProviderCheck):
    """The same rule's backend findings (`terraform { backend ... }`, which Checkov has no
    entity for) on the first provider block of the backend's folder; `details` start with
    the backend's address and lines. PASSED there for a backend rule without a finding."""

    def __init__(self) -> None:
        BaseProviderCheck.__init__(self, supported_provider=["*"], **_init_args(self.rule))
        self._setup()

    def _place(self, result: ScanResult, conf: dict[str, Any]) -> _Place | None:
        address = conf.get("__address__")
        if not isinstance(address, str):
            return None
        folder = result.host(self._scanned_file, address, conf.get("__start_line__"))
        if folder is None:
            return None
        judged = self.rule.backends and folder in result.backend_folders
        return _Place(result.on_hosts.get((self.id, folder), []), judged, lead=True)

    def scan_provider_conf(self, conf: dict[str, Any]) -> CheckResult:
        return self.answer(conf)


_KINDS = {SodIacResourceCheck: "", SodIacDataCheck: "Data", SodIacProviderCheck: "Provider"}


def _register() -> list[Any]:
    checks: list[Any] = []
    for rule in checkov_rules():
        for base, kind in _KINDS.items():
            checks.append(type(f"{rule.id}{kind}Check", (base,), {"rule": rule, "__module__": __name__})())
    return checks


CHECKS = _register()
