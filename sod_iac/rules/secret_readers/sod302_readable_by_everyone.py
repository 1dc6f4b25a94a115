"""Secret is readable by everyone in an account, organisation or the public

## What it does
Reports each secret that a whole population can read: the public, every authenticated identity, an
organisation, an account, a domain or a cluster.

## Why is this bad?
A secret whose policy names a whole account, an organisation, all authenticated users or everyone is
no longer a secret: any identity in that scope, including ones created later, can read it. Nobody
can say who has seen it, so it must be treated as exposed. Examples: Principal "*" in a secret
policy without a condition that limits who (or limited only by organisation or account), allUsers,
allAuthenticatedUsers or a whole domain on a GCP secret, system:authenticated or every service
account of a cluster bound to read Secrets, a redefined Vault default policy that reads the path.
Organisation-wide CI secrets count too: a GitHub Actions, Dependabot or Codespaces organisation
secret with visibility "all" or "private" is available to the workflows of every (private)
repository of the organisation, including new ones and workflows nobody reviews, and a GitLab group
or instance variable that is not protected is passed to every pipeline of every project, on any
branch a developer pushes. An account root named in a resource policy is not reported here: it
delegates to that account's IAM policies and counts as one reader under SOD301.

## Example
```hcl
resource "google_secret_manager_secret_iam_member" "everyone" {
  secret_id = google_secret_manager_secret.api_key.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "allAuthenticatedUsers"
}
```

## Use instead
```hcl
resource "google_secret_manager_secret_iam_member" "app" {
  secret_id = google_secret_manager_secret.api_key.id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.app.email}"
}
```

## How to fix
Replace account-wide, organisation-wide and public grants (Principal "*", allUsers,
allAuthenticatedUsers, domain:, system:authenticated) with the specific principals that consume the
secret, rotate the secret, and enable block-public-policy checks where the service offers them. For
CI secrets: visibility = "selected" with selected_repository_ids naming the repositories that deploy
(or a repository or environment secret), and protected = true on GitLab group variables so that only
protected branches and tags get them.

## Options
None.

## References
- [AWS Secrets Manager, Resource-based policies](https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html)
- [Google Cloud Secret Manager, Access control with IAM](https://cloud.google.com/secret-manager/docs/access-control)
- [Kubernetes, Role Based Access Control good practices](https://kubernetes.io/docs/concepts/security/rbac-good-practices/)
- [GitHub Docs, Using secrets in GitHub Actions (organisation secrets and access policies)](https://docs.github.com/en/actions/security-for-github-actions/security-guides/using-secrets-in-github-actions)
- [GitLab Docs, GitLab CI/CD variables (protect a CI/CD variable)](https://docs.gitlab.com/ci/variables/)
- [NIST SP 800-53 Rev. 5 AC-3 Access Enforcement, AC-6 Least Privilege](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
"""

from __future__ import annotations

from collections.abc import Iterator

from sod_iac.core.model import Finding
from sod_iac.core.wording import PRINCIPALS_NAMED, listing
from sod_iac.rules.anchor_types import SECRETS
from sod_iac.rules.context import Context
from sod_iac.rules.secret_readers.readers import access_of, evidence_of
from sod_iac.rules.unstated import possible_note, texts_of

ANCHORS = SECRETS


_SCOPE_WORDS = {
    "public": "everyone (the public or any AWS account)",
    "all-authenticated": "every authenticated identity",
    "organisation": "everyone in the organisation",
    "account": "everyone in the account",
    "domain": "everyone in a domain",
    "cluster": "every identity of the cluster",
}


def check(ctx: Context) -> Iterator[Finding]:
    """A secret that a whole population can read is exposed: nobody can say who has seen it."""
    access = access_of(ctx)
    for secret in access.secrets():
        found = access.readers(secret)
        public = found.public
        if not public:
            continue
        who = listing([f"{_SCOPE_WORDS.get(r.scope or '', r.scope or '')} ({r.principal}: {r.how})"
                       for r in public], PRINCIPALS_NAMED, separator="; ")
        possible = possible_note(texts_of(evidence_of(ctx, public))) if all(r.level == "possible" for r in public) else ""
        message = f"{secret.address} ({secret.label}) is readable by {who}{possible}"
        yield ctx.finding("SOD302", secret.address, message,
                          principals=[r.principal for r in public], secret=secret.address,
                          evidence=evidence_of(ctx, public), location=secret.location)
