"""`sod-iac who-can` for Google Cloud permissions, Azure operations and Kubernetes verbs.

Which cloud a question is about is read from its spelling (each cloud's own):
    iam.serviceAccounts.actAs                           GCP permission (service.resource.verb)
    Microsoft.KeyVault/vaults/secrets/getSecret/action  Azure operation (Namespace.Provider/...)
    k8s:get:secrets                                     Kubernetes VERB on RESOURCE (k8s:VERB:RESOURCE)
Anything else with a colon is an AWS action (who_can_action.py).

The answers are the engines' (members_with_permission on a resource of the code, grants on any
resource, can in a namespace), turned into the rows the AWS answer has; nothing is derived here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sod_iac.access.cloud_common import Grant
from sod_iac.access.graph import HELD, best
from sod_iac.cli.evidence import hop_data
from sod_iac.core.model import Project

GCP_PERMISSION = re.compile(r"^[a-z][a-zA-Z0-9]*\.[a-zA-Z0-9*]+\.[a-zA-Z0-9*]+$")
AZURE_OPERATION = re.compile(r"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+/\S+$")
K8S_QUESTION = re.compile(r"^k8s:(?P<verb>[a-zA-Z*]+):(?P<resource>[a-z0-9*][a-z0-9*./-]*)$")
NAMESPACE = "namespace:"
PREFIXES = {"gcp": ("google_",), "azure": ("azurerm_", "azuread_"), "kubernetes": ("kubernetes_",)}


class QuestionError(ValueError):
    """A question or resource this cloud cannot answer (a usage error, one line)."""


@dataclass(frozen=True)
class Question:
    cloud: str          # gcp | azure | kubernetes
    action: str         # as asked
    verb: str = ""      # Kubernetes only
    resource: str = ""  # Kubernetes only: the RBAC resource (secrets, pods/exec, ...)


def question_of(action: str) -> Question | None:
    """The GCP/Azure/Kubernetes question `action` asks, or None (then it is AWS's or invalid)."""
    k8s = K8S_QUESTION.match(action)
    if k8s:
        return Question("kubernetes", action, k8s["verb"], k8s["resource"])
    if action.startswith("k8s:"):
        raise QuestionError(f"{action!r} is not a Kubernetes question: say k8s:VERB:RESOURCE, e.g. k8s:get:secrets")
    if GCP_PERMISSION.match(action):
        return Question("gcp", action)
    if AZURE_OPERATION.match(action):
        return Question("azure", action)
    return None


def answer(question: Question, project: Project, engine: Any, resource: str | None) -> tuple[str, list[Grant]]:
    """(label of what was asked about, one grant per principal: its strongest way)."""
    if resource is not None and not (question.cloud == "kubernetes" and resource.startswith(NAMESPACE)):
        found = project.resource(resource)
        if found is None or not found.type.startswith(PREFIXES[question.cloud]):
            raise QuestionError(f"{resource!r} is not a {question.cloud} resource in the scanned code "
                                f"(give its address{', or namespace:NAME' if question.cloud == 'kubernetes' else ''})")
    return {"gcp": _gcp, "azure": _azure, "kubernetes": _kubernetes}[question.cloud](question, engine, resource)


def _gcp(question: Question, gcp: Any, resource: str | None) -> tuple[str, list[Grant]]:
    if resource is not None:
        return resource, gcp.members_with_permission(question.action, resource, speculative=True)
    return "any resource", _strongest(g for p in gcp.principals()
                                      for g in gcp.grants(p.id, [question.action], speculative=True))


def _azure(question: Question, azure: Any, resource: str | None) -> tuple[str, list[Grant]]:
    from sod_iac.access.azure import is_data_operation

    data = is_data_operation(question.action)
    if resource is not None:
        return resource, azure.members_with_permission(question.action, resource, data=data, speculative=True)
    asked = {"data_actions" if data else "actions": [question.action]}
    return "any scope", _strongest(g for p in azure.principals()
                                   for g in azure.grants(p.id, speculative=True, **asked))


def _kubernetes(question: Question, k8s: Any, resource: str | None) -> tuple[str, list[Grant]]:
    from sod_iac.access.kubernetes import OBJECT_KINDS

    verb, kind = question.verb, question.resource
    if resource is None:
        return "any namespace", _strongest(g for p in k8s.principals()
                                           for g in k8s.grants(p.id, [verb], [kind], speculative=True))
    if resource.startswith(NAMESPACE):
        namespace = resource[len(NAMESPACE):]
        grants = []
        for p in k8s.principals():
            level, evidence = k8s.can(p.id, verb, kind, namespace)
            if level != "no":
                grants.append(Grant(p.id, f"{verb} {kind}", level, resource, tuple(evidence)))
        return f"{kind} in namespace {namespace}", grants
    found = k8s.project.resource(resource)
    object_kind = OBJECT_KINDS.get(found.type)
    if object_kind is not None and kind not in (object_kind, "*"):
        raise QuestionError(f"{resource} is one of the {object_kind}, not of the {kind}: "
                            f"ask k8s:{verb}:{object_kind}")
    return resource, k8s.members_with_permission(verb, resource, speculative=True)


def _strongest(grants: Iterable[Grant]) -> list[Grant]:
    """One grant per principal: its strongest (the first of equals), sorted by principal."""
    found: dict[str, Grant] = {}
    for g in grants:
        current = found.get(g.principal)
        if current is None or best(g.level, current.level) != current.level:
            found[g.principal] = g
    return [found[p] for p in sorted(found)]


def rows(engine: Any, grants: list[Grant]) -> list[dict[str, Any]]:
    """The rows of the answer, in the shape of the AWS one (who_can_action.who_can_do)."""
    kinds = {p.id: p.kind for p in engine.principals()}
    out = [{"principal": g.principal, "kind": kinds.get(g.principal), "level": g.level,
            "allowed": g.level in HELD, "permission": g.permission, "scope": g.scope,
            "evidence": [hop_data(e) for e in g.evidence], "denied_by": []} for g in grants]
    return sorted(out, key=lambda r: (not r["allowed"], r["principal"]))
