"""Principal can change more than one environment

## What it does
Classifies where each write of a principal lands (names, tags, accounts, projects, subscriptions,
namespaces) into environments and reports a principal that can change two or more named
environments.

## Why is this bad?
Separate environments exist so that a change is proven in one before it reaches the next, and so
that a compromise of a lower environment does not reach production. A principal that can change both
staging and production turns a staging credential into a production credential and lets one identity
skip the promotion step.

## Example
```hcl
resource "google_project_iam_member" "staging" {
  project = "acme-staging"
  role    = "roles/editor"
  member  = "serviceAccount:${google_service_account.deploy.email}"
}

resource "google_project_iam_member" "prod" {
  project = "acme-prod"
  role    = "roles/editor"
  member  = "serviceAccount:${google_service_account.deploy.email}"  # same identity
}
```

## Use instead
```hcl
resource "google_project_iam_member" "staging" {
  project = "acme-staging"
  role    = "roles/editor"
  member  = "serviceAccount:${google_service_account.deploy_staging.email}"
}

resource "google_project_iam_member" "prod" {
  project = "acme-prod"
  role    = "roles/editor"
  member  = "serviceAccount:${google_service_account.deploy_prod.email}"  # its own identity
}
```

## How to fix
Give each environment its own deploy identity, scoped to that environment's accounts, projects or
subscriptions, and promote changes through the pipeline rather than through a shared identity.
Environments are recognised from names, tags/labels, module and file paths, projects, resource
groups and namespaces (option `environments`, default production/staging/test/development words) and
from AWS account ids (option `accounts`).

## Options
- `environments` (per rule or top level; default `{"production": ["prod", "production", "prd",
  "live"], "staging": ["staging", "stage", "stg", "preprod", "uat"], "test": ["test", "tst", "qa"],
  "development": ["dev", "develop", "development", "sandbox"]}`): environment name -> words that
  mark it.
- `accounts` (per rule or top level; default `{}`): account / project / subscription id ->
  environment.

## References
- [NIST SP 800-53 Rev. 5 AC-5 Separation of Duties, CM-5 Access Restrictions for Change](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
- [AWS Whitepaper, Organizing Your AWS Environment Using Multiple Accounts](https://docs.aws.amazon.com/whitepapers/latest/organizing-your-aws-environment/organizing-your-aws-environment.html)
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel, Field

from sod_iac.access.duties.service import duties_for
from sod_iac.core.model import Finding
from sod_iac.rules.anchor_types import PRINCIPALS
from sod_iac.rules.combined_duties.duty_conflicts import anchor
from sod_iac.rules.combined_duties.environments import environments_changed
from sod_iac.rules.context import Context

ANCHORS = PRINCIPALS


class Options(BaseModel):
    environments: dict[str, list[str]] = Field(default_factory=lambda: {
        "production": ["prod", "production", "prd", "live"],
        "staging": ["staging", "stage", "stg", "preprod", "uat"],
        "test": ["test", "tst", "qa"],
        "development": ["dev", "develop", "development", "sandbox"],
    }, description="environment name -> words that mark it")
    accounts: dict[str, str] = Field(default_factory=dict, description="account / project / subscription id -> environment")


def check(ctx: Context) -> Iterator[Finding]:
    """A principal that can change both staging and production turns a staging credential into
    a production credential and lets one identity skip the promotion step."""
    duties = duties_for(ctx)
    changed = environments_changed(ctx)
    for principal in duties.principals():
        per_env = changed(principal)
        if len(per_env) < 2:
            continue
        evidence, seen = [], set()
        for env, holding in sorted(per_env.items()):
            for e in holding.evidence:  # a statement that reaches both environments is one hop
                key = (e.address, e.detail, str(e.location))
                if key not in seen:
                    seen.add(key)
                    evidence.append(e.model_copy(update={"duty": f"change {env}"}))
        where = "; ".join(f"{env}: {h.explain()}" for env, h in sorted(per_env.items()))
        message = f"{principal.id} can change {len(per_env)} environments ({', '.join(sorted(per_env))}) — {where}"
        resource, location = anchor(ctx, principal, evidence)
        yield ctx.finding("SOD121", resource, message, principal=principal.id,
                          duties=[f"change-{env}" for env in sorted(per_env)], evidence=evidence, location=location)
