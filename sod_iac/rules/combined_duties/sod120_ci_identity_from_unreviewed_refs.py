"""CI identity that can change infrastructure is assumable from unreviewed refs

## What it does
Finds every way a CI system obtains a cloud identity (AWS web-identity trusts, GCP workload identity
pools, Azure federated credentials, Azure DevOps service connections, Cloud Build triggers) and
reports an identity assumable from unreviewed refs when it can write, deploy or manage permissions.

## Why is this bad?
Federated CI identities (GitHub Actions, GitLab CI, HCP Terraform, CircleCI OIDC, Azure DevOps
service connections) are trusted by the claims in their token, and Cloud Build triggers run as their
service account on the events they name. If the trust accepts any branch, any pull request or any
workflow of a repository, or a trigger builds pull requests or branches nobody reviewed, anyone who
can push a branch or open a pull request can run code with the deploy identity, before any review.
Review and deployment then stop being separate steps: the author deploys. Each CI names a run
differently: GitLab's sub is `project_path:GROUP/PROJECT:ref_type:TYPE:ref:BRANCH` (the `ref` claim
is the bare branch name); HCP Terraform's is `organization:O:project:P:workspace:W:run_phase:PHASE`
(plans also run for pull requests); CircleCI's `org/O/project/P/user/U` never names the ref (only
the `oidc.circleci.com/vcs-ref` claim or the V2 token's `/vcs-ref/REF` does); an Azure DevOps
subject names a service connection, which only its approvals and checks protect: on the Azure
DevOps issuer (`vstoken.dev.azure.com/ORG-ID`) it is `sc://ORG/PROJECT/CONNECTION`, on the Microsoft
Entra issuer that new service connections use (`login.microsoftonline.com/TENANT-ID/v2.0`)
`/eid1/c/pub/t/TENANT/a/APP/sc/ORG-ID/CONNECTION-ID` (Entra issues tokens for other federations
too: only that `/sc/` shape is Azure DevOps). A Cloud Build trigger without `service_account` runs
as its project's default Cloud Build account, the legacy `PROJECT_NUMBER@cloudbuild.gserviceaccount.com`
or, where the project's or organisation's settings make it the default (projects that started
using Cloud Build after the 2024 change), the Compute Engine default
`PROJECT_NUMBER-compute@developer.gserviceaccount.com`: the code does not say which, so each
one the code grants roles to is reported as possible, anchored on that grant (what Google grants
these accounts by itself is not in the code and is not judged).

## Example
```hcl
data "aws_iam_policy_document" "github_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:acme/infra:*"]  # any branch or pull request
    }
  }
}
```

## Use instead
```hcl
data "aws_iam_policy_document" "github_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:acme/infra:environment:production"]  # a protected environment only
    }
  }
}
```

## How to fix
Restrict the trust condition to reviewed refs: the protected default branch
(repo:ORG/REPO:ref:refs/heads/main) or a protected deployment environment
(repo:ORG/REPO:environment:production) with required reviewers. Match the subject exactly
(StringEquals) rather than with wildcards, and always pin the audience. The same holds for GCP
workload identity providers (pin `assertion.ref` or the subject in attribute_condition or the
principal) and Azure federated credentials (`subject`). GitLab: pin `ref_type:branch:ref:main` or
`ref_protected`; HCP Terraform: pin `run_phase:apply` (`terraform_run_phase == 'apply'`) for an
identity that changes anything; CircleCI: pin `oidc.circleci.com/vcs-ref` (GCP attribute_condition)
or the V2 subject with the ref, without a wildcard before `/vcs-ref/`; Azure DevOps: protect the
service connection with an `azuredevops_check_approval` (requester cannot approve) or an
`azuredevops_check_branch_control` allowing only reviewed branches; Cloud Build: no `pull_request`
event for a trigger whose service account changes infrastructure, an anchored branch regex of
reviewed branches (`^main$`), or `approval_config { approval_required = true }`; name a
`service_account` of its own for every trigger rather than the project's default account, and
grant the default accounts nothing that changes infrastructure. Branches other than
main and master count as reviewed when a github_branch_protection of the code requires reviews on
them, or when listed in the rule option `reviewed_refs`. An identity for pull-request plans may stay
open to unreviewed refs if it only reads: AWS's read-only job policies (ReadOnlyAccess,
ViewOnlyAccess, SecurityAudit) change nothing and are not reported.

## Options
- `reviewed_refs` (per rule or top level; default `["refs/heads/main", "refs/heads/master"]`): git
  refs whose changes are reviewed (one list: it decides which CI trusts count).

## References
- [GitHub Docs, About security hardening with OpenID Connect](https://docs.github.com/en/actions/deployment/security-hardening-your-deployments/about-security-hardening-with-openid-connect)
- [AWS IAM, Create a role for OpenID Connect federation](https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html)
- [GitLab Docs, OpenID Connect (OIDC) authentication using ID tokens](https://docs.gitlab.com/ci/secrets/id_token_authentication/)
- [HCP Terraform, Dynamic provider credentials (workload identity tokens)](https://developer.hashicorp.com/terraform/cloud-docs/workspaces/dynamic-provider-credentials/workload-identity-tokens)
- [CircleCI Docs, Using OpenID Connect tokens in jobs](https://circleci.com/docs/openid-connect-tokens/)
- [Azure DevOps, Define approvals and checks (service connections)](https://learn.microsoft.com/azure/devops/pipelines/process/approvals)
- [Google Cloud Build, Create and manage build triggers](https://cloud.google.com/build/docs/automating-builds/create-manage-triggers)
- [Google Cloud Build, Default Cloud Build service account](https://cloud.google.com/build/docs/cloud-build-service-account)
- [Google Cloud Build, Cloud Build default service account change](https://cloud.google.com/build/docs/cloud-build-service-account-updates)
- [Azure DevOps, Convert service connections to use the Microsoft Entra issuer](https://learn.microsoft.com/azure/devops/pipelines/release/convert-service-connections)
- [NIST SP 800-53 Rev. 5 AC-5 Separation of Duties, CM-5 Access Restrictions for Change](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, Field

from sod_iac.access.duties.service import duties_for
from sod_iac.core.model import Finding
from sod_iac.rules.anchor_types import PRINCIPALS
from sod_iac.rules.combined_duties.ci_trusts import ci_trusts
from sod_iac.rules.context import Context

ANCHORS = PRINCIPALS


class Options(BaseModel):
    reviewed_refs: list[str] = Field(
        default_factory=lambda: ["refs/heads/main", "refs/heads/master"],
        description="git refs whose changes are reviewed (one list: it decides which CI trusts count)")


CHANGE_DUTIES = ("write", "deploy", "permissions-admin")


def check(ctx: Context) -> Iterator[Finding]:
    """If a CI identity that can change infrastructure is assumable from any branch or pull
    request, whoever can push a branch deploys: author and deployer are the same person."""
    duties = duties_for(ctx)
    reported: set[str] = set()
    for trust in ci_trusts(ctx):
        if trust.why is None or trust.identity in reported:
            continue
        held = [(d, duties.holdings(trust.identity, d, until_yes=True)) for d in CHANGE_DUTIES]
        held = [(d, [h for h in hs if h.held]) for d, hs in held]
        held = [(d, hs) for d, hs in held if hs]
        if not held:
            continue
        reported.add(trust.identity)
        evidence = list(trust.evidence)
        for _, hs in held:
            evidence.extend(e for e in hs[0].evidence if e not in evidence)
        first = held[0][1][0]
        can = duties.ruleset.duties[held[0][0]].title.lower()
        message = (f"{trust.identity} is assumable by {trust.ci} ({trust.issuer}) from unreviewed refs: {trust.why}. "
                   f"It can {can}: {first.explain()}" + (f" (possible: {trust.possible})" if trust.possible else ""))
        resource = ctx.project.resource(trust.identity)
        anchor = trust.identity if resource is not None else ctx.anchor(trust.identity, [
            *(e for _, hs in held for e in hs[0].evidence), *trust.evidence])[0]  # else the grant naming it
        yield ctx.finding("SOD120", anchor, message, principal=trust.identity,
                          duties=["ci-unreviewed-refs", *[d for d, _ in held]], evidence=evidence)
