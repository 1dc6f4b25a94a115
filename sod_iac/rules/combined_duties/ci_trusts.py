"""SOD120: a CI identity that can change infrastructure is assumable from unreviewed refs.

CI systems (GitHub Actions, GitLab CI, HCP Terraform, CircleCI, Azure DevOps) get cloud
credentials by OIDC (each one's claim formats and judges: ci_systems.py):
the cloud trusts tokens whose claims match a condition. When the condition admits any branch,
any pull request or any workflow, anyone who can push a branch can run code with the identity,
before any review; if that identity can write, deploy or manage permissions, review and deploy
are no longer separate. Forms:
- AWS: a role trust statement for `sts:AssumeRoleWithWebIdentity` whose Federated principal is
  a CI OIDC provider, judged on its `<issuer>:sub` (and `:ref`, `:environment`, ...) conditions;
- GCP: a workload identity pool provider (`attribute_condition`) whose pool members may
  impersonate a service account (`roles/iam.workloadIdentityUser`, TokenCreator);
- Azure: a federated identity credential (`subject`) on a user-assigned identity or an Entra
  application (an Azure DevOps service connection's: ci_azure_devops.py);
- Cloud Build: a trigger that runs pull requests or unreviewed branches as its service account,
  or without one possibly as its project's default Cloud Build account (ci_cloudbuild.py).

Reviewed refs: a subject pinned to a branch that is reviewed (option `reviewed_refs`, default
`refs/heads/main` and `refs/heads/master`, plus the branch patterns of `github_branch_protection`
resources of the code that require pull-request reviews) or to a named deployment environment.
Pull requests, tags, other branches and wildcards over the ref are unreviewed. A read-only
identity never fires.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from sod_iac.access.cloud_common import first_block, hop, refs_in, text_of
from sod_iac.core.model import Resource
from sod_iac.core.values import Template, Unknown
from sod_iac.rules.combined_duties.ci_azure_devops import (
    azure_devops_trusts,
    azure_identities,
    protected_connections,
    service_connection,
)
from sod_iac.rules.combined_duties.ci_cloudbuild import cloudbuild_trusts
from sod_iac.rules.combined_duties.ci_systems import Trust, ci_system, claim_pins, judge_subject
from sod_iac.rules.combined_duties.ci_systems import ref_reviewed as _ref_reviewed
from sod_iac.rules.context import Context


def ci_trusts(ctx: Context) -> list[Trust]:
    """Every way a CI system (OIDC tokens, Cloud Build triggers) obtains an identity's
    credentials in this Context, pinned to reviewed refs (`why` None) or not."""
    reviewed = _reviewed_refs(ctx)
    return [*_aws_trusts(ctx, reviewed), *_gcp_trusts(ctx, reviewed), *_azure_trusts(ctx, reviewed),
            *azure_devops_trusts(ctx, reviewed), *cloudbuild_trusts(ctx, reviewed)]


def ci_identities(ctx: Context) -> dict[str, list[str]]:
    """The CI identities of the Context: principal id -> the CI systems that can obtain its
    credentials, in order, whether or not they are pinned to reviewed refs (the SoD matrix
    labels these rows; SOD120 judges the same trusts)."""
    out: dict[str, list[str]] = {}
    for trust in ci_trusts(ctx):
        systems = out.setdefault(trust.identity, [])
        if trust.ci not in systems:
            systems.append(trust.ci)
    return out


# --------------------------------------------------------------------------- reviewed refs


def _reviewed_refs(ctx: Context) -> list[str]:
    refs = list(ctx.option("SOD120", "reviewed_refs"))
    for r in ctx.project.resources:
        if r.type in ("github_branch_protection", "github_branch_protection_v3") and \
                first_block(r.values.get("required_pull_request_reviews")):
            pattern = text_of(r.values.get("pattern") or r.values.get("branch"))
            if pattern:
                refs.append(f"refs/heads/{pattern}")
    return refs + protected_connections(ctx, refs)


_UNKNOWN_PART = re.compile(r"\$\{[^}]*\}")


def claim_text(value: Any) -> str | None:
    """A subject or claim value the code states in part, as text the rules here can read, or
    None when what it pins is unknown. An unknown part followed by a literal `:` lies in a
    field before the last, so the literal fields after it pin what they pin
    (`repo:${var.org}/infra:ref:refs/heads/main` pins main; a ref holds no `:`): the unknown
    becomes a plain name, never a wildcard. An unknown in the last field (`ref:${var.ref}`)
    leaves the value unknown. Unknown parts are `${...}` in text (a GCP member as written)."""
    if isinstance(value, (Unknown, Template)):
        text = str(value)
    elif isinstance(value, str):
        text = value
    else:
        return None
    parts = list(_UNKNOWN_PART.finditer(text))
    if parts and ":" not in text[parts[-1].end():]:
        return None
    return _UNKNOWN_PART.sub("unknown", text)


def subject_gap(ci: str, value: Any, reviewed: list[str], claim: str = "subject") -> str | None:
    """Why a subject as written (a str, a Template with unknown parts, an Unknown) admits
    unreviewed runs, quoting it as written, or None when it is pinned. A subject stated with an
    unknown last field is not "not stated": the reason names the part the code leaves open."""
    written = str(value) if isinstance(value, (str, Template, Unknown)) else None
    text = claim_text(value)
    if text is None:
        if written is None or isinstance(value, Unknown):
            return f"{claim} not stated in the code"
        part = list(_UNKNOWN_PART.finditer(written))[-1].group(0)
        return f"{claim} `{written}` ends with {part}, a value the code does not state: any ref may match"
    gap = subject_unreviewed(ci, text, reviewed)
    return gap.replace(f"`{text}`", f"`{written}`") if gap and written else gap


def subject_unreviewed(ci: str, value: str, reviewed: list[str]) -> str | None:
    """Why a subject value (a pattern) admits unreviewed runs, or None when it is pinned."""
    return judge_subject(ci, value, reviewed)  # one judge per CI system, as data (ci_systems.py)


# --------------------------------------------------------------------------- AWS


def _aws_trusts(ctx: Context, reviewed: list[str]) -> Iterator[Trust]:
    aws = getattr(ctx.access, "aws", None) if ctx.access is not None else None
    if aws is None:
        return
    from sod_iac.access.aws_policy import statement_action_match

    for role, source in sorted(aws.model.trust.items()):
        for st in source.statements:
            if st.effect != "Allow" or st.unknown or not statement_action_match(st, "sts:AssumeRoleWithWebIdentity"):
                continue
            for item in (st.principals or {}).get("Federated", ()):
                issuer = _aws_issuer(ctx, item)
                ci = _ci(issuer)
                if ci is None:
                    continue
                name, claims = ci
                why = _aws_condition_gap(st, issuer, name, claims, reviewed)
                resource = ctx.project.resource(role)
                trusting = [st.hop] if st.hop is not None else []  # the statement to change
                said = f"trust policy: {name} OIDC ({issuer})" + (f"; {why}" if why else "")
                yield Trust(role, name, issuer, why, [hop(resource, said, address=role), *trusting])


def _aws_issuer(ctx: Context, item: Any) -> str:
    for ref in refs_in(item):
        provider = ctx.project.resource(ref.address)
        if provider is not None and provider.type == "aws_iam_openid_connect_provider":
            url = text_of(provider.values.get("url")) or ""
            return re.sub(r"^https://", "", url).rstrip("/")
    text = text_of(item) or str(item)
    return text.split("oidc-provider/", 1)[-1].rstrip("/")


def _ci(issuer: str) -> tuple[str, tuple[str, ...]] | None:
    """(CI name, claims that can pin a run to reviewed code) of an OIDC issuer, or None."""
    system = ci_system(issuer)
    return (system.name, tuple(system.claims)) if system is not None else None


def _aws_condition_gap(st: Any, issuer: str, ci: str, claims: tuple[str, ...], reviewed: list[str]) -> str | None:
    """Why a trust statement admits unreviewed runs, or None when its conditions pin them."""
    pinning = [c for c in st.conditions if c.key.lower().startswith(issuer.lower() + ":")
               and c.key.split(":")[-1].lower() in claims and not c.operator.lower().startswith(("stringnot", "null"))]
    if not pinning:
        return f"no condition on `{issuer}:sub`"
    open_values: list[str] = []  # why conditions with values the code leaves open pin nothing
    for cond in pinning:  # every condition must hold, so one pinning condition is enough
        claim = cond.key.split(":")[-1].lower()
        values = [v for v in map(claim_text, cond.values) if v is not None]
        if len(values) != len(cond.values):  # unknown values: cannot show it is pinned
            open_values += [g for v in cond.values if claim_text(v) is None
                            and (g := subject_gap(ci, v, reviewed, cond.key))]
            continue
        if claim == "sub":
            gaps = [g for v in values if (g := subject_unreviewed(ci, v, reviewed))]
            if not gaps:
                return None
        elif values and all(claim_pins(ci, claim, v, reviewed) for v in values):
            return None
    subs = [c for c in pinning if c.key.split(":")[-1].lower() == "sub"]
    if subs:
        gap = next((g for v in subs[0].values if claim_text(v) is not None
                    and (g := subject_gap(ci, v, reviewed))), None)
        if gap:
            return gap
    if open_values:
        return open_values[0]
    return f"conditions on {', '.join(sorted({c.key for c in pinning}))} do not pin a reviewed ref"


# --------------------------------------------------------------------------- GCP


def _gcp_trusts(ctx: Context, reviewed: list[str]) -> Iterator[Trust]:
    gcp = getattr(ctx.access, "gcp", None) if ctx.access is not None else None
    if gcp is None:
        return
    providers: dict[str, list[Resource]] = {}
    for p in ctx.project.by_type("google_iam_workload_identity_pool_provider"):
        pool = _pool_key(ctx, p.values.get("workload_identity_pool_id"), p.references.get("workload_identity_pool_id", []))
        providers.setdefault(pool, []).append(p)
    if not providers:
        return
    for b in gcp.bindings:
        if b.scope.kind != "resource" or b.scope.rtype != "google_service_account" or not b.scope.key:
            continue
        held, _ = gcp.role_grants(b.role, "iam.serviceAccounts.getAccessToken")
        if held == "no":
            continue
        text = b.member_text
        if not text.startswith(("principalSet://", "principal://")):
            continue
        pool = next((k for k in providers if k != "*" and f"/workloadIdentityPools/{k}/" in text), None)
        pool = pool or next((k for k in providers if k.startswith("google_") and k in text), None)
        for provider in providers.get(pool or "*", []) or [p for ps in providers.values() for p in ps]:
            issuer = re.sub(r"^https://", "", text_of(first_block(provider.values.get("oidc")).get("issuer_uri")) or "")
            ci = _ci(issuer.rstrip("/"))
            if ci is None:
                continue
            condition = provider.values.get("attribute_condition")
            why = _gcp_gap(ci[0], text, None if condition is None else str(condition), reviewed)
            said = f"{ci[0]} provider ({issuer})" + (f"; {why}" if why else "")
            evidence = [hop(provider, said), *b.evidence]
            yield Trust(b.scope.key, ci[0], issuer, why, evidence)


def _pool_key(ctx: Context, value: Any, refs: list[str]) -> str:
    for ref in refs_in(value):
        pool = ctx.project.resource(ref.address)
        if pool is not None:
            return text_of(pool.values.get("workload_identity_pool_id")) or ref.address
    text = text_of(value)
    if text:
        return text.rstrip("/").rsplit("/", 1)[-1]
    for address in refs:
        pool = ctx.project.resource(address)
        if pool is not None:
            return text_of(pool.values.get("workload_identity_pool_id")) or address
    return "*"


def _gcp_gap(ci: str, member: str, condition: str | None, reviewed: list[str]) -> str | None:
    m = re.search(r"/subject/(.+)$", member)
    subject = claim_text(m.group(1)) if m else None
    if subject is not None and subject_unreviewed(ci, subject, reviewed) is None:
        return None
    m = re.search(r"/attribute\.(ref|environment)/(.+)$", member)
    if m and (m.group(1) == "environment" or _ref_reviewed(m.group(2), reviewed)):
        return None
    if condition:
        alternatives = condition.split("||")
        if all(_cel_pins(alt, ci, reviewed) for alt in alternatives):
            return None
        return _condition_gap(condition)
    return "no attribute_condition and the pool members are not pinned to a reviewed ref"


def _condition_gap(condition: str) -> str:
    """What an attribute_condition that pins no reviewed ref leaves open, said as it is written:
    a prefix (CEL `startsWith`) admits everything that extends it; a part the code does not
    state pins nothing."""
    prefix = re.search(r"assertion\.(\w+)\.startsWith\(\s*['\"]([^'\"]*)['\"]\s*\)", condition)
    if prefix:
        return (f"attribute_condition `{condition}` pins {prefix.group(1)} to the prefix '{prefix.group(2)}' only: "
                "every value that starts with it matches, reviewed or not")
    unknown = _UNKNOWN_PART.search(condition)
    if unknown:
        return f"attribute_condition `{condition}` holds {unknown.group(0)}, a value the code does not state"
    claims = sorted(set(re.findall(r"assertion\.(\w+)", condition)))
    return f"attribute_condition `{condition}` checks {', '.join(claims) or 'no claim'} but pins no reviewed ref"


def _cel_pins(expression: str, ci: str, reviewed: list[str]) -> bool:
    for dotted, bracketed, written in _CEL_EQUALS.findall(expression):
        value = claim_text(written)
        if value is not None and claim_pins(ci, dotted or bracketed, value, reviewed):
            return True
    return False


_CEL_EQUALS = re.compile(  # assertion.ref == 'x', assertion['oidc.circleci.com/vcs-ref'] == 'x'
    r"assertion(?:\.(\w+)|\[\s*['\"]([^'\"]+)['\"]\s*\])\s*==\s*['\"]([^'\"]+)['\"]")


# --------------------------------------------------------------------------- Azure


def _azure_trusts(ctx: Context, reviewed: list[str]) -> Iterator[Trust]:
    azure = getattr(ctx.access, "azure", None) if ctx.access is not None else None
    if azure is None:
        return
    for fic in ctx.project.by_type("azurerm_federated_identity_credential",
                                   "azuread_application_federated_identity_credential"):
        if service_connection(ctx, fic) is not None:
            continue  # names a service connection of the code: azure_devops_trusts judges it
        issuer = re.sub(r"^https://", "", text_of(fic.values.get("issuer")) or "").rstrip("/")
        subject = fic.values.get("subject")
        system = ci_system(issuer, str(subject) if isinstance(subject, (str, Template, Unknown)) else None)
        if system is None:
            continue
        ci = (system.name,)
        why = subject_gap(ci[0], subject, reviewed)
        for identity in azure_identities(ctx, fic):
            said = f"federated credential for {identity}" + (f": {why}" if why else "")
            yield Trust(identity, ci[0], issuer, why, [hop(fic, said)])


__all__ = ["ci_identities", "ci_trusts", "claim_text", "subject_unreviewed"]
