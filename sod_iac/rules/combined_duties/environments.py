"""SOD121: one principal can change more than one environment (e.g. staging and production).

An environment is recognised from what the code states about where a write lands:
- AWS: the names, tags, module path and file path of the resources of the code it can write
  (each environment is asked with the AWS engine on that environment's resources), whole
  accounts named by the option `accounts: {"111122223333": production}`, and roles outside
  the code it may assume (their account in `accounts`, else the words of their name and path:
  `arn:aws:iam::333333333333:role/production-deployer`);
- GCP: the project (id, name, labels of a `google_project` of the code) of the binding;
- Azure: the subscription, resource group and resource names of the assignment's scope;
- Kubernetes: the namespace of the binding.
Words are matched as whole tokens (split on `-`, `_`, `.`, `/`, `:` and spaces) against the
environment patterns (setting `environments`, default in the Options of sod121_several_environments.py; regular expressions
allowed).
Writes whose environment the code does not state count for none: the rule needs evidence of
two named environments (a wildcard `*` resource is not an environment).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from sod_iac.access.cloud_common import text_of
from sod_iac.access.duties.holding import Holding
from sod_iac.access.duties.service import duties_for
from sod_iac.access.graph import Principal
from sod_iac.core.model import Resource
from sod_iac.rules.context import Context

CHANGE_DUTIES = ("write", "permissions-admin")


def environments_changed(ctx: Context) -> Callable[[Principal], dict[str, Holding]]:
    """For a principal, the environments it can change, each with the first holding that shows
    it: SOD121's judgement, and the environment column of `sod-iac matrix` (one place)."""
    duties = duties_for(ctx)
    classify = _classifier(ctx.option("SOD121", "environments"))
    accounts = {str(k): str(v) for k, v in ctx.option("SOD121", "accounts").items()}
    aws_envs = _aws_targets_by_env(ctx, classify, accounts)

    def changed(principal: Principal) -> dict[str, Holding]:
        per_env: dict[str, Holding] = {}
        if principal.cloud == "aws":
            for env, targets in sorted(aws_envs.items()):
                for duty in CHANGE_DUTIES:
                    holding = duties.aws_first_on(principal.id, duty, targets)
                    if holding is not None and holding.held:
                        per_env.setdefault(env, holding)
                        break
            for env, holding in _outside_roles_by_env(ctx, principal.id, classify, accounts):
                per_env.setdefault(env, holding)
        else:
            for duty in CHANGE_DUTIES:
                for holding in duties.holdings(principal, duty):
                    if holding.held:
                        for env in sorted(_environments(ctx, duties, holding, classify)):
                            per_env.setdefault(env, holding)
        return per_env

    return changed


def _aws_targets_by_env(ctx: Context, classify: Any, accounts: dict[str, str]) -> dict[str, list[Any]]:
    """AWS resources of the code by environment, plus account-wide targets for the accounts the
    `accounts` option names (any resource of that account)."""
    aws = getattr(ctx.access, "aws", None) if ctx.access is not None else None
    if aws is None:
        return {}
    from sod_iac.access.aws import Target
    from sod_iac.access.aws_arns import arn_of

    out: dict[str, list[Any]] = {}
    for r in ctx.project.resources:
        if r.mode != "managed" or not r.type.startswith("aws_") or r.type in _PRINCIPAL_TYPES:
            continue
        arn = arn_of(r)
        if not arn:
            continue
        for env in classify(_resource_words(r)):
            out.setdefault(env, []).append(Target(arn, r.address, r.address))
            if r.type == "aws_s3_bucket":  # object actions (PutObject) act on the bucket's objects
                out[env].append(Target(f"{arn}/*", r.address, r.address))
    for account, env in sorted(accounts.items()):
        out.setdefault(env, []).append(Target(f"arn:aws:*:*:{account}:*", None, f"account {account}"))
    return out


def _outside_roles_by_env(ctx: Context, principal: str, classify: Any,
                          accounts: dict[str, str]) -> Iterator[tuple[str, Holding]]:
    """Environments the principal reaches by assuming roles outside the code: a role's account
    when the `accounts` option names it, else the words of its name and path
    (`production-deployer`). Its permissions are unknown: a deployer may change what it
    deploys to (possible, at most)."""
    aws = getattr(ctx.access, "aws", None) if ctx.access is not None else None
    if aws is None:
        return
    from sod_iac.access.aws_outside_roles import outside_roles

    for role in outside_roles(aws, principal):
        envs = {accounts[role.account]} if role.account in accounts else classify(role.path_and_name)
        for env in sorted(envs):
            yield env, Holding(principal, "write", "aws", "sts:AssumeRole", role.level, role.arn, role.evidence)


_PRINCIPAL_TYPES = ("aws_iam_role", "aws_iam_user", "aws_iam_group", "aws_iam_policy")


def _classifier(patterns: dict[str, list[str]]):
    compiled = []
    for env, words in patterns.items():
        for word in words or ():
            regex = word if any(ch in word for ch in "^$[]()\\|+") else re.escape(word)
            compiled.append((str(env), re.compile(rf"^(?:{regex})$", re.IGNORECASE)))

    def classify(text: str | None) -> set[str]:
        if not text:
            return set()
        tokens = [t for t in re.split(r"[\s\-_./:=,]+", text) if t and t != "*"]
        found = set()
        for token in tokens:
            for env, regex in compiled:
                if regex.match(token):
                    found.add(env)
        return found

    return classify


def _environments(ctx: Context, duties: Any, holding: Holding, classify: Any) -> set[str]:
    scope = holding.scope
    found: set[str] = set()
    if holding.cloud == "gcp":
        gcp = duties.engine("gcp")
        resource = ctx.project.resource(scope)
        if resource is not None and resource.type not in ("google_project", "google_folder"):
            found |= classify(_resource_words(resource))
        project = gcp.project_of_scope(scope) if gcp is not None else None
        if project:
            found |= classify(project[len("projects/"):] if project.startswith("projects/") else "")
            project_resource = ctx.project.resource(project) if project.startswith("google_project.") else next(
                (p for p in ctx.project.by_type("google_project")
                 if f"projects/{text_of(p.values.get('project_id'))}" == project), None)
            if project_resource is not None:
                found |= classify(_resource_words(project_resource))
        elif scope.startswith(("folders/", "organizations/")) is False:
            found |= classify(scope)
        return found
    if holding.cloud == "azure":
        resource = ctx.project.resource(scope)
        if resource is not None:
            return classify(_resource_words(resource))
        return classify(re.sub(r"(?i)/(subscriptions|resourceGroups|providers)/", "/", scope))
    if holding.cloud == "kubernetes":
        return classify(scope.split(":", 1)[1]) if scope.startswith("namespace:") else set()
    return found


def _resource_words(resource: Resource) -> str:
    """Names, tags/labels, module path and file path of a resource: where environments show."""
    values = resource.values
    words = [resource.module, resource.module_dir, resource.location.path if resource.location else ""]
    for key in ("name", "bucket", "project_id", "project", "function_name", "resource_group_name", "account_id"):
        text = text_of(values.get(key))
        if text:
            words.append(text)
    for key in ("tags", "labels"):
        tags = values.get(key)
        if isinstance(tags, dict):
            for k, v in tags.items():
                if str(k).lower() in ("env", "environment", "stage", "tier") and isinstance(v, str):
                    words.append(v)
    meta = values.get("metadata")
    if isinstance(meta, list) and meta and isinstance(meta[0], dict):
        words.append(text_of(meta[0].get("namespace")) or "")
    return " ".join(w for w in words if w)
