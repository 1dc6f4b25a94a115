"""`sod-iac access PRINCIPAL`: a principal's effective permissions (AWS, GCP, Azure,
Kubernetes), with evidence.

Reports never compute: this module only formats what the engine answers (grants as they
reach the principal, roles it can assume, escalation paths it holds, full administrator).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from sod_iac.access.aws import condition_level
from sod_iac.cli.evidence import exit_on_load_errors, hop_data, hop_lines, where
from sod_iac.cli.options import CONTEXT_SETTINGS, query_options
from sod_iac.core.values import to_jsonable
from sod_iac.core.wording import as_written


def describe_principal(aws: Any, principal: str) -> dict[str, Any]:
    """Everything the engine knows about one AWS principal, as plain data."""
    grants = []
    for grant in aws.grants(principal):
        st = grant.statement
        grants.append({
            "effect": st.effect,
            "actions": list(st.actions) if st.actions is not None else None,
            "not_actions": list(st.not_actions) if st.not_actions is not None else None,
            "resources": to_jsonable(list(st.resources)) if st.resources is not None else None,
            "not_resources": to_jsonable(list(st.not_resources)) if st.not_resources is not None else None,
            "shown_resources": _shown_resources(st),
            "conditions": [{"operator": c.operator, "key": c.key, "values": to_jsonable(list(c.values))}
                           for c in st.conditions],
            "level": "possible" if st.unknown else condition_level(st),
            "evidence": [hop_data(e) for e in grant.evidence],
        })
    boundaries = [[hop_data(e) for e in src.evidence] for src in aws.model.boundaries.get(principal, [])]
    assumable = [{"role": role, "level": level, "evidence": [hop_data(e) for e in hops]}
                 for role, level, hops in aws.assumable(principal)]
    paths = [{"id": hit.path.id, "title": hit.path.title, "level": hit.level, "via": hit.targets}
             for hit in aws.escalation.held_paths(principal)]
    return {"principal": principal, "kind": aws.model.kinds.get(principal), "arn": aws.arn(principal),
            "grants": grants, "boundaries": boundaries, "assumable_roles": assumable,
            "escalation_paths": paths, "full_administrator": aws.full_admin(principal) is not None}


def _shown_resources(st: Any) -> list[str]:
    """The resource patterns as people read them: references as the addresses they name."""
    if st.resources is not None:
        return [as_written(r) for r in st.resources]
    return ["NotResource", *(as_written(r) for r in st.not_resources or ())]


def render_text(data: dict[str, Any]) -> str:
    lines = [f"{data['principal']} ({data['kind']}, {data['arn']})", ""]
    lines.append("Grants (identity policies, own and through groups):")
    for g in data["grants"] or []:
        actions = ", ".join(g["actions"]) if g["actions"] is not None else "NotAction " + ", ".join(g["not_actions"])
        resources = g["shown_resources"]
        cond = f" [{g['level']}]" if g["level"] != "yes" else ""
        lines.append(f"  {g['effect']} {actions} on {', '.join(resources or ['(this resource)'])}{cond}")
        lines.extend(hop_lines(g["evidence"]))
    if not data["grants"]:
        lines.append("  (none)")
    if data["boundaries"]:
        lines.append("Permissions boundary:")
        for hops in data["boundaries"]:
            lines.extend(f"  {h['address']} ({where(h)}): {h['detail']}" for h in hops)
    lines.append("Roles it can assume:")
    for role in data["assumable_roles"] or []:
        lines.append(f"  {role['role']} [{role['level']}]")
        lines.extend(hop_lines(role["evidence"]))
    if not data["assumable_roles"]:
        lines.append("  (none)")
    lines.append("Escalation paths held:")
    lines.extend(f"  {p['id']} [{p['level']}]: {p['title']}" for p in data["escalation_paths"])
    if not data["escalation_paths"]:
        lines.append("  (none)")
    lines.append(f"Full administrator: {'yes' if data['full_administrator'] else 'no'}")
    return "\n".join(lines) + "\n"


@click.command("access", context_settings=CONTEXT_SETTINGS)
@click.argument("principal")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@query_options
def access(principal: str, paths: tuple[Path, ...], fmt: str, repo_root: Path | None,
           var_files: tuple[Path, ...]) -> None:
    """Show PRINCIPAL's effective permissions with the evidence for each grant.

    PRINCIPAL is a principal as findings name it: an address of the code (`aws_iam_role.ci`,
    `module.iam.aws_iam_user.alice`, `google_service_account.ci`,
    `azurerm_user_assigned_identity.app`, `kubernetes_service_account_v1.ci`) or the identity as
    written (`user:alice@example.com`, `User:dev`, `ServiceAccount:prod/ci`). PATHS are scanned
    as by `sod-iac scan` (default: .). For AWS: the statements that reach it (own, group,
    permission set), its boundary, the roles it can assume (transitively), the escalation paths
    it holds. For GCP, Azure and Kubernetes: the roles bound to it and where (bindings, role
    assignments, Key Vault access policies, role bindings). Always: whether it is a full
    administrator.
    """
    from sod_iac.cli.common import fail
    from sod_iac.pipeline.query import analyse

    project, graph = analyse(list(paths), repo_root=str(repo_root) if repo_root else None,
                             var_files=[str(v) for v in var_files])
    engine = next((e for e in graph.engines() if any(p.id == principal for p in e.principals())), None)
    if engine is None:
        known = sorted({p.id for p in graph.principals()})
        hint = ", ".join(known[:8]) or "none found"
        fail(f"no principal {principal!r} in the scanned code (principals: {hint})")
    if engine is graph.aws:
        data = describe_principal(engine, principal)
        text = render_text(data)
    else:
        data = describe_roles(engine, principal)
        text = render_roles(data)
    click.echo(json.dumps(data, indent=2) if fmt == "json" else text, nl=fmt == "json")
    exit_on_load_errors(project)


def describe_roles(engine: Any, principal: str) -> dict[str, Any]:
    """A GCP, Azure or Kubernetes principal: the roles bound to it, where, with evidence."""
    found = next(p for p in engine.principals() if p.id == principal)
    return {"principal": principal, "cloud": found.cloud, "kind": found.kind,
            "roles": [{"role": r.role, "scope": r.scope, "level": r.level,
                       "evidence": [hop_data(e) for e in r.evidence]} for r in engine.roles_held(principal)],
            "full_administrator": engine.full_admin(principal) is not None}


def render_roles(data: dict[str, Any]) -> str:
    lines = [f"{data['principal']} ({data['cloud']} {data['kind']})", "", "Roles held:"]
    for role in data["roles"]:
        level = "" if role["level"] == "yes" else f" [{role['level']}]"
        lines.append(f"  {role['role']} on {role['scope']}{level}")
        lines.extend(hop_lines(role["evidence"]))
    if not data["roles"]:
        lines.append("  (none)")
    lines.append(f"Full administrator: {'yes' if data['full_administrator'] else 'no'}")
    return "\n".join(lines) + "\n"
