"""Which permission names a holding when one must be named: the most telling, never the
alphabetically first expansion of a wildcard (`ec2:*` is not explained by
ec2:AcceptAddressTransfer; AdministratorAccess is not explained by a2c:StartContainerizationJob).

Ranked, then alphabetical within a rank:
1. an action whose verb creates, runs, changes or deletes something (CHANGING_VERBS, in that
   order) before any other: a duty is about what can be changed;
2. among those, an action the principal's own statements name literally (a role with
   ReadOnlyAccess plus one `lambda:UpdateFunctionCode` statement is explained by it);
3. then an action our rulesets name (escalation paths' required actions, duties' listed
   actions): those known to matter (ec2:RunInstances, iam:CreatePolicyVersion).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache

CHANGING_VERBS = ("Run", "Create", "Put", "Update", "Delete", "Modify", "Attach", "Start", "Terminate",
                  "Replace", "Set", "Add", "Remove", "Associate", "Register", "Invoke", "Schedule",
                  "Disable", "Enable", "Revoke", "Cancel")


@lru_cache(maxsize=1)
def _named_by_rulesets() -> frozenset[str]:
    from sod_iac.access.duties.catalog import load_ruleset
    from sod_iac.access.escalation import escalation_paths

    named = {a for path in escalation_paths() for a in path.actions}
    for duty in load_ruleset().duties.values():
        named.update(a for clause in duty.aws for a in clause.actions)
    return frozenset(a.lower() for a in named if "*" not in a and "?" not in a)


def rank_actions(candidates: Iterable[str], written: frozenset[str] = frozenset()) -> list[str]:
    """`candidates` most telling first; `written` holds the lowercased actions the principal's
    statements name literally."""
    named = _named_by_rulesets()
    unchanging = len(CHANGING_VERBS)

    def key(action: str) -> tuple[bool, bool, bool, int, str]:
        low, rank = _verb_rank(action)
        return rank == unchanging, low not in written, low not in named, rank, action

    return sorted(candidates, key=key)


@cache
def _verb_rank(action: str) -> tuple[str, int]:
    """An action's lowercased name and its verb's place in CHANGING_VERBS (their count when
    none): asked for the same few thousand actions by every principal, so worked out once."""
    verb = action.split(":", 1)[-1]
    rank = next((n for n, prefix in enumerate(CHANGING_VERBS) if verb.startswith(prefix)), len(CHANGING_VERBS))
    return action.lower(), rank


def rank_permissions(candidates: Iterable[str], role: str) -> list[str]:
    """GCP permissions (`service.resources.verb`) most telling first, for a predefined role
    (`roles/storage.objectAdmin`): of the role's own service, then of the resource its name is
    about (`objectAdmin` -> `storage.objects.*`), then by the verb (CHANGING_VERBS, in order),
    then alphabetical: objectAdmin is explained by storage.objects.create, not by the
    alphabetically first storage.folders.create."""
    name = role[len("roles/"):] if role.startswith("roles/") else ""
    service, _, title = name.partition(".")
    noun = next((title[:i] for i in range(len(title), 0, -1) if title[:i].islower()), title).lower()
    verbs = [v.lower() for v in CHANGING_VERBS]

    def key(permission: str) -> tuple[bool, bool, int, str]:
        parts = permission.split(".")
        resource = parts[1].lower() if len(parts) > 2 else ""
        verb = parts[-1].lower()
        rank = next((n for n, v in enumerate(verbs) if verb.startswith(v)), len(verbs))
        about = bool(noun) and resource.startswith(noun)
        return parts[0] != service, not about, rank, permission

    return sorted(candidates, key=key)

