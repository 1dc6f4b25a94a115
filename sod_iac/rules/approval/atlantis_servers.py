"""Atlantis servers the code deploys, and the server settings they are started with (SOD211).

Atlantis reads its server settings from flags or from environment variables named after them
(`--require-approval` is `ATLANTIS_REQUIRE_APPROVAL`; Atlantis "Server Configuration":
"All flags can be specified as environment variables"). A server started without a
server-side repo config (`--repo-config`, `--repo-config-json`) applies its defaults to every
repository: `apply_requirements: []` ("Server Side Repo Config"), so any pull request author
can comment `atlantis apply`. The deprecated `--require-approval` / `--require-mergeable`
flags set `approved` / `mergeable` for every repository.

Where a server is deployed:
- an ECS task definition container whose image is Atlantis (`container_definitions` JSON:
  `environment`, `secrets`, `command`, `entryPoint`);
- a Kubernetes Deployment or StatefulSet container whose image is Atlantis (`env`, `args`,
  `command`);
- a Helm release of the runatlantis chart (chart values `repoConfig`, `environment`,
  `extraArgs`, from `values` documents and `set` blocks).

A setting whose value the code does not state (a variable, a secret reference, values that
are not literal) makes the server's configuration unknown: it is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sod_iac.core.model import Project, Resource
from sod_iac.core.values import Template, Unknown, as_list, decode_json, decode_yaml
from sod_iac.rules.approval.common import blocks, first

_IMAGE = re.compile(r"(?:^|/)atlantis(?::|@|$)", re.IGNORECASE)
_ECS = ("aws_ecs_task_definition",)
_KUBERNETES = ("kubernetes_deployment", "kubernetes_deployment_v1", "kubernetes_stateful_set",
               "kubernetes_stateful_set_v1")
SERVER_TYPES = (*_ECS, *_KUBERNETES, "helm_release")
"""Resource types that may deploy an Atlantis server (where SOD211 anchors a server's finding)."""
_FLAG = re.compile(r"^--?([a-z0-9-]+)(?:=(.*))?$", re.DOTALL)
UNKNOWN = Unknown(reason="not stated in the code")

@dataclass
class Server:
    """One deployed Atlantis server: its flags (name without `--` -> value) as far as known."""

    resource: Resource
    what: str  # "ECS container atlantis (ghcr.io/runatlantis/atlantis:v0.30.0)"
    flags: dict[str, Any] = field(default_factory=dict)
    repo_config: Any = None
    """Helm chart value `repoConfig` (repos.yaml text), when set."""
    unknown: str = ""
    """Why the server's settings cannot be read in full (empty when they can)."""

def servers(project: Project) -> Iterator[Server]:
    for resource in project.resources:
        if resource.mode != "managed":
            continue
        if resource.type in _ECS:
            yield from _ecs(resource)
        elif resource.type in _KUBERNETES:
            yield from _kubernetes(resource)
        elif resource.type == "helm_release" and _is_atlantis_chart(resource):
            yield _helm(resource)

def _is_image(image: Any) -> bool:
    return isinstance(image, (str, Template)) and bool(_IMAGE.search(str(image).split("${")[0] or ""))

def _ecs(resource: Resource) -> Iterator[Server]:
    try:
        containers = decode_json(resource.values.get("container_definitions"))
    except ValueError:
        return
    for container in containers if isinstance(containers, list) else []:
        if not isinstance(container, dict) or not _is_image(container.get("image")):
            continue
        server = Server(resource, f"ECS container {container.get('name')} ({container.get('image')})")
        _read_env(server, container.get("environment"), "value")
        for secret in as_list(container.get("secrets")):
            if isinstance(secret, dict) and isinstance(secret.get("name"), str):
                _set_env(server, secret["name"], UNKNOWN)
        _read_args(server, [*as_list(container.get("entryPoint")), *as_list(container.get("command"))])
        yield server

def _kubernetes(resource: Resource) -> Iterator[Server]:
    template = first(first(resource.values.get("spec")).get("template"))
    for container in blocks(first(template.get("spec")).get("container")):
        if not _is_image(container.get("image")):
            continue
        server = Server(resource, f"container {container.get('name')} ({container.get('image')})")
        _read_env(server, container.get("env"), "value")
        if container.get("env_from"):
            server.unknown = "env_from loads environment variables the code does not show"
        _read_args(server, [*as_list(container.get("command")), *as_list(container.get("args"))])
        yield server

def _is_atlantis_chart(resource: Resource) -> bool:
    chart, repository = resource.values.get("chart"), resource.values.get("repository")
    return (isinstance(chart, str) and (chart == "atlantis" or chart.endswith("/atlantis"))
            and (repository is None or "runatlantis" in str(repository) or chart.startswith("runatlantis/")
                 or chart == "atlantis"))

def _helm(resource: Resource) -> Server:
    """Chart values, later documents and `set` blocks winning (Helm's order)."""
    server = Server(resource, f"Helm release of chart {resource.values.get('chart')}")
    values: dict[str, Any] = {}
    for document in as_list(resource.values.get("values")):
        try:
            loaded = decode_yaml(document)  # unknown parts (`${var.x}`) stay unknown leaves
        except ValueError:  # YAML the chart would reject: not judged
            server.unknown = "a values document is not valid YAML"
            continue
        if isinstance(loaded, dict):
            values.update(loaded)
        else:
            server.unknown = "a values document is not stated in the code"
    for kind in ("set", "set_string", "set_sensitive"):
        for item in blocks(resource.values.get(kind)):
            name, value = item.get("name"), item.get("value")
            if not isinstance(name, str):
                server.unknown = f"a {kind} block names a value the code does not state"
            elif name == "repoConfig":
                values["repoConfig"] = value
            elif name.startswith("environment."):
                values.setdefault("environment", {})
                if isinstance(values["environment"], dict):
                    values["environment"][name.split(".", 1)[1]] = value
            elif name.startswith("extraArgs"):
                values.setdefault("extraArgs", [])
                if isinstance(values["extraArgs"], list):
                    values["extraArgs"].append(value)
    server.repo_config = values.get("repoConfig")
    environment = values.get("environment")
    if isinstance(environment, dict):
        for name, value in environment.as_list():
            if isinstance(name, str):
                _set_env(server, name, value)
    if values.get("environmentSecrets") or values.get("environmentRaw"):
        for entry in as_list(values.get("environmentSecrets")) + as_list(values.get("environmentRaw")):
            if isinstance(entry, dict) and isinstance(entry.get("name"), str):
                _set_env(server, entry["name"], UNKNOWN)
    _read_args(server, as_list(values.get("extraArgs")))
    return server

def _read_env(server: Server, env: Any, key: str) -> None:
    for entry in as_list(env):
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            _set_env(server, entry["name"], entry.get(key, UNKNOWN))

def _set_env(server: Server, name: str, value: Any) -> None:
    if name.startswith("ATLANTIS_"):
        server.flags.setdefault(name[len("ATLANTIS_"):].lower().replace("_", "-"), value)

def _read_args(server: Server, args: list[Any]) -> None:
    """Flags on the command line take precedence over the environment (Atlantis "Precedence")."""
    words = list(args)
    for index, word in enumerate(words):
        if not isinstance(word, str):
            server.unknown = "a command-line argument is not stated in the code"
            continue
        found = _FLAG.match(word)
        if not found:
            continue
        name, value = found.group(1), found.group(2)
        if value is None:
            following = words[index + 1] if index + 1 < len(words) else None
            value = following if isinstance(following, str) and not following.startswith("-") \
                and name in ("repo-config", "repo-config-json") else "true"
        server.flags[name] = value
