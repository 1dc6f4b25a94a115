"""Production deploy environment has no independent reviewer

## What it does
Reports production deployment environments (GitHub, GitLab, Azure DevOps) that have no required
reviewer, or whose reviewers may approve their own deployments or be bypassed by administrators.

## Why is this bad?
A deployment environment with required reviewers is the last human gate before a workflow receives
production credentials. Without reviewers, or when the person who triggers the deployment may
approve it, any workflow run that targets the environment deploys at once, and the deploy secrets
stored in the environment are available to it.

## Example
```hcl
resource "github_repository_environment" "production" {
  repository  = github_repository.app.name
  environment = "production"
  # no reviewers block: any workflow run deploys without approval
}
```

## Use instead
```hcl
resource "github_repository_environment" "production" {
  repository          = github_repository.app.name
  environment         = "production"
  prevent_self_review = true
  can_admins_bypass   = false
  reviewers {
    teams = [github_team.release_approvers.id]
  }
}
```

## How to fix
Add required reviewers (teams or users other than the usual authors) to production environments,
prevent self-review where the platform allows it (prevent_self_review on GitHub,
requester_can_approve = false on Azure DevOps approval checks), stop administrators from bypassing
it (can_admins_bypass = false), and restrict which branches may deploy to the environment.
Environments are judged when their name looks like production (setting `production`).

## Options
- `production` (per resource, per rule or top level; default `["prod", "production", "prd",
  "live"]`): whole-word regular expressions that mark production in names, tags, branches.

## References
- [GitHub Docs, Using environments for deployment](https://docs.github.com/en/actions/deployment/targeting-different-environments/using-environments-for-deployment)
- [Azure Pipelines, Define approvals and checks](https://learn.microsoft.com/en-us/azure/devops/pipelines/process/approvals)
- [NIST SP 800-53 Rev. 5 CM-3 Configuration Change Control, AC-5 Separation of Duties](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sod_iac.core.model import Evidence, Finding, Resource
from sod_iac.core.values import as_list
from sod_iac.rules.approval.common import (
    ProductionOptions,
    Weak,
    blocks,
    flag,
    hop,
    managed,
    not_on,
    number,
    production,
    refers_to,
    text,
    unstated,
    worst,
)
from sod_iac.rules.context import Context

ANCHORS = frozenset({"github_repository_environment", "gitlab_project_protected_environment",
                     "azuredevops_environment"})


class Options(ProductionOptions):
    """`production`, shared with the other rules that judge production (approval/common.py)."""


def check(ctx: Context) -> Iterator[Finding]:
    """The last human gate before production credentials: it needs a reviewer who is not the deployer.

    Vendor settings read, with the vendor's documented defaults: deployment environments (GitHub
    `reviewers`, `prevent_self_review` default false, `can_admins_bypass` default true; GitLab
    protected environment approval rules; Azure DevOps approval checks on environments).
    """
    project = ctx.project
    prod = production(ctx, "SOD213")
    for environment in managed(project, "github_repository_environment"):
        values = environment.values
        match = prod.at(environment.address).match(values.get("environment"))
        if not match:
            continue
        weaknesses: Weak = []
        reviewers = blocks(values.get("reviewers"))
        people = [r for block in reviewers for key in ("users", "teams") for r in as_list(block.get(key))]
        if not people:
            weaknesses.append(("no reviewers: any workflow run that targets it deploys at once", "high"))
        else:
            if not_on(values.get("prevent_self_review")):
                weaknesses.append(("prevent_self_review is not true (default false): whoever triggers the "
                                   "deployment can approve it", "medium"))
        if flag(values.get("can_admins_bypass")) is not False and not unstated(values.get("can_admins_bypass")):
            weaknesses.append(("can_admins_bypass is not false (default true): administrators deploy without "
                               "review", "medium"))
        yield from _environment_finding(ctx, environment, values.get("environment"), match, weaknesses)
    for environment in managed(project, "gitlab_project_protected_environment"):
        values = environment.values
        match = prod.at(environment.address).match(values.get("environment"))
        if not match:
            continue
        rules = blocks(values.get("approval_rules"))
        legacy = number(values.get("required_approval_count"))
        approvals = [number(r.get("required_approvals")) for r in rules]
        weaknesses = []
        if not rules and not (legacy and legacy > 0):
            weaknesses.append(("no approval_rules: deployments need no approval", "high"))
        elif rules and all(a == 0 for a in approvals):
            weaknesses.append(("every approval rule requires 0 approvals", "high"))
        yield from _environment_finding(ctx, environment, values.get("environment"), match, weaknesses)
    checks = managed(project, "azuredevops_check_approval")
    for environment in managed(project, "azuredevops_environment"):
        values = environment.values
        match = prod.at(environment.address).match(values.get("name"))
        if not match:
            continue
        mine = [c for c in checks if refers_to(c, "target_resource_id", environment.address)
                and (c.values.get("target_resource_type") == "environment"
                     or not isinstance(c.values.get("target_resource_type"), str))]
        weaknesses = []
        evidence = []
        if not mine:
            weaknesses.append(("no azuredevops_check_approval targets it: pipelines deploy without approval", "high"))
        for check in mine:
            evidence.append(hop(check, "approval check"))
            if flag(check.values.get("requester_can_approve")) is True:
                weaknesses.append((f"{check.address} has requester_can_approve = true: the person who runs the "
                                   "pipeline can approve it", "high"))
            minimum = number(check.values.get("minimum_required_approvers"))
            if minimum is not None and minimum < 1:
                weaknesses.append((f"{check.address} has minimum_required_approvers = {int(minimum)}", "high"))
            if not as_list(check.values.get("approvers")) and check.values.get("approvers") is not None:
                weaknesses.append((f"{check.address} names no approvers", "high"))
        if mine and len(weaknesses) == 0:
            continue
        yield from _environment_finding(ctx, environment, values.get("name"), match, weaknesses, evidence)


def _environment_finding(ctx: Context, resource: Resource, name: Any, match: str, weaknesses: Weak,
                         evidence: list[Evidence] | None = None) -> Iterator[Finding]:
    if not weaknesses:
        return
    possible = " (possibly production: its name is not stated)" if match == "possible" else ""
    message = (f"{resource.address} (environment {text(name)}{possible}) has no independent reviewer: "
               + "; ".join(w for w, _ in weaknesses) + ".")
    yield ctx.finding("SOD213", resource.address, message, severity=worst(s for _, s in weaknesses),
                      evidence=evidence or [])
