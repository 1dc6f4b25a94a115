"""Atlantis can apply without an approved pull request

## What it does
Reads Atlantis server-side repo configs (repos.yaml, ATLANTIS_REPO_CONFIG_JSON, an Atlantis server
the code deploys) and repo-level atlantis.yaml, and reports where apply needs no approved pull
request.

## Why is this bad?
Atlantis runs terraform apply from a pull request comment. Unless the server requires the pull
request to be approved (and mergeable) before apply, the author can apply their own unreviewed
change to real infrastructure, and a later review only looks at what has already happened. Allowing
repositories to override those requirements or to bring custom workflows gives the same bypass to
anyone who can edit atlantis.yaml. A server the code deploys (an ECS task definition, a Kubernetes
Deployment or StatefulSet running the Atlantis image, a Helm release of the runatlantis chart) with
no server-side repo config (--repo-config, --repo-config-json, the chart's repoConfig) and without
--require-approval (ATLANTIS_REQUIRE_APPROVAL) runs with Atlantis' defaults, apply_requirements: [],
for every repository. A repo config passed as a file or from a value the code does not state is not
judged.

## Example
```hcl
resource "aws_ecs_task_definition" "atlantis" {
  family = "atlantis"
  container_definitions = jsonencode([{
    name  = "atlantis"
    image = "ghcr.io/runatlantis/atlantis:latest"
    environment = [{
      name = "ATLANTIS_REPO_CONFIG_JSON"
      value = jsonencode({
        repos = [{ id = "/.*/", apply_requirements = [], allow_custom_workflows = true }]
      })
    }]
  }])
}
```

## Use instead
```hcl
resource "aws_ecs_task_definition" "atlantis" {
  family = "atlantis"
  container_definitions = jsonencode([{
    name  = "atlantis"
    image = "ghcr.io/runatlantis/atlantis:latest"
    environment = [{
      name = "ATLANTIS_REPO_CONFIG_JSON"
      value = jsonencode({
        repos = [{ id = "/.*/", apply_requirements = ["approved", "mergeable"],
                   allow_custom_workflows = false }]
      })
    }]
  }])
}
```

## How to fix
Set apply_requirements (and import_requirements) to at least [approved, mergeable] in the
server-side repo config, do not list apply_requirements in allowed_overrides, and keep
allow_custom_workflows false for repositories that deploy production.

## Options
None.

## References
- [Atlantis, Command requirements](https://www.runatlantis.io/docs/command-requirements)
- [Atlantis, Server Side Repo Config (defaults, --repo-config, --repo-config-json)](https://www.runatlantis.io/docs/server-side-repo-config)
- [Atlantis, Server Configuration (flags as ATLANTIS_* environment variables)](https://www.runatlantis.io/docs/server-configuration)
- [NIST SP 800-53 Rev. 5 CM-3 Configuration Change Control, AC-5 Separation of Duties](https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from sod_iac.core.model import Finding, Location, Project, Resource
from sod_iac.core.values import Template, as_list, decode_json, decode_yaml
from sod_iac.rules.approval import atlantis_servers
from sod_iac.rules.approval.common import flag, hop, text, worst
from sod_iac.rules.context import Context

ANCHORS = frozenset(atlantis_servers.SERVER_TYPES)  # an Atlantis server the code deploys
ATLANTIS_YAML = True  # and Atlantis YAML: repos.yaml, atlantis.yaml (`atlantis.*`)


_APPLY_COMMAND = re.compile(r"\b(?:terraform|tofu|terragrunt|atlantis)\b[^\n;|&]*\bapply\b")
_DEFAULT_SERVER = {"apply_requirements": [], "import_requirements": [], "workflow": "default",
                   "allowed_overrides": [], "allow_custom_workflows": False}


def check(ctx: Context) -> Iterator[Finding]:
    """Atlantis applies from a pull request comment: without `approved`, the author applies alone.

    Vendor settings read, with the vendor's documented defaults: Atlantis server-side repo
    config (`repos.yaml`, `ATLANTIS_REPO_CONFIG_JSON`; every repo starts from
    `apply_requirements: []`; when several entries match, later keys win) and repo-level
    `atlantis.yaml`.
    """
    for document in ctx.project.documents:  # read and parsed by the loader (sod_iac.load.documents)
        data = document.data
        if document.kind not in ("atlantis-repo", "atlantis-server") or not isinstance(data, dict):
            continue
        if document.kind == "atlantis-server" or ("repos" in data and "projects" not in data):
            if "repos" in data or "workflows" in data:
                yield from _server_config(ctx, data, document.path, None)
        else:
            yield from _repo_config(ctx, data, document.path)
    for resource, config in _embedded_server_configs(ctx.project):
        yield from _server_config(ctx, config, _rel(resource), resource)
    for server in atlantis_servers.servers(ctx.project):
        yield from _deployed_server(ctx, server)


def _rel(resource: Resource) -> str:
    return resource.location.path if resource.location else resource.address


def _deployed_server(ctx: Context, server: atlantis_servers.Server) -> Iterator[Finding]:
    """A server the code deploys: its repo config from the chart, else its defaults and flags.
    A config passed as a file (`--repo-config`) or as JSON (judged above) is not judged here."""
    flags = server.flags
    if server.unknown or "repo-config" in flags or "repo-config-json" in flags:
        return
    detail = f"deploys an Atlantis server: {server.what}"
    if server.repo_config is not None:
        try:
            config = decode_yaml(server.repo_config)
        except ValueError:
            return  # the server would fail to start: nothing is applied
        if isinstance(config, dict):
            yield from _server_config(ctx, config, _rel(server.resource), server.resource, detail=detail)
        return
    required = []
    for flag_name, requirement in (("require-approval", "approved"), ("require-mergeable", "mergeable")):
        value = flags.get(flag_name)
        if value is not None and _go_yaml_bool(value) is None:
            return  # a flag whose value the code does not state: not judged
        if _go_yaml_bool(value) is True:
            required.append(requirement)
    stated = ("started with --require-mergeable but not --require-approval" if required
              else "started without --require-approval")
    note = (f"{server.what} runs with no server-side repo config (no --repo-config or --repo-config-json, nor "
            f"ATLANTIS_REPO_CONFIG[_JSON]) and is {stated}, so Atlantis's default apply_requirements apply")
    entry = {**_DEFAULT_SERVER, "id": "/.*/", "apply_requirements": required}
    yield from _judge_entry(ctx, entry, dict(entry), {}, _rel(server.resource), server.resource, note=note,
                            detail=detail)


def _embedded_server_configs(project: Project) -> Iterator[tuple[Resource, dict[str, Any]]]:
    """Server-side repo config passed as ATLANTIS_REPO_CONFIG_JSON in a container's environment
    (ECS task definitions, Kubernetes deployments, ...)."""
    for resource in project.resources:
        if resource.mode != "managed":
            continue
        for value in _env_values(resource.values, "ATLANTIS_REPO_CONFIG_JSON", 0):
            try:
                config = json.loads(value)
            except ValueError:
                continue
            if isinstance(config, dict):
                yield resource, config


def _env_values(value: Any, name: str, depth: int) -> Iterator[str]:
    if depth > 12:
        return
    if isinstance(value, dict):
        if value.get("name") == name and isinstance(value.get("value"), str):
            yield value["value"]
        for inner in value.values():
            yield from _env_values(inner, name, depth + 1)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            yield from _env_values(inner, name, depth + 1)
    elif isinstance(value, (str, Template)) and name in str(value) and str(value).lstrip()[:1] in "[{":
        try:
            decoded = decode_json(value)
        except ValueError:
            return
        yield from _env_values(decoded, name, depth + 1)


def _requirement_weakness(requirements: Any, what: str) -> tuple[str, str] | None:
    listed = [r for r in as_list(requirements) if isinstance(r, str)]
    if requirements is not None and not isinstance(requirements, list):
        return None  # not a list we can read: not judged
    if "approved" in listed:
        return None
    if "mergeable" in listed:
        return (f"{what} [{', '.join(listed)}] lacks \"approved\": only \"mergeable\" stands in for a review, "
                "and it requires one only if branch protection does", "medium")
    return (f"{what} [{', '.join(listed)}] lacks \"approved\": the author can apply an unreviewed pull request",
            "high")


def _plan_runs_apply(workflow: Any) -> bool:
    if not isinstance(workflow, dict):
        return False
    plan = workflow.get("plan")
    steps = plan.get("steps") if isinstance(plan, dict) else None
    for step in steps if isinstance(steps, list) else []:
        if step == "apply" or isinstance(step, dict) and "apply" in step:
            return True
        command = step.get("run") if isinstance(step, dict) else None
        if isinstance(command, dict):
            command = command.get("command")
        if isinstance(command, str) and _APPLY_COMMAND.search(command):
            return True
    return False


def _id_covers(pattern: Any, target: Any) -> bool:
    """Whether repo id `pattern` (exact or /regex/) matches every repo `target` matches."""
    if not isinstance(pattern, str) or not isinstance(target, str):
        return False
    if pattern == target:
        return True
    if len(pattern) > 1 and pattern.startswith("/") and pattern.endswith("/"):
        regex = pattern[1:-1]
        if regex in (".*", "^.*$", ".+"):
            return True
        if target.startswith("/"):
            return False
        try:
            return re.search(regex, target) is not None
        except re.error:
            return False
    return False


_GO_YAML_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"})
_GO_YAML_FALSE = frozenset({"n", "N", "no", "No", "NO", "off", "Off", "OFF"})


def _go_yaml_bool(value: Any) -> bool | None:
    """A field Atlantis types as bool, read as go-yaml fills a typed bool: our YAML loader keeps
    `yes`/`on`/`off` as strings (YAML 1.2), but Atlantis's decoder takes them as YAML 1.1 booleans."""
    if isinstance(value, str) and value in _GO_YAML_TRUE | _GO_YAML_FALSE:
        return value in _GO_YAML_TRUE
    return flag(value)


def _server_config(ctx: Context, data: dict[str, Any], rel: str, resource: Resource | None,
                   detail: str = "passes ATLANTIS_REPO_CONFIG_JSON") -> Iterator[Finding]:
    repos = [r for r in data.get("repos") or [] if isinstance(r, dict)] if isinstance(data.get("repos"), list) else []
    workflows = data.get("workflows") if isinstance(data.get("workflows"), dict) else {}
    source = resource.address if resource is not None else rel
    if not repos:
        entry = {**_DEFAULT_SERVER, "id": "/.*/", "__line__": 1}
        yield from _judge_entry(ctx, entry, dict(_DEFAULT_SERVER), workflows, rel, resource,
                                note=f"{source} sets no repos entry, so Atlantis's default applies", detail=detail)
        return
    for index, entry in enumerate(repos):
        effective = dict(_DEFAULT_SERVER)
        for earlier in repos[: index + 1]:
            if earlier is entry or _id_covers(earlier.get("id"), entry.get("id")):
                effective.update({k: v for k, v in earlier.items() if k != "__line__"})
        yield from _judge_entry(ctx, entry, effective, workflows, rel, resource, detail=detail)


def _judge_entry(ctx: Context, entry: dict[str, Any], effective: dict[str, Any], workflows: dict[str, Any],
                 rel: str, resource: Resource | None, note: str = "",
                 detail: str = "passes ATLANTIS_REPO_CONFIG_JSON") -> Iterator[Finding]:
    weaknesses: list[tuple[str, str]] = []
    found = _requirement_weakness(effective.get("apply_requirements"), "apply_requirements")
    if found:
        weaknesses.append(found)
    overrides = [o for o in as_list(effective.get("allowed_overrides")) if isinstance(o, str)]
    if "apply_requirements" in overrides:
        weaknesses.append(("allowed_overrides includes apply_requirements: a repository's atlantis.yaml can "
                           "set them to []", "high"))
    if _go_yaml_bool(effective.get("allow_custom_workflows")) is True and "workflow" in overrides:
        weaknesses.append(("allow_custom_workflows with workflow in allowed_overrides: a pull request can bring "
                           "its own workflow and run terraform apply during plan, before any approval", "high"))
    chosen = effective.get("workflow")
    if isinstance(chosen, str) and _plan_runs_apply(workflows.get(chosen)):
        weaknesses.append((f"workflow {chosen} runs apply in its plan stage, before apply requirements are "
                           "checked", "high"))
    if not weaknesses:
        return
    found = _requirement_weakness(effective.get("import_requirements"), "import_requirements")
    if found and found[1] == "high":
        weaknesses.append((found[0].replace("apply an unreviewed pull request", "import into state without review"),
                           "low"))
    repo_id = entry.get("id")
    address = f'atlantis.repos["{text(repo_id)}"]'
    intro = f"{note}: " if note else ""
    origin = resource.address if resource is not None else rel
    message = (f"Atlantis server config {origin}, repos entry {text(repo_id)}: {intro}"
               + "; ".join(w for w, _ in weaknesses) + ".")
    line = entry.get("__line__") if resource is None else None
    yield _yaml_finding(ctx, "SOD211", address, message, rel, line, resource, worst(s for _, s in weaknesses),
                        detail=detail)


def _repo_config(ctx: Context, data: dict[str, Any], rel: str) -> Iterator[Finding]:
    projects = [p for p in data.get("projects") or [] if isinstance(p, dict)] \
        if isinstance(data.get("projects"), list) else []
    workflows = data.get("workflows") if isinstance(data.get("workflows"), dict) else {}
    for project in projects:
        weaknesses: list[tuple[str, str]] = []
        if "apply_requirements" in project:
            found = _requirement_weakness(project.get("apply_requirements"), "apply_requirements")
            if found:
                weaknesses.append((found[0] + " (effective where the server allows overriding apply_requirements)",
                                   found[1]))
        chosen = project.get("workflow")
        if isinstance(chosen, str) and _plan_runs_apply(workflows.get(chosen)):
            weaknesses.append((f"its workflow {chosen} runs apply in the plan stage (effective where the server "
                               "allows custom workflows)", "high"))
        if not weaknesses:
            continue
        label = project.get("name") or project.get("dir") or "."
        if project.get("workspace") and not project.get("name"):
            label = f"{label}:{project.get('workspace')}"
        message = f"Atlantis repo config {rel}, project {text(label)}: " + "; ".join(w for w, _ in weaknesses) + "."
        yield _yaml_finding(ctx, "SOD211", f'atlantis.projects["{text(label)}"]', message, rel,
                            project.get("__line__"), None, worst(s for _, s in weaknesses))


def _yaml_finding(ctx: Context, rule_id: str, address: str, message: str, rel: str, line: Any,
                  resource: Resource | None, severity: str, detail: str = "") -> Finding:
    if resource is not None:
        return ctx.finding(rule_id, resource.address, message, severity=severity, qualifier=address,
                           evidence=[hop(resource, detail or "passes ATLANTIS_REPO_CONFIG_JSON")])
    start = line if isinstance(line, int) and line >= 1 else 1
    location = Location(path=rel, start_line=start, end_line=start)
    # a file of the repository, not of one root module: the same identity however many units
    return ctx.finding(rule_id, address, message, location=location, severity=severity, root="",
                       qualifier=f"@{rel}")
