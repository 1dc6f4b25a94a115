"""Access layer: who can do what. Cloud modules (aws.py, later gcp.py, ...) build engines;
`build_access` gathers them into one AccessGraph for the rules.

Engines are built on first use, so a scan without AWS resources never loads the IAM database.
An engine is one cloud's model: when `failures` is given, one that fails to build is recorded
there and left out, so the other clouds are still judged (the scan reports the failure and is
incomplete, exit 2) instead of one cloud's bug ending the whole scan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sod_iac.access.graph import AccessGraph, Principal
from sod_iac.core.model import LoadError, Project


@dataclass(frozen=True)
class EngineFailure:
    """An access engine (one cloud) that could not be built for a project."""

    cloud: str
    error: Exception


def _aws(project: Project) -> Any:
    from sod_iac.access.aws import AwsAccess

    return AwsAccess(project)


def _gcp(project: Project) -> Any:
    from sod_iac.access.gcp import GcpAccess

    return GcpAccess(project)


def _azure(project: Project) -> Any:
    from sod_iac.access.azure import AzureAccess

    return AzureAccess(project)


def _kubernetes(project: Project) -> Any:
    from sod_iac.access.kubernetes import KubernetesAccess

    return KubernetesAccess(project)


class LazyAccessGraph(AccessGraph):
    """An AccessGraph whose cloud engines are built when a rule first asks for them."""

    def __init__(self, project: Project, failures: list[EngineFailure] | None = None) -> None:
        super().__init__()
        self._project = project
        self._failures = failures

    def _engine(self, cloud: str, prefixes: tuple[str, ...], build: Callable[[Project], Any]) -> Any:
        """The cloud's engine, None without resources of that cloud (or, when failures are
        collected, when building it failed: recorded once, as the property caches None)."""
        if not any(r.type.startswith(prefixes) for r in self._project.resources):
            return None
        if self._failures is None:
            return build(self._project)
        try:
            return build(self._project)
        except Exception as exc:  # noqa: BLE001 - one cloud's failure must not silence the others
            self._failures.append(EngineFailure(cloud, exc))
            return None

    @cached_property
    def aws(self):
        return self._engine("aws", ("aws_",), _aws)

    @cached_property
    def gcp(self):
        return self._engine("gcp", ("google_",), _gcp)

    @cached_property
    def azure(self):
        return self._engine("azure", ("azurerm_", "azuread_"), _azure)

    @cached_property
    def kubernetes(self):
        return self._engine("kubernetes", ("kubernetes_",), _kubernetes)

    def engines(self) -> list[Any]:
        """The engines built for this project, AWS first (each has principals())."""
        return [e for e in (self.aws, self.gcp, self.azure, self.kubernetes) if e is not None]

    def principals(self) -> list[Principal]:
        found: list[Principal] = []
        for engine in self.engines():
            found.extend(engine.principals())
        return found

    def incomplete(self) -> list[LoadError]:
        """Errors for principals an engine built so far cut short: one per file (a scan keeps
        one error per file), naming every such principal defined there and the first's line."""
        aws = self.__dict__.get("aws")  # only an engine already built can have cut anything
        by_path: dict[str, list[tuple[int | None, str, str]]] = {}
        for address, why in sorted(getattr(aws, "incomplete", {}).items()):
            resource = self._project.resource(address)
            location = resource.location if resource is not None else None
            by_path.setdefault(location.path if location else address, []).append(
                (location.start_line if location else None, address, why))
        return [LoadError(path=path, line=cut[0][0], message="analysis cut short, findings may be missing: "
                          + "; ".join(f"{address} ({why})" for _, address, why in cut))
                for path, cut in sorted(by_path.items())]


def build_access(project: Project, failures: list[EngineFailure] | None = None) -> AccessGraph:
    """The project's AccessGraph. With `failures`, an engine that fails to build is appended
    there and treated as absent; without, its exception propagates to the caller."""
    return LazyAccessGraph(project, failures)


def principal_addresses(project: Project, graph: AccessGraph | None = None) -> list[str]:
    """Sorted ids of the principals that can act (roles, users, service accounts, ...)."""
    graph = graph or build_access(project)
    found = {p.id for p in graph.principals()}
    found |= {r.address for r in project.resources
              if r.mode == "managed" and r.type in NON_AWS_PRINCIPAL_TYPES}
    return sorted(found)


NON_AWS_PRINCIPAL_TYPES: frozenset[str] = frozenset({
    "google_service_account", "azurerm_user_assigned_identity",
    "kubernetes_service_account", "kubernetes_service_account_v1",
})

__all__ = ["AccessGraph", "EngineFailure", "Principal", "build_access", "principal_addresses"]
