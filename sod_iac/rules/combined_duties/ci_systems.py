"""The CI systems SOD120 knows, as data: how each one's OIDC token names a run, and which of
its claims can pin a run to reviewed code.

Each system: the issuer hosts that identify it, the claims a trust condition may check with
how each claim's value is judged, and the documented forms of its `sub` claim, first match
wins, each with the judge of the part it captures and the reason when that part is not
pinned. Judges (what makes a value reviewed):
- `ref`: a git ref (`refs/heads/main`) that is reviewed (option `reviewed_refs`, protected branches);
- `branch`: a bare branch name (GitLab's `ref`), read as `refs/heads/NAME`;
- `named`: any name without a wildcard (a deployment environment, a workspace);
- `true`: the literal `true` (GitLab `ref_protected`);
- `apply`: the HCP Terraform run phase `apply` (plans also run for pull requests);
- `workflow`: a reusable workflow `...@refs/heads/BRANCH` on a reviewed branch;
- `connection`: an Azure DevOps service connection that an approval or branch control check
  of the code protects (entries `sc://ORG/PROJECT/NAME` among the reviewed refs);
- `connection-id`: the same, named by organisation and connection id as the Entra issuer's
  subjects name it (entries `sc-id://ORG-ID/CONNECTION-ID` among the reviewed refs);
- `never`: nothing of this form is reviewed.
Sources: GitHub "OpenID Connect reference"; GitLab "OIDC authentication using ID tokens"
(`project_path:{group}/{project}:ref_type:{type}:ref:{branch_name}`, `ref` without `refs/heads/`);
HCP Terraform "Workload identity" (`organization:O:project:P:workspace:W:run_phase:PHASE`);
CircleCI "Using OpenID Connect tokens" (`org/O/project/P/user/U`, the V2 token adds
`/vcs-origin/ORIGIN/vcs-ref/REF`); Azure DevOps workload identity federation: the Azure DevOps
issuer `vstoken.dev.azure.com/ORG-ID` with `sc://ORG/PROJECT/CONNECTION`, and the Microsoft Entra
issuer that new service connections use ("Convert service connections to the Microsoft Entra
issuer"), `login.microsoftonline.com/TENANT-ID/v2.0` with
`/eid1/c/pub/t/TENANT/a/APP/sc/ORG-ID/CONNECTION-ID`. Entra issues tokens for many other
federations too, so that issuer is Azure DevOps only with a subject of that `/sc/` shape
(`shared_hosts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sod_iac.core.model import Evidence
from sod_iac.util.wildcard import matches


@dataclass(frozen=True)
class SubjectForm:
    pattern: str   # a regex over the subject; group `value` is what the judge reads
    judge: str
    why: str       # the reason when not pinned: {subject} and {value} are filled in


@dataclass(frozen=True)
class CiSystem:
    name: str
    hosts: tuple[str, ...]
    claims: dict[str, str]            # claim -> judge ("sub" -> "subject": the forms below)
    forms: tuple[SubjectForm, ...]
    otherwise: str = "sub `{subject}` does not pin a reviewed ref"  # no form matched, with a wildcard
    shared_hosts: tuple[str, ...] = ()  # issuers other federations use too: this CI only ...
    shared_subject: str = ""            # ... when the subject matches this regex


ENTRA_SERVICE_CONNECTION = r"^/eid1/c/pub/t/[^/]+/a/[^/]+/sc/(?P<value>[^/]+/[^/]+)$"
"""An Azure DevOps service connection's subject under the Entra issuer (organisation id, connection id)."""

SYSTEMS: tuple[CiSystem, ...] = (
    CiSystem("GitHub Actions", ("token.actions.githubusercontent.com",),
             {"sub": "subject", "ref": "ref", "environment": "named", "job_workflow_ref": "workflow",
              "ref_protected": "true"}, (
                 SubjectForm(r"^repo:[^:]*:environment:(?P<value>.*)$", "named", "sub `{subject}` admits any environment"),
                 SubjectForm(r"^repo:[^:]*:ref:(?P<value>.*)$", "ref", "sub `{subject}` admits unreviewed ref `{value}`"),
                 SubjectForm(r"^repo:[^:]*:pull_request", "never", "sub `{subject}` admits pull requests"),
                 SubjectForm(r"^repo:[^:]*:", "never", "sub `{subject}` admits any branch, tag or pull request"),
             ), "sub `{subject}` does not name a repository and ref"),
    CiSystem("GitLab CI", ("gitlab.com", "gitlab"),
             {"sub": "subject", "ref": "branch", "ref_protected": "true", "environment_protected": "true"}, (
                 SubjectForm(r":ref_type:branch:ref:(?P<value>.*)$", "branch",
                             "sub `{subject}` admits unreviewed branch `{value}`"),
                 SubjectForm(r":ref_type:(?P<value>[^:]*):ref:", "never", "sub `{subject}` admits {value} refs"),
                 SubjectForm(r":ref:(?P<value>[^:]*)$", "branch", "sub `{subject}` admits unreviewed ref `{value}`"),
                 SubjectForm(r"^(?!.*:ref)", "never", "sub `{subject}` admits any ref"),
             ), "sub `{subject}` admits any ref"),
    CiSystem("HCP Terraform", ("app.terraform.io",), {"sub": "subject", "terraform_run_phase": "apply"}, (
        SubjectForm(r"^(?P<value>.*):run_phase:apply$", "named", "sub `{subject}` admits any workspace"),
        SubjectForm(r"", "never", "sub `{subject}` admits plan runs (speculative plans of pull requests)"),
    )),
    CiSystem("CircleCI", ("oidc.circleci.com",),
             {"sub": "subject", "oidc.circleci.com/vcs-ref": "ref", "vcs-ref": "ref"}, (
                 SubjectForm(r"^org/.*[*?].*/vcs-ref/", "never", "sub `{subject}` has a wildcard before `/vcs-ref/`, "
                             "which also matches a branch named `x/vcs-ref/refs/heads/main` (a ref may hold `/`)"),
                 SubjectForm(r"/vcs-ref/(?P<value>.+)$", "ref", "sub `{subject}` admits unreviewed ref `{value}`"),
                 SubjectForm(r"^org/", "never", "sub `{subject}` names the organisation, project and user, not the ref: "
                             "CircleCI states the ref in `oidc.circleci.com/vcs-ref`, which no condition pins"),
             )),
    CiSystem("Azure DevOps", ("vstoken.dev.azure.com",), {"sub": "subject"}, (
        SubjectForm(r"^sc://(?P<value>[^/]+/[^/]+/[^/]+)$", "connection",
                    "sub `{subject}` is the service connection `{value}`, which no approval or branch control "
                    "check of the code protects: every pipeline allowed to use it runs with it, from any branch"),
        SubjectForm(ENTRA_SERVICE_CONNECTION, "connection-id",
                    "sub `{subject}` is the service connection `{value}` (organisation/connection id), which no "
                    "approval or branch control check of the code protects: every pipeline allowed to use it runs "
                    "with it, from any branch"),
    ), shared_hosts=("login.microsoftonline.com",), shared_subject=ENTRA_SERVICE_CONNECTION),
)


def ci_system(issuer: str, subject: str | None = None) -> CiSystem | None:
    """The CI system whose OIDC issuer this is (host, or an instance named for it: a
    self-managed GitLab), or None. An issuer other federations share (Entra) names a CI system
    only together with a subject of that system's shape."""
    host = issuer.split("/", 1)[0]
    for system in SYSTEMS:
        if host in system.hosts:
            return system
        if host in system.shared_hosts and subject is not None and re.search(system.shared_subject, subject):
            return system
    return next((s for s in SYSTEMS for h in s.hosts if "." not in h and h in host), None)


def by_name(name: str) -> CiSystem | None:
    return next((s for s in SYSTEMS if s.name == name), None)


def judge_subject(ci: str, subject: str, reviewed: list[str]) -> str | None:
    """Why a subject pattern of this CI admits unreviewed runs, or None when it is pinned."""
    system = by_name(ci)
    if system is None:
        return f"sub `{subject}` does not pin a reviewed ref" if "*" in subject else None
    for form in system.forms:
        m = re.search(form.pattern, subject)
        if m is None:
            continue
        value = m.groupdict().get("value") or ""
        return None if pins(form.judge, value, reviewed) else form.why.format(subject=subject, value=value or "any")
    return system.otherwise.format(subject=subject) if "*" in subject else None


def claim_pins(ci: str, claim: str, value: str, reviewed: list[str]) -> bool:
    """Does a condition requiring `claim == value` keep out runs of unreviewed code?"""
    system = by_name(ci)
    judge = system.claims.get(claim) if system is not None else None
    if judge == "subject":
        return judge_subject(ci, value, reviewed) is None
    return judge is not None and pins(judge, value, reviewed)


def pins(judge: str, value: str, reviewed: list[str]) -> bool:
    if judge == "ref":
        return ref_reviewed(value, reviewed)
    if judge == "branch":
        return ref_reviewed(f"refs/heads/{value}", reviewed)
    if judge == "named":
        return "*" not in value and "?" not in value
    if judge == "true":
        return value == "true"
    if judge == "apply":
        return value == "apply"
    if judge == "workflow":
        m = re.search(r"@(refs/heads/[^*?]+)$", value)
        return m is not None and ref_reviewed(m.group(1), reviewed)
    if judge == "connection":
        return ref_reviewed(f"sc://{value}", reviewed)
    if judge == "connection-id":
        return ref_reviewed(f"sc-id://{value}", reviewed)
    return False


def ref_reviewed(ref: str, reviewed: list[str]) -> bool:
    if "*" in ref or "?" in ref:
        return False  # a wildcard over the ref admits branches nobody reviewed
    return any(matches(p, ref) for p in reviewed)


@dataclass
class Trust:
    """A way a CI system obtains an identity's credentials, and why it admits unreviewed runs
    (None: only reviewed runs get them; the identity is a CI identity all the same)."""
    identity: str            # principal id (address) of the CI identity
    ci: str
    issuer: str
    why: str | None          # what admits unreviewed refs
    evidence: list[Evidence] = field(default_factory=list)
    possible: str | None = None  # why the CI only possibly runs as this identity (None: it does)
