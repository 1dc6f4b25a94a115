"""Which AWS actions are read-only, whatever access level the service reference gives them.

The IAM action database labels each action Read, List, Write, Tagging or Permissions
management, and a few labels say more than the action does: AWS's own ReadOnlyAccess grants
`athena:GetSessionEndpoint` (labelled Write) and `backup:ListIndexedRecoveryPointsForSearch`
(labelled Permissions management), SecurityAudit grants `quicksight:DescribeDataSetPermissions`
(Permissions management). Taken literally, every read-only role would "write" and "manage
permissions". DESIGN.md ("Read-only means read-only") settles it: what AWS's own read-only job
policies grant never counts toward a changing duty.

The set is data, named by the duty catalog (`read_only.aws` in rulesets/default.yaml):
- every action the named AWS-managed policies allow (their bundled documents, wildcards
  expanded with the action database): AWS itself vouches that these change nothing;
- every action whose name starts with one of the verbs (Describe, Get, List), except those the
  catalog lists: some Get* names mint credentials, hand out upload URLs or consume work items
  (`redshift:GetClusterCredentials`, `cloudshell:GetFileUploadUrls`, `states:GetActivityTask`),
  and AWS's read-only policies leave exactly those out. A policy's grant wins over an exception.

Only the *changing* use of a label is corrected (duties/catalog.py): a sensitive read such as
`secretsmanager:GetSecretValue` still counts for the read duties that name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class ReadOnlySpec:
    policies: tuple[str, ...] = ()    # as after `policy/` in the ARN: "job-function/ViewOnlyAccess"
    verbs: tuple[str, ...] = ()       # action-name prefixes: "Describe", "Get", "List"
    exceptions: tuple[str, ...] = ()  # action patterns the verbs do not make read-only


@lru_cache(maxsize=8)
def read_only_actions(spec: ReadOnlySpec) -> frozenset[str]:
    """The canonical actions ("athena:GetSessionEndpoint") `spec` makes read-only; computed
    once per spec and process, like the action tables it is built from."""
    from sod_iac.access.aws_actions import all_actions, expand_action

    granted = _policy_actions(spec.policies)
    named: set[str] = set()
    if spec.verbs:
        verb = re.compile(rf"(?:{'|'.join(map(re.escape, spec.verbs))})(?=[A-Z0-9]|$)")  # Get, not Getaway
        named = {a for a in all_actions() if verb.match(a.split(":", 1)[1])}
    for pattern in spec.exceptions:
        named -= expand_action(pattern)
    return frozenset(granted | named)


def _policy_actions(policies: tuple[str, ...]) -> frozenset[str]:
    """The actions the Allow statements of the named AWS-managed policies list (`Action` only:
    a `NotAction` Allow grants everything else and proves nothing read-only)."""
    from sod_iac.access.aws_actions import expand_action
    from sod_iac.access.aws_managed import managed_policy

    out: set[str] = set()
    for name in policies:
        document = managed_policy(_arn(name)) or {}
        statements = document.get("Statement") or []
        for statement in statements if isinstance(statements, list) else [statements]:
            if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                continue
            actions = statement.get("Action") or []
            for pattern in [actions] if isinstance(actions, str) else actions:
                if isinstance(pattern, str):
                    out |= expand_action(pattern)
    return frozenset(out)


def unknown_policies(spec: ReadOnlySpec) -> list[str]:
    """The policies of `spec` that are not in the bundled dataset: they would vouch for nothing,
    so the catalog is refused (checked when it is loaded, without the action database)."""
    from sod_iac.access.aws_managed import managed_policy_names

    known = set(managed_policy_names())
    return [name for name in spec.policies if name not in known]


def _arn(name: str) -> str:
    return f"arn:aws:iam::aws:policy/{name}"


__all__ = ["ReadOnlySpec", "read_only_actions", "unknown_policies"]
