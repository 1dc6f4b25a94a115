"""`sod-iac who-can read SECRET [PATHS]`: every principal that can read a secret, and why.

Reports never compute: this module formats what sod_iac.access.secrets answers (readers with
their evidence, principals that get part of the way, notes on what the code leaves unknown).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from sod_iac.access.secret_model import COUNTED, ReaderSet
from sod_iac.cli.evidence import exit_on_load_errors, hop_data, hop_lines, where
from sod_iac.cli.options import CONTEXT_SETTINGS, query_options
from sod_iac.cli.who_can_action import action_command


def describe_readers(found: ReaderSet, limit: int | None = None) -> dict[str, Any]:
    """A reader set as plain data (the `--format json` output); `limit` is the number of
    readers allowed (SOD301), default the secret's own tag or 1."""
    secret = found.secret
    loc = secret.location
    return {
        "secret": secret.address,
        "cloud": secret.cloud,
        "kind": secret.kind,
        "name": secret.name,
        "location": {"path": loc.path, "start_line": loc.start_line, "end_line": loc.end_line} if loc else None,
        "limit": limit if limit is not None else secret.limit if secret.limit is not None else 1,
        "principals": found.principals,
        "readers": [{"principal": r.principal, "level": r.level, "how": r.how, "scope": r.scope,
                     "members": sorted(r.members), "counted": r.level in COUNTED,
                     "evidence": [hop_data(e) for e in r.evidence]} for r in found.readers],
        "cannot_read": [{"principal": b.principal, "reason": b.reason, "evidence": [hop_data(e) for e in b.evidence]}
                        for b in found.blocked],
        "notes": list(found.notes),
    }


def render_text(data: dict[str, Any]) -> str:
    name = f" {data['name']}" if data["name"] else ""
    at = f", {where(data)}" if data["location"] else ""
    lines = [f"{data['secret']} ({data['kind']}{name}{at})", ""]
    lines.append(f"Readers: {len(data['principals'])} (allowed: {data['limit']})")
    for r in data["readers"]:
        level = "" if r["level"] == "yes" else f" [{r['level']}]"
        scope = f" (stands for {r['scope']})" if r["scope"] else ""
        lines.append(f"  {r['principal']}{level}{scope}")
        lines.append(f"      {r['how']}")
        if r["members"]:
            lines.append(f"      members in the code: {', '.join(r['members'])}")
        lines.extend(hop_lines(r["evidence"]))
    if not data["readers"]:
        lines.append("  (none)")
    if data["cannot_read"]:
        lines.append("Cannot read (part of the way only):")
        for b in data["cannot_read"]:
            lines.append(f"  {b['principal']}: {b['reason']}")
            lines.extend(hop_lines(b["evidence"]))
    if data["notes"]:
        lines.append("Notes:")
        lines.extend(f"  - {note}" for note in data["notes"])
    return "\n".join(lines) + "\n"


class _WhoCanGroup(click.Group):
    """`who-can read SECRET ...`, or `who-can ACTION [RESOURCE] ...` for any IAM action."""

    def resolve_command(self, ctx: click.Context, args: list[str]):
        if args and args[0] not in self.commands:
            return "action", self.commands["action"], args
        return super().resolve_command(ctx, args)


@click.group("who-can", cls=_WhoCanGroup, context_settings=CONTEXT_SETTINGS)
def who_can() -> None:
    """Ask who can do something to a resource of the scanned code.

    \b
    sod-iac who-can read SECRET [PATHS]...             readers of a secret (any cloud)
    sod-iac who-can ACTION [RESOURCE] [PATHS]...       who may perform ACTION, with evidence
    ACTION is spelled as its cloud spells it:
    \b
      s3:PutObject                                     AWS IAM action (service:Action)
      iam.serviceAccounts.actAs                        GCP permission (service.resource.verb)
      Microsoft.KeyVault/vaults/secrets/getSecret/action   Azure operation (control or data)
      k8s:get:secrets                                  Kubernetes k8s:VERB:RESOURCE
    RESOURCE is an address of the code (aws_s3_bucket.state, google_service_account.ci,
    azurerm_key_vault.kv, kubernetes_secret_v1.db), for AWS also an ARN, for Kubernetes also
    namespace:NAME; without it, the question is whether the action is allowed anywhere. An AWS
    bucket asked about actions that act on objects only (s3:PutObject) means its objects
    (bucket/*). An AWS ACTION the IAM action database does not know is an error naming the
    closest known ones; a wildcard (s3:Put*) must match a known action.
    """


who_can.add_command(action_command)


@who_can.command("read", context_settings=CONTEXT_SETTINGS)
@click.argument("secret")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@query_options
@click.option("--config", "config_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="sod-iac config file for the allowed number of readers (default: the nearest "
                   ".sod-iac.yaml, as for `sod-iac scan`).")
def read(secret: str, paths: tuple[Path, ...], fmt: str, repo_root: Path | None,
         var_files: tuple[Path, ...], config_file: Path | None) -> None:
    """List every principal that can read SECRET, with the evidence for each.

    SECRET is the secret's address (`aws_secretsmanager_secret.db`,
    `module.app.google_secret_manager_secret.api`) or, when unique, its name. PATHS are scanned
    as by `sod-iac scan` (default: .). Readers are an over-approximation: a grant that depends
    on a value the code does not state is listed as [possible]. Principals that get only part
    of the way (e.g. may call GetSecretValue but not kms:Decrypt) are listed with the reason.
    """
    from sod_iac.access.secrets import secret_access
    from sod_iac.cli.common import fail, guarded
    from sod_iac.pipeline.query import analyse

    with guarded():
        project, graph = analyse(list(paths), repo_root=str(repo_root) if repo_root else None,
                                 var_files=[str(v) for v in var_files])
        access = secret_access(project, graph, near_misses=True)
        secrets = access.secrets()
        chosen = next((s for s in secrets if s.address == secret), None)
        if chosen is None:
            named = [s for s in secrets if s.name == secret]
            chosen = named[0] if len(named) == 1 else None
        if chosen is None:
            hint = ", ".join(s.address for s in secrets[:8]) or "none found"
            fail(f"no secret {secret!r} in the scanned code (secrets: {hint})")
        data = describe_readers(access.readers(chosen), _limit(project, chosen, config_file,
                                                              repo_root or (paths[0] if paths else Path("."))))
        click.echo(json.dumps(data, indent=2) if fmt == "json" else render_text(data), nl=fmt == "json")
        exit_on_load_errors(project)


def _limit(project: Any, secret: Any, config_file: Path | None, root: Path) -> int:
    """The SOD301 limit for the secret, from the config as `scan` reads it."""
    from sod_iac.cli.common import fail
    from sod_iac.rules import all_rules
    from sod_iac.rules.context import Context
    from sod_iac.rules.secret_readers.readers import allowed_readers

    config: dict[str, Any] = {}
    try:
        from sod_iac.pipeline.config import ConfigError, find_config, load_config
    except ImportError:  # pragma: no cover - the config layer is optional here
        return allowed_readers(Context(project=project), secret)
    path = config_file or find_config(root)
    if path is not None:
        ids = [r.id for r in all_rules()]
        try:
            config = load_config(path, ids).rule_config(ids)
        except ConfigError as exc:
            fail(str(exc))
    return allowed_readers(Context(project=project, config=config), secret)
