"""Branch protection lets an author merge unreviewed or self-approved code

## What it does
Reports GitHub branch protections and rulesets, GitLab protected branches and Azure DevOps
minimum-reviewer policies that let an author merge without enough independent approvals.

## Why is this bad?
Branch protection is the control that makes code review mandatory. If it requires no approving
review, lets administrators bypass it, does not dismiss approvals when new commits are pushed, or
lets the last pusher approve their own commits, an author can get unreviewed code onto the deploy
branch and from there into production.

## Example
```hcl
resource "github_branch_protection" "main" {
  repository_id  = github_repository.infra.node_id
  pattern        = "main"
  enforce_admins = false

  required_pull_request_reviews {
    required_approving_review_count = 0
    dismiss_stale_reviews           = false
  }
}
```

## Use instead
```hcl
resource "github_branch_protection" "main" {
  repository_id  = github_repository.infra.node_id
  pattern        = "main"
  enforce_admins = true

  required_pull_request_reviews {
    required_approving_review_count = 1
    dismiss_stale_reviews           = true
    require_last_push_approval      = true
  }
}
```

## How to fix
Require at least one approving review (required_approving_review_count >= 1), dismiss stale reviews,
require approval of the most recent push, require code owner reviews for infrastructure paths, and
set enforce_admins = true so administrators cannot bypass it.

## Options
- `min_approvals` (per resource, per rule or top level; default `1`): approving reviews a protected
  branch must require.

## References
- [GitHub Docs, About protected branches](https://docs.github.com/en/repositories/configuring-branches-and-merges-in-your-repository/managing-protected-branches/about-protected-branches)
- [NIST SP 800-53 Rev. 5 AC-5 Separation of Duties, CM-3 Configuration Change Control](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import BaseModel, Field

from sod_iac.core.model import Finding, Resource
from sod_iac.core.values import as_list
from sod_iac.rules.approval.common import Weak, blocks, first, flag, managed, not_on, number, text, worst
from sod_iac.rules.context import Context
from sod_iac.rules.options import PER_RESOURCE

ANCHORS = frozenset({"github_branch_protection", "github_branch_protection_v3", "github_repository_ruleset",
                     "github_organization_ruleset", "gitlab_branch_protection",
                     "azuredevops_branch_policy_min_reviewers"})


class Options(BaseModel):
    min_approvals: Annotated[int, Field(ge=1)] = Field(
        1, description="approving reviews a protected branch must require", json_schema_extra=PER_RESOURCE)


def check(ctx: Context) -> Iterator[Finding]:
    """Branch protection is what makes review mandatory; each gap lets an author merge alone.

    Vendor settings read, with the vendor's documented defaults: branch protection (GitHub
    classic and v3 protections and rulesets, GitLab protected branches, Azure DevOps
    minimum-reviewer policies).
    """
    project = ctx.project
    checks = {
        "github_branch_protection": _github_protection,
        "github_branch_protection_v3": _github_protection,
        "github_repository_ruleset": _github_ruleset,
        "github_organization_ruleset": _github_ruleset,
        "gitlab_branch_protection": _gitlab_protection,
        "azuredevops_branch_policy_min_reviewers": _azure_min_reviewers,
    }
    for resource in managed(project, *checks):
        result = checks[resource.type](resource, ctx.option("SOD212", "min_approvals", address=resource.address))
        if result is None:
            continue
        what, weaknesses = result
        if not weaknesses:
            continue
        message = (f"{resource.address} ({what}) lets code reach the branch without an independent review: "
                   + "; ".join(w for w, _ in weaknesses) + ".")
        yield ctx.finding("SOD212", resource.address, message, severity=worst(s for _, s in weaknesses))


def _reviews_count(review: dict[str, Any], default: int, minimum: float, weaknesses: Weak) -> None:
    count = review.get("required_approving_review_count", default)
    count = default if count is None else count
    value = number(count)
    if value is not None and value < minimum:
        weaknesses.append((f"required_approving_review_count = {int(value)} (minimum {int(minimum)})", "high"))


def _github_protection(resource: Resource, minimum: float) -> tuple[str, Weak] | None:
    """github_branch_protection (GraphQL) and github_branch_protection_v3 (REST): the same
    review settings; bypassers are `pull_request_bypassers` in the first and
    `bypass_pull_request_allowances { users teams apps }` in the second."""
    values = resource.values
    if flag(values.get("lock_branch")) is True:
        return None  # read-only branch: nothing merges
    weaknesses: Weak = []
    reviews = blocks(values.get("required_pull_request_reviews"))
    if not reviews:
        weaknesses.append(("no required_pull_request_reviews block: no approving review is required", "high"))
    else:
        review = reviews[0]
        _reviews_count(review, 1, minimum, weaknesses)
        if not_on(review.get("dismiss_stale_reviews")):
            weaknesses.append(("dismiss_stale_reviews is not true: commits pushed after an approval keep it",
                               "medium"))
        if not_on(review.get("require_last_push_approval")):
            weaknesses.append(("require_last_push_approval is not true: the last pusher can approve their own "
                               "commits", "low"))
        if resource.type == "github_branch_protection":
            name, bypass = "pull_request_bypassers", [text(b) for b in as_list(review.get("pull_request_bypassers"))]
        else:
            allowances = first(review.get("bypass_pull_request_allowances"))
            name = "bypass_pull_request_allowances"
            bypass = [text(a) for key in ("users", "teams", "apps") for a in as_list(allowances.get(key))]
        if bypass:
            weaknesses.append((f"{name} {', '.join(bypass)} can merge without review", "medium"))
    if not_on(values.get("enforce_admins")):
        weaknesses.append(("enforce_admins is not true: administrators bypass the protection", "medium"))
    if resource.type == "github_branch_protection":
        return f"pattern {text(values.get('pattern'))}", weaknesses
    return f"branch {text(values.get('branch'))}", weaknesses


def _github_ruleset(resource: Resource, minimum: float) -> tuple[str, Weak] | None:
    values = resource.values
    target = values.get("target")
    if isinstance(target, str) and target != "branch":
        return None
    review = first(first(values.get("rules")).get("pull_request"))
    if not first(values.get("rules")).get("pull_request"):
        return None  # a ruleset without a pull_request rule does not claim to enforce review
    weaknesses: Weak = []
    enforcement = values.get("enforcement")
    if isinstance(enforcement, str) and enforcement != "active":
        weaknesses.append((f"enforcement = \"{enforcement}\": the pull request rule is not enforced", "high"))
    _reviews_count(review, 0, minimum, weaknesses)
    if not_on(review.get("dismiss_stale_reviews_on_push")):
        weaknesses.append(("dismiss_stale_reviews_on_push is not true: commits pushed after an approval keep it",
                           "medium"))
    if not_on(review.get("require_last_push_approval")):
        weaknesses.append(("require_last_push_approval is not true: the last pusher can approve their own commits",
                           "low"))
    actors = [f"{text(a.get('actor_type'))} {text(a.get('actor_id'))} ({text(a.get('bypass_mode') or 'always')})"
              for a in blocks(values.get("bypass_actors"))]
    if actors:
        weaknesses.append((f"bypass_actors {', '.join(actors)} can skip the rules", "medium"))
    return f"ruleset {text(values.get('name'))}", weaknesses


def _gitlab_protection(resource: Resource, minimum: float) -> tuple[str, Weak] | None:
    values = resource.values
    weaknesses: Weak = []
    push = values.get("push_access_level", "maintainer")
    push = "maintainer" if push is None else push
    if push == "developer":
        weaknesses.append(("push_access_level = \"developer\": developers push to the branch directly, without "
                           "a merge request", "high"))
    elif push == "maintainer":
        weaknesses.append(("push_access_level is \"maintainer\" (the default): maintainers push directly, "
                           "without a merge request", "medium"))
    allowed = [f"{k} {text(b.get(k))}" for b in blocks(values.get("allowed_to_push"))
               for k in ("user_id", "group_id") if b.get(k) is not None]
    if allowed:
        weaknesses.append((f"allowed_to_push ({', '.join(allowed)}) push directly, without a merge request",
                           "medium"))
    if flag(values.get("allow_force_push")) is True:
        weaknesses.append(("allow_force_push = true: reviewed history can be rewritten", "medium"))
    return f"branch {text(values.get('branch'))}", weaknesses


def _azure_min_reviewers(resource: Resource, minimum: float) -> tuple[str, Weak] | None:
    values = resource.values
    settings = first(values.get("settings"))
    weaknesses: Weak = []
    if flag(values.get("enabled")) is False:
        weaknesses.append(("enabled = false: the policy does not run", "high"))
    if flag(values.get("blocking")) is False:
        weaknesses.append(("blocking = false: the policy is optional", "high"))
    count = number(settings.get("reviewer_count"))
    if count is not None and count < minimum:
        weaknesses.append((f"reviewer_count = {int(count)} (minimum {int(minimum)})", "high"))
    if flag(settings.get("submitter_can_vote")) is True:
        weaknesses.append(("submitter_can_vote = true: authors approve their own pull requests", "high"))
    if not_on(settings.get("last_pusher_cannot_approve")):
        weaknesses.append(("last_pusher_cannot_approve is not true: the last pusher can approve their own changes",
                           "medium"))
    if not_on(settings.get("on_push_reset_approved_votes")) and not_on(settings.get("on_push_reset_all_votes")):
        weaknesses.append(("neither on_push_reset_approved_votes nor on_push_reset_all_votes: approvals survive "
                           "new pushes", "medium"))
    if flag(settings.get("allow_completion_with_rejects_or_waits")) is True:
        weaknesses.append(("allow_completion_with_rejects_or_waits = true", "low"))
    scopes = [text(s.get("repository_ref") or "all branches") for s in blocks(settings.get("scope"))]
    return f"scope {', '.join(scopes) or 'unknown'}", weaknesses
