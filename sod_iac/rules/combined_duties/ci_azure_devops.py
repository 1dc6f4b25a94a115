"""SOD120 for Azure DevOps workload identity federation: a service connection's identity.

An Azure Pipelines service connection that uses workload identity federation gets an Entra
token for the federated credential whose subject is `sc://ORG/PROJECT/CONNECTION` (issuer
`https://vstoken.dev.azure.com/ORG-ID`) or, for connections on the Microsoft Entra issuer
(new ones since 2025, converted ones), `/eid1/c/pub/t/TENANT/a/APP/sc/ORG-ID/CONNECTION-ID`
(issuer `https://login.microsoftonline.com/TENANT-ID/v2.0`); the provider exports both as the
endpoint's `workload_identity_federation_subject` / `_issuer`. The token names the connection, never a
branch: any pipeline allowed to use the connection gets it, from any branch, unless the
connection itself is protected by an approval check (`azuredevops_check_approval`, the
requester not allowed to approve) or a branch control check whose allowed branches are all
reviewed (`azuredevops_check_branch_control`). Azure DevOps docs: "Define approvals and checks"
(service connections are protected resources).
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.access.cloud_common import hop, refs_in, text_of
from sod_iac.core.model import Resource
from sod_iac.rules.combined_duties.ci_systems import Trust, ref_reviewed
from sod_iac.rules.context import Context

FEDERATED_CREDENTIALS = ("azurerm_federated_identity_credential", "azuread_application_federated_identity_credential")


def azure_devops_trusts(ctx: Context, reviewed: list[str]) -> Iterator[Trust]:
    """Federated credentials that name a service connection of the code by reference (a literal
    `sc://` subject is judged with the other subjects, through `protected_connections`)."""
    protected = _protected_endpoints(ctx, reviewed)
    for fic in ctx.project.by_type(*FEDERATED_CREDENTIALS):
        endpoint = service_connection(ctx, fic)
        if endpoint is None:
            continue
        issuer = text_of(fic.values.get("issuer"))
        issuer = issuer.removeprefix("https://").rstrip("/") if issuer else "the issuer the service connection exports"
        if endpoint.address in protected:  # a CI identity all the same, only reviewed runs get it
            for identity in azure_identities(ctx, fic):
                yield Trust(identity, "Azure DevOps", issuer, None,
                            [hop(fic, f"federated credential for {identity}"),
                             hop(endpoint, "service connection (workload identity federation)")])
            continue
        why = (f"the federated credential's subject is service connection {endpoint.address}, "
               "which no approval or branch control check of the code protects: every pipeline "
               "allowed to use it runs with it, from any branch")
        for identity in azure_identities(ctx, fic):
            yield Trust(identity, "Azure DevOps", issuer, why,
                        [hop(fic, f"federated credential for {identity}: {why}"),
                         hop(endpoint, "service connection (workload identity federation) without approval "
                                       "or branch control check")])


def protected_connections(ctx: Context, reviewed: list[str]) -> list[str]:
    """`sc://*/PROJECT/NAME` of each service connection of the code that a check protects, and
    `sc-id://*/ID` when its id is known (a plan of a created endpoint), for subjects the code
    writes as text (the organisation is not in the endpoint's arguments)."""
    out = []
    for address in _protected_endpoints(ctx, reviewed):
        endpoint = ctx.project.resource(address)
        name = text_of(endpoint.values.get("service_endpoint_name")) if endpoint else None
        if name:
            out.append(f"sc://*/{_project_name(ctx, endpoint) or '*'}/{name}")
        known_id = text_of(endpoint.values.get("id")) if endpoint else None
        if known_id:
            out.append(f"sc-id://*/{known_id}")
    return out


def _protected_endpoints(ctx: Context, reviewed: list[str]) -> set[str]:
    out: set[str] = set()
    for check in ctx.project.by_type("azuredevops_check_approval", "azuredevops_check_branch_control"):
        if text_of(check.values.get("target_resource_type")) != "endpoint" or not _protects(check, reviewed):
            continue
        out.update(r.address for r in refs_in(check.values.get("target_resource_id")))
    return out


def _protects(check: Resource, reviewed: list[str]) -> bool:
    if check.type == "azuredevops_check_approval":  # provider default: the requester cannot approve
        return check.values.get("requester_can_approve") is not True and bool(check.values.get("approvers"))
    allowed = text_of(check.values.get("allowed_branches")) or "*"  # provider default "*"
    return all(ref_reviewed(b.strip(), reviewed) for b in allowed.split(","))


def service_connection(ctx: Context, fic: Resource) -> Resource | None:
    """The service connection of the code a federated credential names by reference (its
    exported issuer or subject, or its id inside a subject), or None."""
    for key in ("subject", "issuer"):
        for ref in refs_in(fic.values.get(key)):
            resource = ctx.project.resource(ref.address)
            if resource is not None and resource.type.startswith("azuredevops_serviceendpoint_"):
                return resource
    return None


def _project_name(ctx: Context, endpoint: Resource) -> str | None:
    for ref in refs_in(endpoint.values.get("project_id")):
        project = ctx.project.resource(ref.address)
        if project is not None:
            return text_of(project.values.get("name"))
    return None


def azure_identities(ctx: Context, fic: Resource) -> list[str]:
    if fic.type == "azurerm_federated_identity_credential":
        for ref in refs_in(fic.values.get("parent_id")) or []:
            return [ref.address]
        return [a for a in fic.references.get("parent_id", [])] or [str(fic.values.get("parent_id"))]
    apps = [r.address for key in ("application_id", "application_object_id") for r in refs_in(fic.values.get(key))]
    out = []
    for sp in ctx.project.by_type("azuread_service_principal"):
        linked = [r.address for key in ("client_id", "application_id") for r in refs_in(sp.values.get(key))]
        if set(linked) & set(apps):
            out.append(sp.address)
    return out or apps
