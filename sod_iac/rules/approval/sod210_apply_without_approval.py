"""Workspace or stack applies without human approval

## What it does
Reports HCP Terraform / Terraform Enterprise workspaces, Spacelift stacks and env0 environments that
apply without a human approval (auto_apply, autodeploy without an approval policy,
approve_plan_automatically), worse for production.

## Why is this bad?
Auto-apply (HCP Terraform auto_apply, Spacelift autodeploy and similar) turns every merged or pushed
change into a production change without anyone confirming the plan. The plan is the only place where
the real effect of a change (a replacement, a deletion) becomes visible, so skipping its review
removes the check between author and production.

## Example
```hcl
resource "tfe_workspace" "prod" {
  name         = "network-prod"
  organization = "acme"
  auto_apply   = true
}

resource "spacelift_stack" "prod" {
  name       = "network-prod"
  repository = "infra"
  branch     = "main"
  autodeploy = true
}
```

## Use instead
```hcl
resource "tfe_workspace" "prod" {
  name         = "network-prod"
  organization = "acme"
  auto_apply   = false  # a person confirms every apply
}
```

## How to fix
Turn auto-apply off for production workspaces and stacks (tfe_workspace / tfe_workspace_settings
auto_apply and auto_apply_run_trigger, Spacelift autodeploy, env0 approve_plan_automatically and the
project's requires_approval_default) so that a person other than the author confirms each plan, or
keep auto-apply only where an equivalent approval gate (a Spacelift APPROVAL policy, policy checks
plus a required review of the plan) runs before it. Which names count as production is configurable
(setting `production`, per workspace under resources.ADDRESS).

## Options
- `production` (per resource, per rule or top level; default `["prod", "production", "prd",
  "live"]`): whole-word regular expressions that mark production in names, tags, branches.

## References
- [HCP Terraform, Workspace settings (auto-apply)](https://developer.hashicorp.com/terraform/cloud-docs/workspaces/settings)
- [NIST SP 800-53 Rev. 5 CM-3 Configuration Change Control, CM-5 Access Restrictions for Change](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sod_iac.core.model import Evidence, Finding, Project, Resource
from sod_iac.core.values import Ref, as_list
from sod_iac.rules.approval.common import ProductionOptions, blocks, flag, hop, managed, production, refers_to, text
from sod_iac.rules.context import Context

ANCHORS = frozenset({"tfe_workspace", "tfe_workspace_settings", "spacelift_stack", "env0_environment"})


class Options(ProductionOptions):
    """`production`, shared with the other rules that judge production (approval/common.py)."""


def check(ctx: Context) -> Iterator[Finding]:
    """A workspace or stack that applies its own plans: nobody confirms what will change.

    Vendor settings read, with the vendor's documented defaults: HCP Terraform / Terraform
    Enterprise (`tfe_workspace.auto_apply`, default false; `auto_apply_run_trigger`;
    `tfe_workspace_settings.auto_apply`), Spacelift (`spacelift_stack.autodeploy`, default
    false, unless an APPROVAL policy is attached, by `spacelift_policy_attachment` or an
    `autoattach:<label>` label), env0 (`env0_environment.approve_plan_automatically`; when
    absent, the project's `env0_project_policy.requires_approval_default`; sub-environments
    approve automatically unless they set it to false).
    """
    project = ctx.project
    prod = production(ctx, "SOD210")
    for workspace in managed(project, "tfe_workspace"):
        values = workspace.values
        reasons = []
        if flag(values.get("auto_apply")) is True:
            reasons.append("auto_apply = true: every successful plan is applied without anyone confirming it")
        if flag(values.get("auto_apply_run_trigger")) is True:
            reasons.append("auto_apply_run_trigger = true: runs queued by run triggers apply without confirmation")
        if reasons:
            match = prod.at(workspace.address).match(values.get("name"), values.get("tag_names"), values.get("tags"))
            yield _workspace_finding(ctx, workspace, values.get("name"), reasons, match)
    for settings in managed(project, "tfe_workspace_settings"):
        if flag(settings.values.get("auto_apply")) is True:
            workspace = _referenced(project, settings, "workspace_id", "tfe_workspace")
            name = workspace.values.get("name") if workspace else settings.values.get("workspace_id")
            tags = [workspace.values.get("tag_names"), workspace.values.get("tags")] if workspace else []
            yield _workspace_finding(ctx, settings, name, [
                "auto_apply = true: every successful plan is applied without anyone confirming it"],
                prod.at(settings.address).match(name, settings.values.get("tags"), *tags),
                extra=[hop(workspace, "the workspace")] if workspace else [])
    yield from _spacelift(ctx, prod)
    yield from _env0(ctx, prod)


def _workspace_finding(ctx: Context, resource: Resource, name: Any, reasons: list[str], prod: str | None,
                       extra: list[Evidence] | None = None) -> Finding:
    where = _production_text(prod)
    message = f"{resource.address} (workspace {text(name)}{where}) applies without human approval: " \
              + "; ".join(reasons) + "."
    return ctx.finding("SOD210", resource.address, message, severity="high" if prod else "medium",
                       evidence=extra or [])


def _production_text(prod: str | None) -> str:
    return {"yes": ", production", "possible": ", possibly production: its name is not stated"}.get(prod or "", "")


def _referenced(project: Project, resource: Resource, argument: str, rtype: str) -> Resource | None:
    for address in resource.references.get(argument, []):
        found = project.resource(address)
        if found is not None and found.type == rtype:
            return found
    value = resource.values.get(argument)
    if isinstance(value, Ref):
        found = project.resource(value.address)
        if found is not None and found.type == rtype:
            return found
    return None


def _spacelift(ctx: Context, prod: Any) -> Iterator[Finding]:
    project = ctx.project
    policies = managed(project, "spacelift_policy")
    attachments = managed(project, "spacelift_policy_attachment")
    for stack in managed(project, "spacelift_stack"):
        if flag(stack.values.get("autodeploy")) is not True:
            continue
        labels = {label for label in as_list(stack.values.get("labels")) if isinstance(label, str)}
        gates = []
        for attachment in attachments:
            if not refers_to(attachment, "stack_id", stack.address):
                continue
            policy = _referenced(project, attachment, "policy_id", "spacelift_policy")
            if policy is None or not isinstance(policy.values.get("type"), str) \
                    or policy.values.get("type") == "APPROVAL":
                gates.append(attachment)  # an APPROVAL policy, or one the code does not show
        for policy in policies:
            auto = {label.split(":", 1)[1] for label in as_list(policy.values.get("labels"))
                    if isinstance(label, str) and label.startswith("autoattach:")}
            if policy.values.get("type") == "APPROVAL" and ("*" in auto or auto & labels):
                gates.append(policy)
        if gates:
            continue
        name = stack.values.get("name")
        match = prod.at(stack.address).match(name, stack.values.get("labels"), stack.values.get("branch"))
        yield ctx.finding("SOD210", stack.address, (
            f"{stack.address} (stack {text(name)}{_production_text(match)}) has autodeploy = true and no "
            "APPROVAL policy attached (no spacelift_policy_attachment of a policy of type APPROVAL and no "
            "autoattach label that matches the stack): every tracked change is applied once its plan "
            "succeeds."), severity="high" if match else "medium")


def _env0(ctx: Context, prod: Any) -> Iterator[Finding]:
    project = ctx.project
    policies = managed(project, "env0_project_policy")
    for environment in managed(project, "env0_environment"):
        values = environment.values
        reasons = []
        evidence: list[Evidence] = []
        automatic = flag(values.get("approve_plan_automatically"))
        if automatic is True:
            reasons.append("approve_plan_automatically = true")
        elif values.get("approve_plan_automatically") is None:
            for policy in policies:
                if _same_value(policy, "project_id", environment, "project_id") \
                        and flag(policy.values.get("requires_approval_default")) is False:
                    reasons.append(f"approve_plan_automatically is not set and the project policy "
                                   f"{policy.address} sets requires_approval_default = false")
                    evidence.append(hop(policy, "requires_approval_default = false"))
        for sub in blocks(values.get("sub_environment_configuration")):
            setting = sub.get("approve_plan_automatically")
            if setting is None or flag(setting) is True:
                reasons.append(f"sub-environment {text(sub.get('alias'))} approves its plans automatically "
                               "(approve_plan_automatically defaults to true)")
        if reasons:
            match = prod.at(environment.address).match(values.get("name"), values.get("tags"),
                                                       values.get("workspace"))
            yield ctx.finding("SOD210", environment.address, (
                f"{environment.address} (environment {text(values.get('name'))}{_production_text(match)}) "
                "deploys without a human approving the plan: " + "; ".join(reasons) + "."),
                severity="high" if match else "medium", evidence=evidence)


def _same_value(a: Resource, a_arg: str, b: Resource, b_arg: str) -> bool:
    va, vb = a.values.get(a_arg), b.values.get(b_arg)
    if isinstance(va, Ref) and isinstance(vb, Ref):
        return va.address == vb.address
    if isinstance(va, str) and isinstance(vb, str):
        return va == vb
    ra, rb = set(a.references.get(a_arg, [])), set(b.references.get(b_arg, []))
    return bool(ra & rb)
