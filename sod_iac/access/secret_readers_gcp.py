"""Readers of GCP Secret Manager secrets, from the GCP engine (sod_iac.access.gcp).

Reading a secret's payload is `secretmanager.versions.access` ("Access control with IAM",
Secret Manager): held through a role that contains it (roles/secretmanager.secretAccessor,
roles/secretmanager.admin, roles/owner, or a custom role listing it) bound on the secret, or
on its project, folder or organization (IAM policy inheritance). The engine decides which
bindings apply; an IAM condition or an unknown project makes a reader "possible". CMEK keys
of a secret are used by the Secret Manager service agent, not by the reader, so they add no
requirement. `allUsers` is the public, `allAuthenticatedUsers` every Google account,
`domain:` everyone of a Workspace domain: SOD302.
"""

from __future__ import annotations

from typing import Any

from sod_iac.access.gcp_hierarchy import CONTAINER_KINDS
from sod_iac.access.secret_model import Reader, ReaderSet, ReadsAll, Secret, reader_level, stated_limit
from sod_iac.core.model import Project

ACCESS = "secretmanager.versions.access"
SECRET_TYPES = ("google_secret_manager_secret",)
_SCOPES = {"allUsers": "public", "allAuthenticatedUsers": "all-authenticated"}


def member_scope(member: str) -> str | None:
    if member in _SCOPES:
        return _SCOPES[member]
    if member.startswith("domain:"):
        return "domain"
    return None


class GcpSecretReaders:
    def __init__(self, project: Project, gcp: Any) -> None:
        self.project = project
        self.gcp = gcp

    def secrets(self) -> list[Secret]:
        out = []
        for r in self.project.resources:
            if r.mode == "managed" and r.type in SECRET_TYPES:
                name = r.values.get("secret_id")
                out.append(Secret(r.address, "gcp", "Secret Manager secret", name if isinstance(name, str) else None,
                                  r, stated_limit(r.values.get("labels"), r.values.get("annotations"))))
        return out

    def readers(self, secret: Secret) -> ReaderSet:
        result = ReaderSet(secret)
        for grant in self.gcp.members_with_permission(ACCESS, secret.address, speculative=True):
            where = grant.scope if grant.scope != secret.address else "the secret"
            how = f"{grant.permission} through a role bound on {where}"
            if grant.permission != ACCESS:
                how = f"{ACCESS} possibly held through a role bound on {where} ({grant.permission})"
            level = reader_level(grant.principal, grant.level)
            result.readers.append(Reader(grant.principal, level, list(grant.evidence), how,
                                         scope=member_scope(grant.principal)))
        return result

    def reads_everything(self) -> list[ReadsAll]:
        """Members bound, without a condition, at a project, folder or organization to a role
        that holds secretmanager.versions.access: every secret there, including future ones."""
        out = []
        for b in self.gcp.bindings:
            if b.scope.kind not in CONTAINER_KINDS or b.level != "yes":
                continue
            held, _ = self.gcp.role_grants(b.role, ACCESS)
            if held != "yes":
                continue
            resource = self.project.resource(b.member)
            out.append(ReadsAll(b.member, f"every Secret Manager secret in {b.scope.label} ({b.role})",
                                list(b.evidence), resource.location if resource is not None else None))
        return out
