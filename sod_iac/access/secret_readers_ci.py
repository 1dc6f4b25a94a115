"""Readers of organisation-wide CI secrets: GitHub organisation secrets and GitLab group and
instance variables.

These secrets have no IAM policy: who reads them is a setting on the secret itself.

- GitHub (`github_actions_organization_secret`, `github_dependabot_organization_secret`,
  `github_codespaces_organization_secret`): `visibility = "all"` makes the secret available to
  every repository of the organisation, `"private"` to every private and internal one,
  `"selected"` only to the repositories listed in `selected_repository_ids` or by a
  `*_organization_secret_repositories` resource (GitHub Docs, "Using secrets in GitHub
  Actions", "Configuring access to private registries for Dependabot", "Managing
  development environment secrets for your repository or organization"). Any workflow of a
  repository that can use the secret reads it, including repositories created later and
  workflows nobody reviews: "all" and "private" are a population (SOD302); each selected
  repository is one reader.
- GitLab (`gitlab_group_variable`, `gitlab_instance_variable`): a variable that is not
  `protected` (the default) is passed to every pipeline of every project in the group
  (instance), on any branch a developer pushes; a protected one only to pipelines on
  protected branches and tags (GitLab Docs, "GitLab CI/CD variables", "Protect a CI/CD
  variable"). Unprotected: a population (SOD302). Protected: readers are the protected
  pipelines, which the code here does not enumerate, so no reader is claimed.

A value the code does not state (a variable without a default) counts as the population,
"possible" (DESIGN.md, "unknown means possible").
"""

from __future__ import annotations

from typing import Any

from sod_iac.access.graph import Level
from sod_iac.access.secret_model import Reader, ReaderSet, ReadsAll, Secret
from sod_iac.core.model import Evidence, Project, Resource
from sod_iac.core.values import Ref

GITHUB_SECRETS = {
    "github_actions_organization_secret": ("GitHub Actions organisation secret",
                                           "github_actions_organization_secret_repositories"),
    "github_dependabot_organization_secret": ("Dependabot organisation secret",
                                              "github_dependabot_organization_secret_repositories"),
    "github_codespaces_organization_secret": ("Codespaces organisation secret",
                                              "github_codespaces_organization_secret_repositories"),
}
GITLAB_VARIABLES = {
    "gitlab_group_variable": ("GitLab group CI/CD variable", "every pipeline of every project in the group"),
    "gitlab_instance_variable": ("GitLab instance CI/CD variable", "every pipeline of every project of the instance"),
}
SECRET_TYPES = (*GITHUB_SECRETS, *GITLAB_VARIABLES)

_POPULATIONS = {
    "all": ("github:all-repositories", "every repository of the organisation"),
    "private": ("github:private-repositories", "every private and internal repository of the organisation"),
}


def present(project: Project) -> bool:
    return any(r.type in SECRET_TYPES and r.mode == "managed" for r in project.resources)


class CiSecretReaders:
    def __init__(self, project: Project) -> None:
        self.project = project

    def secrets(self) -> list[Secret]:
        out = []
        for r in self.project.resources:
            if r.mode != "managed" or r.type not in SECRET_TYPES:
                continue
            kind = GITHUB_SECRETS[r.type][0] if r.type in GITHUB_SECRETS else GITLAB_VARIABLES[r.type][0]
            name = r.values.get("secret_name") if r.type in GITHUB_SECRETS else r.values.get("key")
            out.append(Secret(r.address, "ci", kind, name if isinstance(name, str) else None, r))
        return out

    def readers(self, secret: Secret) -> ReaderSet:
        result = ReaderSet(secret)
        if secret.resource.type in GITHUB_SECRETS:
            result.readers = self._github(secret.resource)
        else:
            result.readers = _gitlab(secret.resource)
        return result

    def reads_everything(self) -> list[ReadsAll]:
        return []  # who can read every secret of an organisation is not stated in the code

    def _github(self, resource: Resource) -> list[Reader]:
        visibility = resource.values.get("visibility")
        if isinstance(visibility, str) and visibility in _POPULATIONS:
            principal, who = _POPULATIONS[visibility]
            return [_population(resource, principal, "yes", f'visibility = "{visibility}"', f"{who} can use it")]
        if not isinstance(visibility, str):
            return [_population(resource, "github:all-repositories", "possible", "visibility is not stated in the code",
                                "it may be \"all\": every repository of the organisation can use it")]
        return self._selected(resource)

    def _selected(self, resource: Resource) -> list[Reader]:
        """`visibility = "selected"`: each listed repository reads the secret."""
        sources = [resource]
        listing = GITHUB_SECRETS[resource.type][1]
        name = resource.values.get("secret_name")
        for other in self.project.resources:
            if other.type == listing and other.mode == "managed" and (
                    resource.address in other.references.get("secret_name", [])
                    or _refers(other.values.get("secret_name"), resource.address)
                    or (isinstance(name, str) and other.values.get("secret_name") == name)):
                sources.append(other)
        readers: dict[str, Reader] = {}
        for source in sources:
            ids = source.values.get("selected_repository_ids")
            entries = ids if isinstance(ids, (list, tuple)) else [] if ids is None else [ids]
            for item in entries:
                principal, level = _repository(item, source.address)
                hop = Evidence(address=source.address, kind="statement", location=source.location,
                               detail=f'visibility = "selected": selected_repository_ids lists {principal}')
                readers.setdefault(principal, Reader(principal, level, [hop],
                                                     "its workflows can use the secret (selected repository)"))
        return list(readers.values())


def _refers(value: Any, address: str) -> bool:
    return isinstance(value, Ref) and value.address == address


def _repository(item: Any, source: str) -> tuple[str, str]:
    """A selected repository as a principal: the github_repository the code names, else its id."""
    if isinstance(item, Ref):
        return item.address, "yes"
    if isinstance(item, (int, str)) and not isinstance(item, bool):
        return f"github:repository/{item}", "yes"
    return f"(unknown repository of {source})", "possible"


def _gitlab(resource: Resource) -> list[Reader]:
    protected = resource.values.get("protected")
    who = GITLAB_VARIABLES[resource.type][1]
    if protected is True or protected == "true":
        return []
    principal = "gitlab:group-pipelines" if resource.type == "gitlab_group_variable" else "gitlab:instance-pipelines"
    if protected is None or protected is False or protected == "false":
        setting = "protected = false" if protected is not None else "protected is not set (default false)"
        return [_population(resource, principal, "yes", setting, f"{who}, on any branch, reads it")]
    return [_population(resource, principal, "possible", "protected is not stated in the code",
                        f"{who}, on any branch, may read it")]


def _population(resource: Resource, principal: str, level: Level, setting: str, who: str) -> Reader:
    """A reader that stands for a population; its one hop is the setting a reviewer changes."""
    hop = Evidence(address=resource.address, detail=setting, location=resource.location, kind="statement")
    return Reader(principal, level, [hop], who, scope="organisation")
