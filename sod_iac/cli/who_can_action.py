"""`sod-iac who-can ACTION [RESOURCE] [PATHS]`: every AWS principal that may perform an IAM
action (on a resource given as an address of the code or an ARN), with the evidence.

Formats what the AWS engine answers; `who-can read SECRET` is the secret-specific question.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import click

from sod_iac.access.aws import ANY, Target
from sod_iac.access.aws_arns import arn_of, bucket_named
from sod_iac.access.graph import HELD
from sod_iac.cli.evidence import exit_on_load_errors, hop_data, hop_lines
from sod_iac.cli.options import CONTEXT_SETTINGS, query_options
from sod_iac.core.model import Project


def check_action(action: str) -> None:
    """An action the IAM action database does not know would answer "0 principals", which reads
    like good news: a typo is a usage error with the closest known actions instead. A wildcard
    must name at least one known action."""
    from sod_iac.access.aws_actions import closest_actions, expand_action, is_known
    from sod_iac.cli.common import fail

    wildcard = "*" in action or "?" in action
    if expand_action(action) if wildcard else is_known(action):
        return
    close = closest_actions(action)
    hint = f"; did you mean {', '.join(close)}?" if close else \
        " (no known action is close: see the AWS Service Authorization Reference)"
    fail(f"{'no known action matches' if wildcard else 'unknown action'} {action}{hint}")


_S3_ARN = re.compile(r"^arn:[^:]*:s3:::(?P<bucket>[^/]+)(?P<key>/.*)?$")


def target_for(project: Project, resource: str | None, action: str = "*", aws: Any = None) -> Target:
    """An address of the code, an ARN (an S3 object is governed by its bucket's policy), or any.

    IAM grants object actions (s3:PutObject) only on object ARNs (`bucket/key`), so a bucket,
    by address or ARN, asked about actions that act on its objects and not on itself means its
    objects (`bucket/*`): else the answer would always be "nobody"."""
    if not resource:
        return ANY
    found = project.resource(resource)
    if found is not None:
        arn = arn_of(found)
        if arn is None:
            raise click.UsageError(f"{resource} is not a resource whose ARN sod-iac knows")
    elif not resource.startswith("arn:"):
        raise click.UsageError(f"{resource!r} is neither an address in the scanned code nor an ARN")
    else:
        arn = resource
    s3 = _S3_ARN.match(arn)
    if s3 is None:
        return Target(arn, found.address, found.address) if found is not None else Target(arn, None, arn)
    bucket = found if found is not None else bucket_named(project, s3["bucket"])
    holder = bucket.address if bucket is not None else None
    if s3["key"]:
        return Target(arn, None, arn, holder=holder)
    if aws is not None and _acts_on_objects_only(aws, action, arn):
        return Target(f"{arn}/*", None, f"{arn}/* (objects of {resource})", holder=holder)
    return Target(arn, holder, resource)


def _acts_on_objects_only(aws: Any, action: str, bucket_arn: str) -> bool:
    """Whether every action `action` names acts on the bucket's objects and none on the bucket."""
    from sod_iac.access.aws_actions import expand_action

    actions = expand_action(action)
    objects = Target(f"{bucket_arn}/*")
    return bool(actions) and all(not aws.applies_to(a, Target(bucket_arn)) and aws.applies_to(a, objects)
                                 for a in actions)


def who_can_do(aws: Any, action: str, target: Target) -> list[dict[str, Any]]:
    rows = []
    for principal in sorted(aws.model.principals):  # groups too: their members act with them
        decision = aws.can(principal, action, target, speculative=True)
        if decision.level == "no" and not decision.denied_by:
            continue
        rows.append({"principal": principal, "kind": aws.model.kinds.get(principal),
                     "level": decision.level, "allowed": decision.level in HELD,
                     "evidence": [hop_data(e) for e in decision.evidence],
                     "denied_by": [hop_data(e) for e in decision.denied_by]})
    return sorted(rows, key=lambda r: (not r["allowed"], r["principal"]))


def render_text(action: str, label: str, rows: list[dict[str, Any]]) -> str:
    allowed = [r for r in rows if r["allowed"]]
    lines = [f"Who can {action} on {label}: {len(allowed)} principal(s)"]
    for row in allowed:
        level = "" if row["level"] == "yes" else f" [{row['level']}]"
        scope = f" (granted on {row['scope']})" if row.get("scope") else ""
        lines.append(f"  {row['principal']}{level}{scope}")
        lines.extend(hop_lines(row["evidence"]))
    others = [r for r in rows if not r["allowed"]]
    if others:
        lines.append("Not allowed (denied or only restricted):")
        for row in others:
            why = "denied" if row["denied_by"] else row["level"]
            lines.append(f"  {row['principal']} ({why})")
            lines.extend(hop_lines(row["denied_by"]))
    return "\n".join(lines) + "\n"


@click.command("action", context_settings=CONTEXT_SETTINGS, hidden=True)
@click.argument("action")
@click.argument("args", nargs=-1)
@query_options
def action_command(action: str, args: tuple[str, ...], fmt: str, repo_root: Path | None,
                   var_files: tuple[Path, ...]) -> None:
    """Who can perform ACTION (s3:PutObject, iam.serviceAccounts.actAs, Microsoft.KeyVault/...,
    k8s:get:secrets) [on RESOURCE] in the code under PATHS."""
    from sod_iac.cli.common import fail
    from sod_iac.cli.who_can_clouds import QuestionError, question_of
    from sod_iac.pipeline.query import analyse

    try:
        question = question_of(action)
    except QuestionError as exc:
        fail(str(exc))
    if question is None:
        if ":" not in action:
            fail(f"{action!r} is not an action: say an AWS action (s3:PutObject), a GCP permission "
                 "(iam.serviceAccounts.actAs), an Azure operation (Microsoft.KeyVault/vaults/secrets/"
                 "getSecret/action), a Kubernetes k8s:VERB:RESOURCE (k8s:get:secrets), or read SECRET")
        check_action(action)
    resource = None
    paths = list(args)
    if paths and (paths[0].startswith("arn:") or not Path(paths[0]).exists()):
        resource = paths.pop(0)
    for path in paths:
        if not Path(path).exists():
            fail(f"no such file or directory: {path}")
    project, graph = analyse(paths, repo_root=str(repo_root) if repo_root else None,
                             var_files=[str(v) for v in var_files])
    if question is not None:
        label, answer = _other_cloud(question, project, graph, resource)
    else:
        label, answer = _aws(action, project, graph, resource)
    if fmt == "json":
        click.echo(json.dumps({"action": action, "resource": resource, **answer}, indent=2))
    else:
        click.echo(render_text(action, label, answer["principals"]), nl=False)
    exit_on_load_errors(project)


def _aws(action: str, project: Project, graph: Any, resource: str | None) -> tuple[str, dict[str, Any]]:
    from sod_iac.cli.common import fail

    if graph.aws is None:
        fail("no AWS resources in the scanned code")
    try:
        target = target_for(project, resource, action, graph.aws)
    except click.UsageError as exc:
        fail(exc.message)
    rows = who_can_do(graph.aws, action, target)
    return target.label or "any resource", {"cloud": "aws", "arn": target.arn, "principals": rows}


def _other_cloud(question: Any, project: Project, graph: Any, resource: str | None) -> tuple[str, dict[str, Any]]:
    from sod_iac.cli.common import fail
    from sod_iac.cli.who_can_clouds import QuestionError, answer, rows

    engine = getattr(graph, question.cloud)
    if engine is None:
        fail(f"no {question.cloud} resources in the scanned code (asked about {question.action})")
    try:
        label, grants = answer(question, project, engine, resource)
    except QuestionError as exc:
        fail(str(exc))
    return label, {"cloud": question.cloud, "principals": rows(engine, grants)}
