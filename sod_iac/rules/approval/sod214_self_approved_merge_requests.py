"""Merge requests can be approved by their author or committers

## What it does
Reports GitLab project and group merge request approval settings that let authors or committers
approve, keep approvals across new commits or let approvers be edited per merge request, and
approval rules that require no approval.

## Why is this bad?
A merge request approval is meant to come from someone who did not write the change. When the
author, or anyone who pushed commits to the merge request, may approve it, a required approval can
be satisfied by the people it is meant to check, and a reviewer can add code after others approved
and then approve it themselves.

## Example
```hcl
resource "gitlab_project_level_mr_approvals" "infra" {
  project                                    = gitlab_project.infra.id
  merge_requests_author_approval             = true
  merge_requests_disable_committers_approval = false
  reset_approvals_on_push                    = false
}
```

## Use instead
```hcl
resource "gitlab_project_level_mr_approvals" "infra" {
  project                                    = gitlab_project.infra.id
  merge_requests_author_approval             = false
  merge_requests_disable_committers_approval = true
  reset_approvals_on_push                    = true
}
```

## How to fix
Set merge_requests_author_approval = false and merge_requests_disable_committers_approval = true,
reset approvals on push, and prevent approval rules from being overridden per merge request.

## Options
None.

## References
- [GitLab Docs, Merge request approval settings](https://docs.gitlab.com/ee/user/project/merge_requests/approvals/settings.html)
- [NIST SP 800-53 Rev. 5 AC-5 Separation of Duties](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.core.model import Finding, Resource
from sod_iac.rules.approval.common import Weak, flag, managed, not_on, number, text, worst
from sod_iac.rules.context import Context

ANCHORS = frozenset({"gitlab_project_level_mr_approvals", "gitlab_group_level_mr_approvals",
                     "gitlab_project_approval_rule"})


def check(ctx: Context) -> Iterator[Finding]:
    """An approval from the author or a committer is no independent approval.

    Vendor settings read, with the vendor's documented defaults: GitLab merge request approval
    settings and rules.
    """
    project = ctx.project
    for resource in managed(project, "gitlab_project_level_mr_approvals"):
        values = resource.values
        weaknesses: Weak = []
        if flag(values.get("merge_requests_author_approval")) is True:
            weaknesses.append(("merge_requests_author_approval = true: authors approve their own merge requests",
                               "high"))
        committers = values.get("merge_requests_disable_committers_approval")
        if not_on(committers):
            default = " (the GitLab default)" if committers is None else ""
            weaknesses.append((f"merge_requests_disable_committers_approval is false{default}: anyone who pushed "
                               "commits to a merge request can approve it", "medium"))
        if flag(values.get("reset_approvals_on_push")) is False:
            weaknesses.append(("reset_approvals_on_push = false: approvals survive new commits", "medium"))
        if flag(values.get("disable_overriding_approvers_per_merge_request")) is False:
            weaknesses.append(("disable_overriding_approvers_per_merge_request = false: approval rules can be "
                               "edited in each merge request", "low"))
        yield from _mr_finding(ctx, resource, weaknesses)
    for resource in managed(project, "gitlab_group_level_mr_approvals"):
        values = resource.values
        weaknesses = []
        if flag(values.get("allow_author_approval")) is True:
            weaknesses.append(("allow_author_approval = true: authors approve their own merge requests", "high"))
        if flag(values.get("allow_committer_approval")) is True:
            weaknesses.append(("allow_committer_approval = true: committers approve merge requests they changed",
                               "medium"))
        if flag(values.get("retain_approvals_on_push")) is True:
            weaknesses.append(("retain_approvals_on_push = true: approvals survive new commits", "medium"))
        if flag(values.get("allow_overrides_to_approver_list_per_merge_request")) is True:
            weaknesses.append(("allow_overrides_to_approver_list_per_merge_request = true", "low"))
        yield from _mr_finding(ctx, resource, weaknesses)
    for resource in managed(project, "gitlab_project_approval_rule"):
        required = number(resource.values.get("approvals_required"))
        if required is not None and required < 1:
            yield from _mr_finding(ctx, resource, [(
                f"approval rule {text(resource.values.get('name'))} requires {int(required)} approvals", "medium")])


def _mr_finding(ctx: Context, resource: Resource, weaknesses: Weak) -> Iterator[Finding]:
    if weaknesses:
        yield ctx.finding("SOD214", resource.address, f"{resource.address}: " + "; ".join(w for w, _ in weaknesses)
                          + ".", severity=worst(s for _, s in weaknesses))
