"""Pipeline deploys to production without a manual approval gate

## What it does
Reports AWS CodePipeline pipelines for production whose Deploy action has no earlier Manual approval
action, or whose approvers can also edit the pipeline.

## Why is this bad?
A release pipeline that goes from source to production with no manual approval lets every change
that enters the source branch (including one that bypassed review) reach production automatically. A
manual approval by someone other than the author before the production stage keeps deployment a
separate, attributable decision.

## Example
```hcl
resource "aws_codepipeline" "release" {
  name     = "release"
  role_arn = aws_iam_role.pipeline.arn
  # artifact_store omitted
  stage {
    name = "Source"
    # source action omitted
  }
  stage {
    name = "DeployProd"  # no stage with an Approval action before it
    action {
      name     = "Deploy"
      category = "Deploy"
      owner    = "AWS"
      provider = "CodeDeploy"
      version  = "1"
    }
  }
}
```

## Use instead
```hcl
resource "aws_codepipeline" "release" {
  name     = "release"
  role_arn = aws_iam_role.pipeline.arn
  # artifact_store and source stage omitted
  stage {
    name = "Approve"
    action {
      name     = "ProductionGate"
      category = "Approval"
      owner    = "AWS"
      provider = "Manual"
      version  = "1"
    }
  }
  stage {
    name = "DeployProd"
    # deploy action as before
  }
}
```

## How to fix
Add a manual approval (an Approval action in CodePipeline, an environment with approvals in Azure
Pipelines or GitHub Actions, a manual job in GitLab) before every stage that deploys to production,
and restrict who may approve it to people who do not author the changes.

## Options
- `production` (per resource, per rule or top level; default `["prod", "production", "prd",
  "live"]`): whole-word regular expressions that mark production in names, tags, branches.

## References
- [AWS CodePipeline, Manage approval actions in CodePipeline](https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals.html)
- [Azure Pipelines, Define approvals and checks](https://learn.microsoft.com/en-us/azure/devops/pipelines/process/approvals)
- [NIST SP 800-53 Rev. 5 CM-3 Configuration Change Control](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sod_iac.core.model import Evidence, Finding, Resource, unique_evidence
from sod_iac.rules.approval.common import ProductionOptions, Weak, blocks, managed, number, production, text, worst
from sod_iac.rules.context import Context

ANCHORS = frozenset({"aws_codepipeline"})


class Options(ProductionOptions):
    """`production`, shared with the other rules that judge production (approval/common.py)."""


_DEPLOY_WORDS = re.compile(r"(?i)(?<![a-z])(deploy|apply|release|promote)")


def check(ctx: Context) -> Iterator[Finding]:
    """A pipeline that reaches production with no manual approval, or whose approvers can remove it.

    Vendor settings read, with the vendor's documented defaults: AWS CodePipeline: a Deploy
    action with no earlier Manual approval action.
    """
    prod = production(ctx, "SOD215")
    for pipeline in managed(ctx.project, "aws_codepipeline"):
        name = pipeline.values.get("name")
        ungated: list[str] = []
        gates: list[tuple[str, str]] = []
        matches = [prod.at(pipeline.address).match(name, pipeline.values.get("tags"))]
        approved = False
        for stage in blocks(pipeline.values.get("stage")):
            actions = blocks(stage.get("action"))
            stage_name = stage.get("name")
            gate_orders = [number(a.get("run_order")) or 1 for a in actions if _is_manual_approval(a)]
            for action in actions:
                if _is_manual_approval(action):
                    gates.append((text(stage_name), text(action.get("name"))))
                    continue
                if not _deploys(action, stage_name):
                    continue
                order = number(action.get("run_order")) or 1
                if approved or any(g < order for g in gate_orders):
                    continue
                ungated.append(f"{text(stage_name)}/{text(action.get('name'))}")
                matches.append(prod.at(pipeline.address).match(stage_name, action.get("name")))
            if gate_orders:
                approved = True
        weaknesses: Weak = []
        evidence: list[Evidence] = []
        production_hit = "yes" if "yes" in matches else ("possible" if "possible" in matches else None)
        if ungated:
            severity = "high" if production_hit else "medium"
            where = " (production)" if production_hit == "yes" else ""
            weaknesses.append((f"{', '.join(ungated)} deploys{where} with no earlier Manual approval action",
                               severity))
        principals: list[str] = []
        if gates:
            editors, gate_evidence = _approvers_who_edit(ctx, pipeline, name, gates)
            if editors:
                principals = editors
                evidence.extend(gate_evidence)
                weaknesses.append((f"{', '.join(editors)} can approve its manual approval "
                                   "(codepipeline:PutApprovalResult) and also change the pipeline "
                                   "(codepipeline:UpdatePipeline), so the gate is not independent (see SOD104)",
                                   "medium"))
        if weaknesses:
            message = f"{pipeline.address} (pipeline {text(name)}): " + "; ".join(w for w, _ in weaknesses) + "."
            yield ctx.finding("SOD215", pipeline.address, message, severity=worst(s for _, s in weaknesses),
                              evidence=evidence, principals=principals or None)


def _is_manual_approval(action: dict[str, Any]) -> bool:
    """CodePipeline's Approval category has one provider, Manual (a missing `provider` is read
    as Manual: the action cannot be anything else)."""
    return action.get("category") == "Approval" and action.get("provider") in ("Manual", None)


def _deploys(action: dict[str, Any], stage_name: Any) -> bool:
    category = action.get("category")
    if category == "Deploy":
        return True
    if category in ("Build", "Invoke", "Compute"):
        words = " ".join(re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", v) for v in (stage_name, action.get("name"))
                         if isinstance(v, str))
        return bool(_DEPLOY_WORDS.search(words))
    return False


def _approvers_who_edit(ctx: Context, pipeline: Resource, name: Any,
                        gates: list[tuple[str, str]]) -> tuple[list[str], list[Evidence]]:
    aws = ctx.access.aws if ctx.access is not None else None
    if aws is None or not isinstance(name, str):
        return [], []
    from sod_iac.access.aws import Target

    pipeline_target = Target(f"arn:aws:codepipeline:*:*:{name}", pipeline.address, pipeline.address)
    editors: list[str] = []
    hops: list[Evidence] = []
    for principal, kind in sorted(aws.model.kinds.items()):
        if kind not in ("role", "user", "group", "permission-set"):
            continue
        approve = None
        for stage, action in gates:
            gate = Target(f"arn:aws:codepipeline:*:*:{name}/{stage}/{action}", None, f"{name}/{stage}/{action}")
            decision = aws.can(principal, "codepipeline:PutApprovalResult", gate, speculative=False)
            if decision.held:
                approve = decision
                break
        if approve is None:
            continue
        edit = aws.can(principal, "codepipeline:UpdatePipeline", pipeline_target, speculative=False)
        if edit.held:
            editors.append(principal)
            hops.extend([*approve.evidence, *edit.evidence])
    return editors, unique_evidence(hops)
