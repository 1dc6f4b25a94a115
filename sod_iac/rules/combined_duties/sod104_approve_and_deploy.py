"""Principal can both approve a change and author, merge or deploy it

## What it does
Reports each principal that holds the approve and the deploy duties in the cloud (e.g.
codepipeline:PutApprovalResult with StartPipelineExecution), and each GitHub identity that is a
required reviewer of a deployment environment and can also bypass branch protection or a ruleset of
the same repository.

## Why is this bad?
An approval step only adds assurance when the approver is someone other than the person who wrote,
merged or ships the change. If one principal can push code or start a release and also record the
approval (a pipeline approval action, a required review, an environment sign-off), the four-eyes
control collapses into a formality that one person satisfies alone.

## Example
```hcl
data "aws_iam_policy_document" "release" {
  statement {
    actions = [
      "codecommit:GitPush",
      "codepipeline:StartPipelineExecution",
      "codepipeline:PutApprovalResult",  # the same role approves what it pushed
    ]
    resources = ["*"]
  }
}
```

## Use instead
```hcl
data "aws_iam_policy_document" "release" {
  statement {
    actions   = ["codecommit:GitPush", "codepipeline:StartPipelineExecution"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "approver" {  # attached to a different role
  statement {
    actions   = ["codepipeline:PutApprovalResult"]
    resources = [aws_codepipeline.release.arn]
  }
}
```

## How to fix
Give approval permissions (codepipeline:PutApprovalResult, environment reviewer rights,
required-review membership) to a group that does not also hold push, merge or deploy rights on the
same path, and make CI identities deploy only after an approval they cannot grant themselves.

## Options
None.

## References
- [NIST SP 800-53 Rev. 5 AC-5 Separation of Duties](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
- NIST SP 800-53 Rev. 5 CM-3 Configuration Change Control, CM-5 Access Restrictions for Change
- [AWS CodePipeline, Manage approval actions in CodePipeline](https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals.html)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sod_iac.access.cloud_common import as_list, first_block, hop, refs_in, text_of
from sod_iac.core.model import Finding, Resource
from sod_iac.rules.anchor_types import PRINCIPALS
from sod_iac.rules.combined_duties.duty_conflicts import conflict_findings
from sod_iac.rules.context import Context

ANCHORS = PRINCIPALS | {"github_repository_environment"}  # an environment its deployer approves


BRANCH_PROTECTIONS = ("github_branch_protection", "github_branch_protection_v3")


def check(ctx: Context) -> Iterator[Finding]:
    """An approval only adds assurance when the approver is not the one who wrote, merged or
    ships the change; the same principal on both sides makes the four-eyes step a formality.

    Two forms:
    - cloud permissions (the `approve` and `deploy` duties of the catalog): e.g. an AWS role with
      codepipeline:PutApprovalResult and codepipeline:StartPipelineExecution or codecommit:GitPush;
      a GCP member with clouddeploy.rollouts.approve and clouddeploy.releases.create;
    - GitHub: an identity that is a required reviewer of a deployment environment
      (`github_repository_environment.reviewers`) and can also skip review on the same repository:
      a bypasser of branch protection (`pull_request_bypassers`, `push_allowances`,
      `force_push_bypassers` of `github_branch_protection[_v3]`) or of a ruleset
      (`github_repository_ruleset.bypass_actors`). It can merge unreviewed code and then approve
      its own deployment. Identities match when both lists refer to the same resource of the code
      (`github_team.ops.id` and `github_team.ops.node_id`) or hold the same literal text.
    """
    yield from conflict_findings(ctx, "SOD104", "can approve changes and also author, merge or deploy them")
    yield from _github_reviewers_who_bypass(ctx)


def _github_reviewers_who_bypass(ctx: Context) -> Iterator[Finding]:
    bypass: dict[str, list[tuple[str, Resource, str]]] = {}
    for r in ctx.project.resources:
        if r.mode != "managed":
            continue
        if r.type in BRANCH_PROTECTIONS:
            repo = _repo_key(ctx, r.values.get("repository_id") if r.type == "github_branch_protection"
                             else r.values.get("repository"), r)
            reviews = first_block(r.values.get("required_pull_request_reviews"))
            pushes = first_block(r.values.get("restrict_pushes"))
            for label, items in (("pull_request_bypassers", reviews.get("pull_request_bypassers")),
                                 ("push_allowances", pushes.get("push_allowances")),
                                 ("push_restrictions", r.values.get("push_restrictions")),
                                 ("force_push_bypassers", r.values.get("force_push_bypassers"))):
                for item in as_list(items):
                    for who in _identities(item):
                        bypass.setdefault(repo, []).append((who, r, label))
        elif r.type == "github_repository_ruleset":
            repo = _repo_key(ctx, r.values.get("repository"), r)
            for actor in as_list(r.values.get("bypass_actors")):
                if isinstance(actor, dict):
                    for who in _identities(actor.get("actor_id")):
                        bypass.setdefault(repo, []).append((who, r, "bypass_actors"))
    seen: set[tuple[str, str]] = set()
    for env in ctx.project.by_type("github_repository_environment"):
        repo = _repo_key(ctx, env.values.get("repository"), env)
        reviewers = first_block(env.values.get("reviewers"))
        for kind in ("users", "teams"):
            for item in as_list(reviewers.get(kind)):
                for who in _identities(item):
                    candidates = [b for bs in bypass.values() for b in bs] if repo == "*" else \
                        bypass.get(repo, []) + bypass.get("*", [])
                    for other, protection, label in candidates:
                        if other != who or (env.address, who) in seen:
                            continue
                        seen.add((env.address, who))
                        evidence = [
                            hop(env, f"{who} is a required reviewer ({kind}) of environment "
                                     f"{text_of(env.values.get('environment')) or env.address}"
                                ).model_copy(update={"duty": "approve"}),
                            hop(protection, f"{who} is in {label} of {protection.address}"
                                ).model_copy(update={"duty": "deploy"}),
                        ]
                        message = (f"{who} must approve deployments to environment "
                                   f"{text_of(env.values.get('environment')) or env.address} and can also skip "
                                   f"review of the code ({label} of {protection.address})")
                        yield ctx.finding("SOD104", env.address, message, principal=who,
                                          duties=["approve", "deploy"], evidence=evidence)


def _identities(value: Any) -> list[str]:
    """A reviewer/bypasser as an identity key: the resource it refers to, else its text."""
    refs = refs_in(value)
    if refs:
        return sorted({r.address for r in refs})
    text = text_of(value)
    return [text] if text else []


def _repo_key(ctx: Context, value: Any, r: Resource) -> str:
    for ref in refs_in(value):
        return ref.address
    text = text_of(value)
    if text is None:
        return "*"
    for repo in ctx.project.by_type("github_repository"):
        if text in (text_of(repo.values.get("name")), text_of(repo.values.get("full_name"))):
            return repo.address
    return text.rsplit("/", 1)[-1]
