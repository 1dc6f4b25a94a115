"""SOD210-SOD215: the gates between a change and production.

Each check reads the vendor's own settings, with the vendor's documented defaults:

- SOD210 HCP Terraform / Terraform Enterprise (`tfe_workspace.auto_apply`, default false;
  `auto_apply_run_trigger`; `tfe_workspace_settings.auto_apply`), Spacelift
  (`spacelift_stack.autodeploy`, default false, unless an APPROVAL policy is attached, by
  `spacelift_policy_attachment` or an `autoattach:<label>` label), env0
  (`env0_environment.approve_plan_automatically`; when absent, the project's
  `env0_project_policy.requires_approval_default`; sub-environments approve automatically
  unless they set it to false);
- SOD211 Atlantis server-side repo config (`repos.yaml`, `ATLANTIS_REPO_CONFIG_JSON`; every
  repo starts from `apply_requirements: []`; when several entries match, later keys win)
  and repo-level `atlantis.yaml`;
- SOD212 branch protection (GitHub classic and v3 protections and rulesets, GitLab protected
  branches, Azure DevOps minimum-reviewer policies);
- SOD213 deployment environments (GitHub `reviewers`, `prevent_self_review` default false,
  `can_admins_bypass` default true; GitLab protected environment approval rules; Azure
  DevOps approval checks on environments);
- SOD214 GitLab merge request approval settings and rules;
- SOD215 AWS CodePipeline: a Deploy action with no earlier Manual approval action.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from sod_iac.core.model import Evidence, Finding, Location, Project, Resource, unique_evidence
from sod_iac.rules import atlantis_servers
from sod_iac.rules.approval_util import (
    blocks, first, flag, hop, managed, number, production, refers_to, text, not_on, unstated, worst,
)
from sod_iac.rules.registry import Context, rule
from sod_iac.core.values import Ref, Template, as_list, decode_json, decode_yaml

# --------------------------------------------------------------------------- SOD210


@rule("SOD210")
def applies_without_approval(ctx: Context) -> Iterator[Finding]:
    """A workspace or stack that applies its own plans: nobody confirms what will change."""
    project = ctx.project
    prod = production(ctx, "SOD210")
    for workspace in managed(project, "tfe_workspace"):
        values = workspace.values
        reasons = []
        if flag(values.get("auto_apply")) is True:
            reasons.append("auto_apply = true: every successful plan is applied without anyone confirming it")
        if flag(values.get("auto_apply_run_trigger")) is True:
            reasons.append("auto_apply_run_trigger = true: runs queued by run triggers apply without confirmation")
        if reasons:
            match = prod.at(workspace.address).match(values.get("name"), values.get("tag_names"), values.get("tags"))
            yield _workspace_finding(ctx, workspace, values.get("name"), reasons, match)
    for settings in managed(project, "tfe_workspace_settings"):
        if flag(settings.values.get("auto_apply")) is True:
            workspace = _referenced(project, settings, "workspace_id", "tfe_workspace")
            name = workspace.values.get("name") if workspace else settings.values.get("workspace_id")
            tags = [workspace.values.get("tag_names"), workspace.values.get("tags")] if workspace else []
            yield _workspace_finding(ctx, settings, name, [
                "auto_apply = true: every successful plan is applied without anyone confirming it"],
                prod.at(settings.address).match(name, settings.values.get("tags"), *tags),
                extra=[hop(workspace, "the workspace")] if workspace else [])
    yield from _spacelift(ctx, prod)
    yield from _env0(ctx, prod)


def _workspace_finding(ctx: Context, resource: Resource, name: Any, reasons: list[str], prod: str | None,
                       extra: list[Evidence] | None = None) -> Finding:
    where = _production_text(prod)
    message = f"{resource.address} (workspace {text(name)}{where}) applies without human approval: " \
              + "; ".join(reasons) + "."
    return ctx.finding("SOD210", resource.address, message, severity="high" if prod else "medium",
                       evidence=extra or [])


def _production_text(prod: str | None) -> str:
    return {"yes": ", production", "possible": ", possibly production: its name is not stated"}.get(prod or "", "")


def _referenced(project: Project, resource: Resource, argument: str, rtype: str) -> Resource | None:
    for address in resource.references.get(argument, []):
        found = project.resource(address)
        if found is not None and found.type == rtype:
            return found
    value = resource.values.get(argument)
    if isinstance(value, Ref):
        found = project.resource(value.address)
        if found is not None and found.type == rtype:
            return found
    return None


def _spacelift(ctx: Context, prod: Any) -> Iterator[Finding]:
    project = ctx.project
    policies = managed(project, "spacelift_policy")
    attachments = managed(project, "spacelift_policy_attachment")
    for stack in managed(project, "spacelift_stack"):
        if flag(stack.values.get("autodeploy")) is not True:
            continue
        labels = {label for label in as_list(stack.values.get("labels")) if isinstance(label, str)}
        gates = []
        for attachment in attachments:
            if not refers_to(attachment, "stack_id", stack.address):
                continue
            policy = _referenced(project, attachment, "policy_id", "spacelift_policy")
            if policy is None or not isinstance(policy.values.get("type"), str) \
                    or policy.values.get("type") == "APPROVAL":
                gates.append(attachment)  # an APPROVAL policy, or one the code does not show
        for policy in policies:
            auto = {label.split(":", 1)[1] for label in as_list(policy.values.get("labels"))
                    if isinstance(label, str) and label.startswith("autoattach:")}
            if policy.values.get("type") == "APPROVAL" and ("*" in auto or auto & labels):
                gates.append(policy)
        if gates:
            continue
        name = stack.values.get("name")
        match = prod.at(stack.address).match(name, stack.values.get("labels"), stack.values.get("branch"))
        yield ctx.finding("SOD210", stack.address, (
            f"{stack.address} (stack {text(name)}{_production_text(match)}) has autodeploy = true and no "
            "APPROVAL policy attached (no spacelift_policy_attachment of a policy of type APPROVAL and no "
            "autoattach label that matches the stack): every tracked change is applied once its plan "
            "succeeds."), severity="high" if match else "medium")


def _env0(ctx: Context, prod: Any) -> Iterator[Finding]:
    project = ctx.project
    policies = managed(project, "env0_project_policy")
    for environment in managed(project, "env0_environment"):
        values = environment.values
        reasons = []
        evidence: list[Evidence] = []
        automatic = flag(values.get("approve_plan_automatically"))
        if automatic is True:
            reasons.append("approve_plan_automatically = true")
        elif values.get("approve_plan_automatically") is None:
            for policy in policies:
                if _same_value(policy, "project_id", environment, "project_id") \
                        and flag(policy.values.get("requires_approval_default")) is False:
                    reasons.append(f"approve_plan_automatically is not set and the project policy "
                                   f"{policy.address} sets requires_approval_default = false")
                    evidence.append(hop(policy, "requires_approval_default = false"))
        for sub in blocks(values.get("sub_environment_configuration")):
            setting = sub.get("approve_plan_automatically")
            if setting is None or flag(setting) is True:
                reasons.append(f"sub-environment {text(sub.get('alias'))} approves its plans automatically "
                               "(approve_plan_automatically defaults to true)")
        if reasons:
            match = prod.at(environment.address).match(values.get("name"), values.get("tags"),
                                                       values.get("workspace"))
            yield ctx.finding("SOD210", environment.address, (
                f"{environment.address} (environment {text(values.get('name'))}{_production_text(match)}) "
                "deploys without a human approving the plan: " + "; ".join(reasons) + "."),
                severity="high" if match else "medium", evidence=evidence)


def _same_value(a: Resource, a_arg: str, b: Resource, b_arg: str) -> bool:
    va, vb = a.values.get(a_arg), b.values.get(b_arg)
    if isinstance(va, Ref) and isinstance(vb, Ref):
        return va.address == vb.address
    if isinstance(va, str) and isinstance(vb, str):
        return va == vb
    ra, rb = set(a.references.get(a_arg, [])), set(b.references.get(b_arg, []))
    return bool(ra & rb)


# --------------------------------------------------------------------------- SOD211

_APPLY_COMMAND = re.compile(r"\b(?:terraform|tofu|terragrunt|atlantis)\b[^\n;|&]*\bapply\b")
_DEFAULT_SERVER = {"apply_requirements": [], "import_requirements": [], "workflow": "default",
                   "allowed_overrides": [], "allow_custom_workflows": False}


@rule("SOD211")
def atlantis_without_approval(ctx: Context) -> Iterator[Finding]:
    """Atlantis applies from a pull request comment: without `approved`, the author applies alone."""
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


# --------------------------------------------------------------------------- SOD212


@rule("SOD212")
def weak_branch_protection(ctx: Context) -> Iterator[Finding]:
    """Branch protection is what makes review mandatory; each gap lets an author merge alone."""
    project = ctx.project
    checks = {
        "github_branch_protection": _github_protection,
        "github_branch_protection_v3": _github_protection,
        "github_repository_ruleset": _github_ruleset,
        "github_organization_ruleset": _github_ruleset,
        "gitlab_branch_protection": _gitlab_protection,
        "azuredevops_branch_policy_min_reviewers": _azure_min_reviewers,
    }
    for resource in managed(project, *checks):
        result = checks[resource.type](resource, ctx.option("SOD212", "min_approvals", address=resource.address))
        if result is None:
            continue
        what, weaknesses = result
        if not weaknesses:
            continue
        message = (f"{resource.address} ({what}) lets code reach the branch without an independent review: "
                   + "; ".join(w for w, _ in weaknesses) + ".")
        yield ctx.finding("SOD212", resource.address, message, severity=worst(s for _, s in weaknesses))


Weak = list[tuple[str, str]]


def _reviews_count(review: dict[str, Any], default: int, minimum: float, weaknesses: Weak) -> None:
    count = review.get("required_approving_review_count", default)
    count = default if count is None else count
    value = number(count)
    if value is not None and value < minimum:
        weaknesses.append((f"required_approving_review_count = {int(value)} (minimum {int(minimum)})", "high"))


def _github_protection(resource: Resource, minimum: float) -> tuple[str, Weak] | None:
    """github_branch_protection (GraphQL) and github_branch_protection_v3 (REST): the same
    review settings; bypassers are `pull_request_bypassers` in the first and
    `bypass_pull_request_allowances { users teams apps }` in the second."""
    values = resource.values
    if flag(values.get("lock_branch")) is True:
        return None  # read-only branch: nothing merges
    weaknesses: Weak = []
    reviews = blocks(values.get("required_pull_request_reviews"))
    if not reviews:
        weaknesses.append(("no required_pull_request_reviews block: no approving review is required", "high"))
    else:
        review = reviews[0]
        _reviews_count(review, 1, minimum, weaknesses)
        if not_on(review.get("dismiss_stale_reviews")):
            weaknesses.append(("dismiss_stale_reviews is not true: commits pushed after an approval keep it",
                               "medium"))
        if not_on(review.get("require_last_push_approval")):
            weaknesses.append(("require_last_push_approval is not true: the last pusher can approve their own "
                               "commits", "low"))
        if resource.type == "github_branch_protection":
            name, bypass = "pull_request_bypassers", [text(b) for b in as_list(review.get("pull_request_bypassers"))]
        else:
            allowances = first(review.get("bypass_pull_request_allowances"))
            name = "bypass_pull_request_allowances"
            bypass = [text(a) for key in ("users", "teams", "apps") for a in as_list(allowances.get(key))]
        if bypass:
            weaknesses.append((f"{name} {', '.join(bypass)} can merge without review", "medium"))
    if not_on(values.get("enforce_admins")):
        weaknesses.append(("enforce_admins is not true: administrators bypass the protection", "medium"))
    if resource.type == "github_branch_protection":
        return f"pattern {text(values.get('pattern'))}", weaknesses
    return f"branch {text(values.get('branch'))}", weaknesses


def _github_ruleset(resource: Resource, minimum: float) -> tuple[str, Weak] | None:
    values = resource.values
    target = values.get("target")
    if isinstance(target, str) and target != "branch":
        return None
    review = first(first(values.get("rules")).get("pull_request"))
    if not first(values.get("rules")).get("pull_request"):
        return None  # a ruleset without a pull_request rule does not claim to enforce review
    weaknesses: Weak = []
    enforcement = values.get("enforcement")
    if isinstance(enforcement, str) and enforcement != "active":
        weaknesses.append((f"enforcement = \"{enforcement}\": the pull request rule is not enforced", "high"))
    _reviews_count(review, 0, minimum, weaknesses)
    if not_on(review.get("dismiss_stale_reviews_on_push")):
        weaknesses.append(("dismiss_stale_reviews_on_push is not true: commits pushed after an approval keep it",
                           "medium"))
    if not_on(review.get("require_last_push_approval")):
        weaknesses.append(("require_last_push_approval is not true: the last pusher can approve their own commits",
                           "low"))
    actors = [f"{text(a.get('actor_type'))} {text(a.get('actor_id'))} ({text(a.get('bypass_mode') or 'always')})"
              for a in blocks(values.get("bypass_actors"))]
    if actors:
        weaknesses.append((f"bypass_actors {', '.join(actors)} can skip the rules", "medium"))
    return f"ruleset {text(values.get('name'))}", weaknesses


def _gitlab_protection(resource: Resource, minimum: float) -> tuple[str, Weak] | None:
    values = resource.values
    weaknesses: Weak = []
    push = values.get("push_access_level", "maintainer")
    push = "maintainer" if push is None else push
    if push == "developer":
        weaknesses.append(("push_access_level = \"developer\": developers push to the branch directly, without "
                           "a merge request", "high"))
    elif push == "maintainer":
        weaknesses.append(("push_access_level is \"maintainer\" (the default): maintainers push directly, "
                           "without a merge request", "medium"))
    allowed = [f"{k} {text(b.get(k))}" for b in blocks(values.get("allowed_to_push"))
               for k in ("user_id", "group_id") if b.get(k) is not None]
    if allowed:
        weaknesses.append((f"allowed_to_push ({', '.join(allowed)}) push directly, without a merge request",
                           "medium"))
    if flag(values.get("allow_force_push")) is True:
        weaknesses.append(("allow_force_push = true: reviewed history can be rewritten", "medium"))
    return f"branch {text(values.get('branch'))}", weaknesses


def _azure_min_reviewers(resource: Resource, minimum: float) -> tuple[str, Weak] | None:
    values = resource.values
    settings = first(values.get("settings"))
    weaknesses: Weak = []
    if flag(values.get("enabled")) is False:
        weaknesses.append(("enabled = false: the policy does not run", "high"))
    if flag(values.get("blocking")) is False:
        weaknesses.append(("blocking = false: the policy is optional", "high"))
    count = number(settings.get("reviewer_count"))
    if count is not None and count < minimum:
        weaknesses.append((f"reviewer_count = {int(count)} (minimum {int(minimum)})", "high"))
    if flag(settings.get("submitter_can_vote")) is True:
        weaknesses.append(("submitter_can_vote = true: authors approve their own pull requests", "high"))
    if not_on(settings.get("last_pusher_cannot_approve")):
        weaknesses.append(("last_pusher_cannot_approve is not true: the last pusher can approve their own changes",
                           "medium"))
    if not_on(settings.get("on_push_reset_approved_votes")) and not_on(settings.get("on_push_reset_all_votes")):
        weaknesses.append(("neither on_push_reset_approved_votes nor on_push_reset_all_votes: approvals survive "
                           "new pushes", "medium"))
    if flag(settings.get("allow_completion_with_rejects_or_waits")) is True:
        weaknesses.append(("allow_completion_with_rejects_or_waits = true", "low"))
    scopes = [text(s.get("repository_ref") or "all branches") for s in blocks(settings.get("scope"))]
    return f"scope {', '.join(scopes) or 'unknown'}", weaknesses


# --------------------------------------------------------------------------- SOD213


@rule("SOD213")
def deploy_without_reviewer(ctx: Context) -> Iterator[Finding]:
    """The last human gate before production credentials: it needs a reviewer who is not the deployer."""
    project = ctx.project
    prod = production(ctx, "SOD213")
    for environment in managed(project, "github_repository_environment"):
        values = environment.values
        match = prod.at(environment.address).match(values.get("environment"))
        if not match:
            continue
        weaknesses: Weak = []
        reviewers = blocks(values.get("reviewers"))
        people = [r for block in reviewers for key in ("users", "teams") for r in as_list(block.get(key))]
        if not people:
            weaknesses.append(("no reviewers: any workflow run that targets it deploys at once", "high"))
        else:
            if not_on(values.get("prevent_self_review")):
                weaknesses.append(("prevent_self_review is not true (default false): whoever triggers the "
                                   "deployment can approve it", "medium"))
        if flag(values.get("can_admins_bypass")) is not False and not unstated(values.get("can_admins_bypass")):
            weaknesses.append(("can_admins_bypass is not false (default true): administrators deploy without "
                               "review", "medium"))
        yield from _environment_finding(ctx, environment, values.get("environment"), match, weaknesses)
    for environment in managed(project, "gitlab_project_protected_environment"):
        values = environment.values
        match = prod.at(environment.address).match(values.get("environment"))
        if not match:
            continue
        rules = blocks(values.get("approval_rules"))
        legacy = number(values.get("required_approval_count"))
        approvals = [number(r.get("required_approvals")) for r in rules]
        weaknesses = []
        if not rules and not (legacy and legacy > 0):
            weaknesses.append(("no approval_rules: deployments need no approval", "high"))
        elif rules and all(a == 0 for a in approvals):
            weaknesses.append(("every approval rule requires 0 approvals", "high"))
        yield from _environment_finding(ctx, environment, values.get("environment"), match, weaknesses)
    checks = managed(project, "azuredevops_check_approval")
    for environment in managed(project, "azuredevops_environment"):
        values = environment.values
        match = prod.at(environment.address).match(values.get("name"))
        if not match:
            continue
        mine = [c for c in checks if refers_to(c, "target_resource_id", environment.address)
                and (c.values.get("target_resource_type") == "environment"
                     or not isinstance(c.values.get("target_resource_type"), str))]
        weaknesses = []
        evidence = []
        if not mine:
            weaknesses.append(("no azuredevops_check_approval targets it: pipelines deploy without approval", "high"))
        for check in mine:
            evidence.append(hop(check, "approval check"))
            if flag(check.values.get("requester_can_approve")) is True:
                weaknesses.append((f"{check.address} has requester_can_approve = true: the person who runs the "
                                   "pipeline can approve it", "high"))
            minimum = number(check.values.get("minimum_required_approvers"))
            if minimum is not None and minimum < 1:
                weaknesses.append((f"{check.address} has minimum_required_approvers = {int(minimum)}", "high"))
            if not as_list(check.values.get("approvers")) and check.values.get("approvers") is not None:
                weaknesses.append((f"{check.address} names no approvers", "high"))
        if mine and len(weaknesses) == 0:
            continue
        yield from _environment_finding(ctx, environment, values.get("name"), match, weaknesses, evidence)


def _environment_finding(ctx: Context, resource: Resource, name: Any, match: str, weaknesses: Weak,
                         evidence: list[Evidence] | None = None) -> Iterator[Finding]:
    if not weaknesses:
        return
    possible = " (possibly production: its name is not stated)" if match == "possible" else ""
    message = (f"{resource.address} (environment {text(name)}{possible}) has no independent reviewer: "
               + "; ".join(w for w, _ in weaknesses) + ".")
    yield ctx.finding("SOD213", resource.address, message, severity=worst(s for _, s in weaknesses),
                      evidence=evidence or [])


# --------------------------------------------------------------------------- SOD214


@rule("SOD214")
def self_approved_merge_requests(ctx: Context) -> Iterator[Finding]:
    """An approval from the author or a committer is no independent approval."""
    project = ctx.project
    for resource in managed(project, "gitlab_project_level_mr_approvals"):
        values = resource.values
        weaknesses: Weak = []
        if flag(values.get("merge_requests_author_approval")) is True:
            weaknesses.append(("merge_requests_author_approval = true: authors approve their own merge requests",
                               "high"))
        committers = values.get("merge_requests_disable_committers_approval")
        if not_on(committers):
            default = " (the GitLab default)" if committers is None else ""
            weaknesses.append((f"merge_requests_disable_committers_approval is false{default}: anyone who pushed "
                               "commits to a merge request can approve it", "medium"))
        if flag(values.get("reset_approvals_on_push")) is False:
            weaknesses.append(("reset_approvals_on_push = false: approvals survive new commits", "medium"))
        if flag(values.get("disable_overriding_approvers_per_merge_request")) is False:
            weaknesses.append(("disable_overriding_approvers_per_merge_request = false: approval rules can be "
                               "edited in each merge request", "low"))
        yield from _mr_finding(ctx, resource, weaknesses)
    for resource in managed(project, "gitlab_group_level_mr_approvals"):
        values = resource.values
        weaknesses = []
        if flag(values.get("allow_author_approval")) is True:
            weaknesses.append(("allow_author_approval = true: authors approve their own merge requests", "high"))
        if flag(values.get("allow_committer_approval")) is True:
            weaknesses.append(("allow_committer_approval = true: committers approve merge requests they changed",
                               "medium"))
        if flag(values.get("retain_approvals_on_push")) is True:
            weaknesses.append(("retain_approvals_on_push = true: approvals survive new commits", "medium"))
        if flag(values.get("allow_overrides_to_approver_list_per_merge_request")) is True:
            weaknesses.append(("allow_overrides_to_approver_list_per_merge_request = true", "low"))
        yield from _mr_finding(ctx, resource, weaknesses)
    for resource in managed(project, "gitlab_project_approval_rule"):
        required = number(resource.values.get("approvals_required"))
        if required is not None and required < 1:
            yield from _mr_finding(ctx, resource, [(
                f"approval rule {text(resource.values.get('name'))} requires {int(required)} approvals", "medium")])


def _mr_finding(ctx: Context, resource: Resource, weaknesses: Weak) -> Iterator[Finding]:
    if weaknesses:
        yield ctx.finding("SOD214", resource.address, f"{resource.address}: " + "; ".join(w for w, _ in weaknesses)
                          + ".", severity=worst(s for _, s in weaknesses))


# --------------------------------------------------------------------------- SOD215

_DEPLOY_WORDS = re.compile(r"(?i)(?<![a-z])(deploy|apply|release|promote)")


@rule("SOD215")
def pipeline_without_gate(ctx: Context) -> Iterator[Finding]:
    """A pipeline that reaches production with no manual approval, or whose approvers can remove it."""
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

