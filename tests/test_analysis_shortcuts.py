"""Shortcuts of the analysis (commit ce9c402) never change an answer.

Four places stop early or look at less to go faster; each is only correct if it gives what the
plain definition gives. These tests compute the plain definition beside the shortcut, on every
testdata scenario and on small hand-written trees whose answers are worked out from AWS and
Google Cloud semantics, so that a shortcut which drops, adds or reorders anything fails here:

1. `Duties.holdings(..., until_yes=True)` (AWS) stops after the first certain ("yes") holding:
   it must be the full list cut right after its first "yes", with the same best holding.
2. `EscalationFinder.held_paths` skips a catalog path when an action it requires is not in
   `AwsAccess.reachable_actions` (actions named by any known Allow the principal may benefit
   from): that set must contain every action `AwsAccess.can` allows, and the paths held must
   be those `path_held` finds when every path is asked.
3. Escalation targets of `role-in-use` and `passable-role` are lazy, and `_best` stops at the
   first "yes": the targets, listed, must be those of the eager definition in the same order,
   and the paths held those an exhaustive search over every target finds.
4. GCP `members_with_permission` asks only bindings made elsewhere than on a resource of the
   code plus those made on the resource or its parents, and `ancestry()` is memoised: the
   members (level, permission, scope, evidence) must be those of a scan of every binding.
"""

from __future__ import annotations

import copy
import itertools
import json
from functools import cache
from pathlib import Path

from sod_iac.access import build_access
from sod_iac.access.aws import ANY, AwsAccess, Target, resource_targets
from sod_iac.access.aws_escalation import OUTSIDE, EscalationFinder, outside
from sod_iac.access.cloud_common import Grant
from sod_iac.access.duties.catalog import load_ruleset
from sod_iac.access.duties.holding import Holding
from sod_iac.access.duties.service import Duties
from sod_iac.access.duties.service import best_holding as _best
from sod_iac.access.escalation import ROLE_IN_USE_RESOURCES, load_escalation_catalog
from sod_iac.access.gcp import GcpAccess
from sod_iac.access.graph import HELD, Level, best, weakest
from sod_iac.core.model import Project
from sod_iac.load import load_project

TESTDATA = Path(__file__).resolve().parent.parent / "testdata"


# --------------------------------------------------------------------------- helpers


def _scenario_folders() -> list[Path]:
    """Every scenario of testdata (a folder with expected.json and .tf files), and the demo."""
    folders = {p.parent for p in TESTDATA.rglob("expected.json") if any(p.parent.glob("*.tf"))}
    return sorted(folders | {TESTDATA / "demo"})


@cache
def _project(folder: Path) -> Project:
    """The scenario's Project, loaded once (each test builds its own engines on it)."""
    project = load_project([folder])
    assert project.errors == [], folder
    return project


def _aws_folders() -> list[Path]:
    return [f for f in _scenario_folders() if any(r.type.startswith("aws_") for r in _project(f).resources)]


def _gcp_folders() -> list[Path]:
    return [f for f in _scenario_folders() if any(r.type.startswith("google_") for r in _project(f).resources)]


def _tree(write_tree, hcl: str) -> Project:
    project = load_project([write_tree({"main.tf": hcl})])
    assert project.errors == []
    return project


def _policy(*statements: dict) -> str:
    """A JSON policy document as an HCL string literal."""
    return json.dumps(json.dumps({"Version": "2012-10-17", "Statement": list(statements)})).replace("${", "$${")


def _trust(service: str) -> str:
    """A trust policy (HCL string literal) letting the AWS service assume the role."""
    return _policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": service}})


def _view(holdings: list[Holding]) -> list[tuple[str, str, str]]:
    return [(h.scope, h.permission, h.level) for h in holdings]


def _outside_variants() -> list[str | None]:
    """No exclusion, and every `outside` duty a default conflict uses (SOD103: audit-logging)."""
    return [None, *sorted({c.outside for c in load_ruleset().conflicts if c.outside})]


def _may_reach(aws: AwsAccess, principal: str, action: str, target: Target) -> bool:
    """The AllowIndex's definition of "may be allowed the action on the target": the principal
    or a role it can assume has an identity Allow that may cover it, or the target's resource
    policy may name it."""
    who = {principal, *(role for role, _, _ in aws.assumable(principal))}
    index = aws.allows
    return bool(who & (index.actors(frozenset((action,)), target) | index.named_by_policy(target.policy_owner)))


def _trusts_service(aws: AwsAccess, role: str, service: str) -> bool:
    """Does the role's trust policy allow the service principal (`lambda.amazonaws.com`)?"""
    trust = aws.model.trust.get(role)
    return trust is not None and any(
        st.effect == "Allow" and any(isinstance(s, str) and s.lower() == service.lower()
                                     for s in (st.principals or {}).get("Service", ()))
        for st in trust.statements)


def _eager_targets(aws: AwsAccess, finder: EscalationFinder, principal: str, on: str, action: str) -> list[Target]:
    """The `role-in-use` / `passable-role` targets as their definitions state them, eagerly."""
    kind, _, arg = on.partition(":")
    if kind == "role-in-use":
        # resources of the service's types the principal may reach whose code runs with a role
        # more privileged than the principal, then any such resource outside the code
        types = tuple(rtype for rtype, _ in ROLE_IN_USE_RESOURCES[arg])
        found = [t for t in resource_targets(aws.project, types)
                 if _may_reach(aws, principal, action, t)
                 and any(finder.more_privileged(role, principal)
                         for role, _ in aws.model.runs_as.get(t.address or "", []) if role != principal)]
        return found + [Target(OUTSIDE.get(arg, "*"), None, f"any {arg} resource outside the code")]
    assert kind == "passable-role", on
    # roles (address order) whose trust admits the service, that the principal may pass, other
    # than itself and giving it power (gives_power), then any role outside the code
    roles = [Target(aws.arn(r), r, r) for r in sorted(aws.model.trust) if _trusts_service(aws, r, arg)]
    found = [t for t in roles if t.address != principal and _may_reach(aws, principal, action, t)
             and finder.gives_power(t.address, principal)]
    return found + [outside("role")]


def _exhaustive_paths(aws: AwsAccess, finder: EscalationFinder, principal: str) -> list[tuple]:
    """Every catalog path the principal holds, each requirement judged on every one of its
    targets (no pre-check, no stop at "yes"): the first target with the best level wins."""
    held = []
    for path in load_escalation_catalog().paths:
        level: Level = "yes"
        evidence: list = []
        labels: list[str] = []
        for need in path.requires:
            kind, _, service = need.on.partition(":")
            context = {"iam:passedtoservice": service} if kind == "passable-role" else {}
            got: Level = "no"
            hops: list = []
            label = ""
            for target in list(finder.targets(principal, need.on, need.action)):
                decision = aws.can(principal, need.action, target, context=context)
                here = decision.level
                if target.address is None and target.arn is not None:
                    here = "possible" if here == "yes" else "no"  # only a wildcard reaches the unknown
                if best(here, got) != got:
                    got, hops, label = here, decision.evidence, target.label
            if got not in HELD:
                break
            level = weakest(level, got)
            evidence.extend(h for h in hops if h not in evidence)
            if label:
                labels.append(f"{need.action} on {label}")
        else:
            held.append((path.id, level, evidence, labels))
    return held


def _hit_view(hits: list) -> list[tuple]:
    return [(h.path.id, h.level, list(h.evidence), list(h.targets)) for h in hits]


def _scan_every_binding(gcp: GcpAccess, permission: str, address: str, speculative: bool) -> list[Grant]:
    """members_with_permission as it was before the index (ce9c402^): every binding, in order;
    per member the first binding with the best level."""
    found: dict[str, Grant] = {}
    for b in gcp.bindings:
        held, perm = gcp.role_grants(b.role, permission, speculative=speculative)
        if held == "no":
            continue
        level = weakest(held, b.level, gcp.scope_applies(b.scope, address))
        if level == "no":
            continue
        current = found.get(b.member)
        if current is None or best(level, current.level) != current.level:
            found[b.member] = Grant(b.member, perm, level, b.scope.key or b.scope.label,
                                    (*b.evidence, *gcp.role(b.role).evidence))
    return [found[m] for m in sorted(found)]


def _grant_view(grants: list[Grant]) -> list[tuple]:
    return [(g.principal, g.level, g.permission, g.scope, tuple(g.evidence)) for g in grants]


# --------------------------------------------------------------------------- 1. until_yes


def test_until_yes_holdings_are_the_full_list_cut_after_its_first_certain_one():
    """Every principal, duty and `outside` variant of every scenario: the cut list is the full
    one up to and including its first "yes" (AWS; other clouds are not cut), holdings,
    order and evidence alike, and the best holding of both is the same."""
    ruleset = load_ruleset()
    asked = cut = certain = 0
    for folder in _scenario_folders():
        access = build_access(_project(folder))
        full_duties, short_duties = Duties(access, ruleset), Duties(access, ruleset)  # separate caches
        for principal in full_duties.principals():
            for duty in ruleset.duties:
                for outside_duty in _outside_variants():
                    full = full_duties.holdings(principal.id, duty, outside=outside_duty)
                    short = short_duties.holdings(principal.id, duty, outside=outside_duty, until_yes=True)
                    where = (folder.name, principal.id, duty, outside_duty)
                    yes_at = next((i for i, h in enumerate(full) if h.level == "yes"), None)
                    if principal.cloud != "aws" or yes_at is None:
                        expected = full  # the cut is for AWS (holdings per resource) only
                    else:
                        expected = full[:yes_at + 1]
                    assert _view(short) == _view(expected), where
                    assert short == expected, where  # evidence too
                    if full:
                        assert _best(short) == _best(full), where
                    asked += 1
                    cut += len(short) < len(full)
                    certain += yes_at is not None and principal.cloud == "aws"
    assert asked > 5000
    assert certain > 300   # AWS lists with a certain holding: the cut could apply
    assert cut > 30        # lists the cut actually shortened


def test_conflicts_choose_the_same_holdings_whether_the_lists_are_cut_or_full():
    """conflict() cuts the lists of conflicts that are not same_resource; with every list of a
    second Duties service asked in full beforehand (cached), the answer must be the same."""
    ruleset = load_ruleset()
    compared = hits = 0
    for folder in _scenario_folders():
        access = build_access(_project(folder))
        cut_duties, full_duties = Duties(access, ruleset), Duties(access, ruleset)
        for principal in cut_duties.principals():
            for conflict in ruleset.conflicts:
                for i, side in enumerate(conflict.sides):
                    for duty in side:
                        full_duties.holdings(principal.id, duty, outside=conflict.outside if i > 0 else None)
                got = cut_duties.conflict(principal.id, conflict)
                expected = full_duties.conflict(principal.id, conflict)
                where = (folder.name, principal.id, conflict.id)
                assert (got is None) == (expected is None), where
                if got is not None:
                    assert got.level == expected.level, where
                    assert (got.sides, got.resource) == (expected.sides, expected.resource), where
                    hits += not conflict.same_resource
                compared += 1
    assert compared > 1000
    assert hits > 30


def _eager_same_resource(duties: Duties, principal: str, conflict) -> tuple | None:
    """The plain definition of a same-resource conflict for AWS: every held holding of each
    side (full lists), each first-side holding paired with the other sides' holdings on the
    same scope, in order; the first pairing of the best level wins."""
    sides = []
    for i, side in enumerate(conflict.sides):
        outside_duty = conflict.outside if i > 0 else None
        got = [h for duty in side for h in duties.holdings(principal, duty, outside=outside_duty) if h.held]
        if not got:
            return None
        sides.append(got)
    found = None
    for a in sides[0]:
        for rest in itertools.product(*[[b for b in side if b.scope == a.scope] for side in sides[1:]]):
            level = a.level
            for b in rest:
                level = weakest(level, b.level, duties.same_resource(a, b))
            if level in HELD and (found is None or best(level, found[0]) != found[0]):
                found = (level, [a, *rest], a.scope)
    return found


def test_same_resource_conflicts_made_lazily_equal_the_pairing_of_full_lists():
    """AWS same-resource conflicts (SOD105) are asked lazily, side by side, up to the first
    certain pair: the answer must be that of pairing the full lists."""
    ruleset = load_ruleset()
    compared = hits = 0
    for folder in _aws_folders():
        access = build_access(_project(folder))
        lazy, plain = Duties(access, ruleset), Duties(access, ruleset)
        for principal in lazy.principals():
            if principal.cloud != "aws":
                continue
            for conflict in (c for c in ruleset.conflicts if c.same_resource):
                got = lazy.conflict(principal.id, conflict)
                expected = _eager_same_resource(plain, principal.id, conflict)
                where = (folder.name, principal.id, conflict.id)
                assert (got is None) == (expected is None), where
                if got is not None:
                    assert (got.level, got.sides, got.resource) == expected, where
                    hits += 1
                compared += 1
    assert compared > 200
    assert hits >= 10  # SOD105 hits across the scenarios


def test_a_secret_administered_first_but_read_later_is_still_found(write_tree):
    """The rotator administers secrets a and b but reads only b: the lazy pairing must go past
    a (no reader there) and find b, as pairing the full lists does."""
    trust = _trust("ec2.amazonaws.com")
    admin = _policy({"Effect": "Allow", "Action": ["secretsmanager:PutSecretValue", "secretsmanager:RotateSecret"],
                     "Resource": "*"})
    project = _tree(write_tree, f'''
resource "aws_secretsmanager_secret" "a" {{ name = "app/a" }}
resource "aws_secretsmanager_secret" "b" {{ name = "app/b" }}
resource "aws_iam_role" "rotator" {{
  name               = "rotator"
  assume_role_policy = {trust}
}}
resource "aws_iam_role_policy" "admin" {{
  role   = aws_iam_role.rotator.id
  policy = {admin}
}}
resource "aws_iam_role_policy" "read_b" {{
  role   = aws_iam_role.rotator.id
  policy = jsonencode({{Version = "2012-10-17", Statement = [{{Effect = "Allow",
    Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.b.arn}}]}})
}}
''')
    ruleset = load_ruleset()
    duties = Duties(build_access(project), ruleset)
    conflict = next(c for c in ruleset.conflicts if c.same_resource and c.rule == "SOD105")
    admin_scopes = [h.scope for h in duties.holdings("aws_iam_role.rotator", "secret-admin")]
    assert admin_scopes[:2] == ["aws_secretsmanager_secret.a", "aws_secretsmanager_secret.b"]
    hit = duties.conflict("aws_iam_role.rotator", conflict)
    assert hit is not None and hit.level == "yes" and hit.resource == "aws_secretsmanager_secret.b"
    assert hit == duties.conflict("aws_iam_role.rotator", conflict)  # asked again: the same


SECRETS_HCL = '''
variable "secret_arn" {}

resource "aws_secretsmanager_secret" "a" { name = "app/a" }
resource "aws_secretsmanager_secret" "b" { name = "app/b" }
resource "aws_secretsmanager_secret" "c" { name = "app/c" }

resource "aws_iam_role" "reader" {
  name               = "reader"
  assume_role_policy = %(trust)s
}

resource "aws_iam_role_policy" "reader" {
  role   = aws_iam_role.reader.id
  policy = jsonencode({Version = "2012-10-17", Statement = [
    %(first)s,
    {Effect = "Allow", Action = "secretsmanager:GetSecretValue",
     Resource = [aws_secretsmanager_secret.b.arn, aws_secretsmanager_secret.c.arn]}]})
}
'''


def _secrets_tree(write_tree, first: str) -> Project:
    trust = _trust("ec2.amazonaws.com")
    return _tree(write_tree, SECRETS_HCL % {"trust": trust, "first": first})


def test_a_possible_holding_before_a_certain_one_is_kept_and_the_certain_one_is_best(write_tree):
    """The first statement names a Resource the code does not know (a variable): it may be any
    secret, so GetSecretValue on `a` (and on a secret outside the code) is possible. The second
    names b and c: certain. Targets are asked in code order, a, b, c, then outside."""
    project = _secrets_tree(write_tree, '{Effect = "Allow", Action = "secretsmanager:GetSecretValue", '
                                        'Resource = var.secret_arn}')
    access = build_access(project)
    get = "secretsmanager:GetSecretValue"
    full = Duties(access).holdings("aws_iam_role.reader", "secret-read")
    short = Duties(access).holdings("aws_iam_role.reader", "secret-read", until_yes=True)
    assert _view(full) == [("aws_secretsmanager_secret.a", get, "possible"),
                           ("aws_secretsmanager_secret.b", get, "yes"),
                           ("aws_secretsmanager_secret.c", get, "yes"),
                           ("arn:aws:secretsmanager:*:*:secret:*", get, "possible")]
    assert _view(short) == [("aws_secretsmanager_secret.a", get, "possible"),
                            ("aws_secretsmanager_secret.b", get, "yes")]
    assert _best(short) == _best(full) == full[1]


def test_a_condition_the_caller_can_meet_comes_before_the_certain_holding(write_tree):
    """aws:RequestedRegion is chosen by the caller (it picks the endpoint), so an Allow on `a`
    under that condition is "conditional"; b and c are certain; nothing outside is named."""
    project = _secrets_tree(write_tree, '{Effect = "Allow", Action = "secretsmanager:GetSecretValue", '
                                        'Resource = aws_secretsmanager_secret.a.arn, '
                                        'Condition = {StringEquals = {"aws:RequestedRegion" = "eu-west-1"}}}')
    access = build_access(project)
    get = "secretsmanager:GetSecretValue"
    full = Duties(access).holdings("aws_iam_role.reader", "secret-read")
    short = Duties(access).holdings("aws_iam_role.reader", "secret-read", until_yes=True)
    assert _view(full) == [("aws_secretsmanager_secret.a", get, "conditional"),
                           ("aws_secretsmanager_secret.b", get, "yes"),
                           ("aws_secretsmanager_secret.c", get, "yes")]
    assert short == full[:2]
    assert _best(short) == _best(full) == full[1]


AUDIT_HCL = """
resource "aws_s3_bucket" "trail_logs" { bucket = "acme-trail-logs" }
resource "aws_cloudtrail" "main" {
  name           = "main"
  s3_bucket_name = aws_s3_bucket.trail_logs.id
}

resource "aws_iam_role" "auditor" {
  name               = "auditor"
  assume_role_policy = %(trust)s
}
resource "aws_iam_role_policy" "auditor" {
  role   = aws_iam_role.auditor.id
  policy = jsonencode({Version = "2012-10-17", Statement = [
    {Effect = "Allow", Action = "cloudtrail:StopLogging", Resource = aws_cloudtrail.main.arn,
     Condition = {StringEquals = {"aws:RequestedRegion" = "eu-west-1"}}},
    {Effect = "Allow", Action = "s3:DeleteObject", Resource = "${aws_s3_bucket.trail_logs.arn}/*"}]})
}
"""


def test_a_certain_holding_of_a_later_clause_is_reached_after_a_conditional_one(write_tree):
    """audit-control is asked clause by clause: first the logging services' own actions (any
    resource), then deleting what the trail delivered to its bucket. StopLogging on the trail
    is conditional (the caller picks the region); DeleteObject on the trail's log objects is
    certain. The cut may only come after the certain one, so both stay."""
    trust = _trust("ec2.amazonaws.com")
    access = build_access(_tree(write_tree, AUDIT_HCL % {"trust": trust}))
    expected = [("aws_cloudtrail.main", "cloudtrail:StopLogging", "conditional"),
                ("aws_s3_bucket.trail_logs", "s3:DeleteObject", "yes")]
    full = Duties(access).holdings("aws_iam_role.auditor", "audit-control")
    short = Duties(access).holdings("aws_iam_role.auditor", "audit-control", until_yes=True)
    assert _view(full) == _view(short) == expected
    assert _best(short) == _best(full) == full[1]


KEYS_HCL = """
variable "key_arn" {}

resource "aws_kms_key" "a" { description = "a" }
resource "aws_kms_key" "b" { description = "b" }

resource "aws_iam_role" "keyops" {
  name               = "keyops"
  assume_role_policy = %(trust)s
}
resource "aws_iam_role_policy" "keyops" {
  role   = aws_iam_role.keyops.id
  policy = jsonencode({Version = "2012-10-17", Statement = [
    {Effect = "Allow", Action = "kms:ScheduleKeyDeletion", Resource = [aws_kms_key.a.arn, aws_kms_key.b.arn]},
    {Effect = "Allow", Action = "kms:Decrypt", Resource = var.key_arn},
    {Effect = "Allow", Action = "kms:Decrypt", Resource = aws_kms_key.b.arn}]})
}
"""


def test_sod101_is_certain_through_the_certain_key_use_after_a_possible_one(write_tree):
    """keyops may schedule the deletion of keys a and b (key-admin, certain on a first) and
    decrypt with b (certain) or with a key whose ARN the code does not know (possibly a). The
    default key policies let IAM policies decide. SOD101 (not same_resource, so its lists are
    cut) must pick key-use on b: the conflict is certain, as with the full lists."""
    trust = _trust("ec2.amazonaws.com")
    access = build_access(_tree(write_tree, KEYS_HCL % {"trust": trust}))
    sod101 = load_ruleset().conflicts_of("SOD101")[0]
    assert not sod101.same_resource
    hit = Duties(access).conflict("aws_iam_role.keyops", sod101)
    assert hit is not None and hit.level == "yes"
    assert [(h.duty, h.scope, h.permission, h.level) for h in hit.sides] == [
        ("key-admin", "aws_kms_key.a", "kms:ScheduleKeyDeletion", "yes"),
        ("key-use", "aws_kms_key.b", "kms:Decrypt", "yes")]
    full = Duties(access)
    assert _view(full.holdings("aws_iam_role.keyops", "key-use"))[:2] == [
        ("aws_kms_key.a", "kms:Decrypt", "possible"), ("aws_kms_key.b", "kms:Decrypt", "yes")]
    full.holdings("aws_iam_role.keyops", "key-admin")
    assert full.conflict("aws_iam_role.keyops", sod101).sides == hit.sides  # from the full lists


ROTATOR_HCL = """
resource "aws_secretsmanager_secret" "a" { name = "app/a" }
resource "aws_secretsmanager_secret" "b" { name = "app/b" }

resource "aws_iam_role" "rotator" {
  name               = "rotator"
  assume_role_policy = %(trust)s
}
resource "aws_iam_role_policy" "rotator" {
  role   = aws_iam_role.rotator.id
  policy = jsonencode({Version = "2012-10-17", Statement = [
    {Effect = "Allow", Action = "secretsmanager:PutSecretValue", Resource = aws_secretsmanager_secret.b.arn},
    {Effect = "Allow", Action = "secretsmanager:GetSecretValue",
     Resource = [aws_secretsmanager_secret.a.arn, aws_secretsmanager_secret.b.arn]}]})
}
"""


def test_sod105_is_not_cut_so_the_shared_secret_is_found(write_tree):
    """rotator sets the value of b and reads a and b: it administers and reads b. SOD105 needs
    both on one secret, so its lists must not stop at the first certain read (a)."""
    trust = _trust("ec2.amazonaws.com")
    access = build_access(_tree(write_tree, ROTATOR_HCL % {"trust": trust}))
    sod105 = load_ruleset().conflicts_of("SOD105")[0]
    assert sod105.same_resource
    hit = Duties(access).conflict("aws_iam_role.rotator", sod105)
    assert hit is not None and (hit.level, hit.resource) == ("yes", "aws_secretsmanager_secret.b")
    assert [(h.duty, h.scope, h.permission) for h in hit.sides] == [
        ("secret-admin", "aws_secretsmanager_secret.b", "secretsmanager:PutSecretValue"),
        ("secret-read", "aws_secretsmanager_secret.b", "secretsmanager:GetSecretValue")]


# --------------------------------------------------------------------------- 2. reachable_actions

ACTIONS = ["iam:PassRole", "iam:CreatePolicyVersion", "iam:PutRolePolicy", "lambda:UpdateFunctionCode",
           "s3:PutObject", "kms:Decrypt", "secretsmanager:GetSecretValue", "sts:AssumeRole",
           "lambda:CreateFunction", "iam:AttachUserPolicy", "ec2:RunInstances", "ssm:GetParameter"]


def test_held_paths_are_those_path_held_finds_when_every_catalog_path_is_asked():
    """The pre-check only skips paths path_held would not hold: on every scenario, the held
    paths (level, evidence, targets) are those of asking path_held for every catalog path."""
    paths = load_escalation_catalog().paths
    principals = held = skipped = 0
    for folder in _aws_folders():
        project = _project(folder)
        aws = AwsAccess(project)
        plain = EscalationFinder(AwsAccess(project))  # its own engine: no shared caches
        for principal in aws.principals():
            got = aws.escalation.held_paths(principal.id)
            expected = [hit for path in paths if (hit := plain.path_held(principal.id, path)) is not None]
            assert _hit_view(got) == _hit_view(expected), (folder.name, principal.id)
            reachable = aws.reachable_actions(principal.id)
            skipped += sum(any(need.action not in reachable for need in path.requires) for path in paths)
            principals += 1
            held += len(got)
    assert principals > 150
    assert held > 200       # paths found: the comparison is not between two empty lists
    assert skipped > 5000   # paths the pre-check skipped: it is exercised


def test_reachable_actions_contain_every_action_the_engine_allows():
    """reachable_actions is a superset of what `can` allows: any action allowed on any
    resource of the code, or on some resource at all, is in it (own, group, assumed-role and
    resource-policy Allows alike)."""
    allowed = through_others = 0
    for folder in _aws_folders():
        project = _project(folder)
        aws = AwsAccess(project)
        targets = [ANY, *resource_targets(project, {r.type for r in project.resources if r.type.startswith("aws_")})]
        for principal in aws.principals():
            reachable = aws.reachable_actions(principal.id)
            own = set().union(*(aws.actions_in(g.statement) for g in aws.grants(principal.id)
                                if g.statement.effect == "Allow"))
            for action in ACTIONS:
                for target in targets:
                    if aws.can(principal.id, action, target).held:
                        assert action in reachable, (folder.name, principal.id, action, target)
                        allowed += 1
                        through_others += action not in own  # by an assumed role or a resource policy
    assert allowed > 400
    assert through_others > 10


READER_AND_DEPLOYER_HCL = '''
resource "aws_iam_user" "reader" { name = "reader" }
resource "aws_iam_user_policy" "reader" {
  user   = aws_iam_user.reader.name
  policy = %(read)s
}

resource "aws_iam_user" "dev" { name = "dev" }
resource "aws_iam_user_policy" "dev" {
  user   = aws_iam_user.dev.name
  policy = %(assume)s
}

resource "aws_iam_role" "deployer" {
  name               = "deployer"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",
    Action = "sts:AssumeRole", Principal = {AWS = aws_iam_user.dev.arn}}]})
}
resource "aws_iam_role_policy" "deployer" {
  role   = aws_iam_role.deployer.id
  policy = jsonencode({Version = "2012-10-17", Statement = [
    {Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.data.arn},
    {Effect = "Allow", Action = ["lambda:CreateFunction", "lambda:InvokeFunction"], Resource = "*"}]})
}

resource "aws_iam_role" "data" {
  name               = "data"
  assume_role_policy = %(lambda_trust)s
}
resource "aws_iam_role_policy" "data" {
  role   = aws_iam_role.data.id
  policy = %(admin)s
}
'''


def _reader_and_deployer(write_tree) -> AwsAccess:
    return AwsAccess(_tree(write_tree, READER_AND_DEPLOYER_HCL % {
        "read": _policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}),
        "assume": _policy({"Effect": "Allow", "Action": "sts:AssumeRole",
                           "Resource": "arn:aws:iam::111122223333:role/deployer"}),
        "lambda_trust": _trust("lambda.amazonaws.com"),
        "admin": _policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
    }))


def test_a_user_that_may_only_read_objects_reaches_no_escalation_action(write_tree):
    """Its only Allow names s3:GetObject: no Allow it may benefit from names iam:PassRole (or any
    other IAM action), so no escalation path can be held, asked with or without the pre-check."""
    aws = _reader_and_deployer(write_tree)
    reachable = aws.reachable_actions("aws_iam_user.reader")
    assert "s3:GetObject" in reachable
    assert "iam:PassRole" not in reachable and "lambda:CreateFunction" not in reachable
    assert not any(a.startswith("iam:") for a in reachable)
    assert aws.escalation.held_paths("aws_iam_user.reader") == []
    plain = EscalationFinder(AwsAccess(aws.project))
    assert all(plain.path_held("aws_iam_user.reader", p) is None for p in load_escalation_catalog().paths)


def test_the_actions_of_a_role_the_user_may_assume_are_reachable(write_tree):
    """dev may assume deployer (deployer's trust names dev, dev may call sts:AssumeRole on it).
    Through deployer it may pass the data role, which Lambda may assume and which can do
    everything (an administrator: greater power than dev), to a new function and invoke it: the
    lambda-create-function-invoke path, although dev's own policy names none of its actions."""
    aws = _reader_and_deployer(write_tree)
    own = set().union(*(aws.actions_in(g.statement) for g in aws.grants("aws_iam_user.dev")))
    reachable = aws.reachable_actions("aws_iam_user.dev")
    for action in ("iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"):
        assert action not in own and action in reachable
    held = [hit.path.id for hit in aws.escalation.held_paths("aws_iam_user.dev")]
    assert "lambda-create-function-invoke" in held
    plain = EscalationFinder(AwsAccess(aws.project))
    assert held == [p.id for p in load_escalation_catalog().paths
                    if plain.path_held("aws_iam_user.dev", p) is not None]


# --------------------------------------------------------------------------- 3. lazy targets, _best


def _lazy_kinds() -> list[tuple[str, str]]:
    """(action, on) of every catalog requirement whose targets are generated lazily."""
    return sorted({(need.action, need.on) for path in load_escalation_catalog().paths for need in path.requires
                   if need.on.startswith(("role-in-use:", "passable-role:"))})


def test_lazy_role_targets_are_the_eager_definition_in_the_same_order():
    """Every escalation scenario, principal and lazily listed requirement of the catalog."""
    needs = _lazy_kinds()
    assert {on.partition(":")[0] for _, on in needs} == {"role-in-use", "passable-role"}
    asked = 0
    found = {"role-in-use": 0, "passable-role": 0}  # lists with a target of the code
    for folder in sorted(p for p in (TESTDATA / "escalation").iterdir() if p.is_dir()):
        aws = AwsAccess(_project(folder))
        finder = aws.escalation
        for principal in aws.principals():
            for action, on in needs:
                expected = _eager_targets(aws, finder, principal.id, on, action)
                got = list(finder.targets(principal.id, on, action))
                assert got == expected, (folder.name, principal.id, on, action)
                asked += 1
                found[on.partition(":")[0]] += len(expected) > 1
    assert asked > 3000
    assert found["role-in-use"] > 15 and found["passable-role"] > 15


def test_escalation_paths_are_those_an_exhaustive_search_of_every_target_finds():
    """_best stops at the first "yes" target (and skips targets a pre-check rules out); asking
    every target and keeping the first with the best level must give the same paths."""
    principals = held = partial = 0
    for folder in _aws_folders():
        aws = AwsAccess(_project(folder))
        for principal in aws.principals():
            got = _hit_view(aws.escalation.held_paths(principal.id))
            plain = AwsAccess(aws.project)
            expected = _exhaustive_paths(plain, plain.escalation, principal.id)
            assert got == expected, (folder.name, principal.id)
            principals += 1
            held += len(got)
            partial += sum(level != "yes" for _, level, _, _ in got)
    assert principals > 150
    assert held > 200
    assert partial > 20  # paths held only possibly: the best is not always the first target


PASS_HCL = """
variable "role_arn" {}

resource "aws_iam_role" "a_fn" {
  name               = "a-fn"
  assume_role_policy = %(lambda_trust)s
}
resource "aws_iam_role_policy" "a_fn" {
  role   = aws_iam_role.a_fn.id
  policy = %(everything)s
}
resource "aws_iam_role" "b_fn" {
  name               = "b-fn"
  assume_role_policy = %(lambda_trust)s
}
resource "aws_iam_role_policy" "b_fn" {
  role   = aws_iam_role.b_fn.id
  policy = %(put_role_policy)s
}
resource "aws_iam_role" "c_fn" {
  name               = "c-fn"
  assume_role_policy = %(lambda_trust)s
}
resource "aws_iam_role_policy" "c_fn" {
  role   = aws_iam_role.c_fn.id
  policy = %(invoke)s
}
resource "aws_lambda_function" "nightly" {
  function_name = "nightly"
  role          = aws_iam_role.b_fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "nightly.zip"
}
resource "aws_lambda_function" "weekly" {
  function_name = "weekly"
  role          = aws_iam_role.c_fn.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "weekly.zip"
}

resource "aws_iam_user" "dev" { name = "dev" }
resource "aws_iam_user_policy" "dev" {
  user   = aws_iam_user.dev.name
  policy = jsonencode({Version = "2012-10-17", Statement = [
    {Effect = "Allow", Action = "iam:PassRole", Resource = var.role_arn},
    {Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.b_fn.arn},
    {Effect = "Allow", Action = ["lambda:CreateFunction", "lambda:InvokeFunction", "lambda:UpdateFunctionCode"],
     Resource = "*"}]})
}
"""


def test_the_best_passable_role_is_the_certain_one_after_a_possible_one(write_tree):
    """dev may pass a role whose ARN the code does not know (possibly a-fn, possibly any role)
    and certainly b-fn. Both trust Lambda and give power dev lacks (a-fn is an administrator,
    b-fn may write inline policies on any role: IAM permission administration), so both are
    passable, in address order, then any role outside the code; c-fn trusts Lambda too but
    may only invoke functions, which dev may already do: passing it gains nothing. Creating
    and invoking a function with b-fn is certain: the path is held "yes" through b-fn, not
    "possible" through a-fn. `nightly` runs with b-fn, so changing its code escalates (the
    role-in-use path); changing `weekly`, which runs with c-fn, does not."""
    lambda_trust = _trust("lambda.amazonaws.com")
    aws = AwsAccess(_tree(write_tree, PASS_HCL % {
        "lambda_trust": lambda_trust,
        "everything": _policy({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        "put_role_policy": _policy({"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": "*"}),
        "invoke": _policy({"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": "*"})}))
    finder, dev = aws.escalation, "aws_iam_user.dev"
    passable = list(finder.targets(dev, "passable-role:lambda.amazonaws.com", "iam:PassRole"))
    assert [t.label for t in passable] == ["aws_iam_role.a_fn", "aws_iam_role.b_fn", "any role outside the code"]
    context = {"iam:passedtoservice": "lambda.amazonaws.com"}
    assert [aws.can(dev, "iam:PassRole", t, context=context).level for t in passable[:2]] == ["possible", "yes"]
    in_use = list(finder.targets(dev, "role-in-use:lambda", "lambda:UpdateFunctionCode"))
    assert [t.label for t in in_use] == ["aws_lambda_function.nightly", "any lambda resource outside the code"]
    held = {hit.path.id: hit for hit in finder.held_paths(dev)}
    invoke = held["lambda-create-function-invoke"]
    assert invoke.level == "yes"
    assert invoke.targets[0] == "iam:PassRole on aws_iam_role.b_fn"
    assert held["lambda-update-function-code"].targets == ["lambda:UpdateFunctionCode on aws_lambda_function.nightly"]
    plain = AwsAccess(aws.project)
    assert _hit_view(finder.held_paths(dev)) == _exhaustive_paths(plain, plain.escalation, dev)


# --------------------------------------------------------------------------- 4. GCP bindings index

PERMISSIONS = ["secretmanager.versions.access", "storage.objects.create", "iam.serviceAccounts.actAs",
               "resourcemanager.projects.setIamPolicy", "cloudkms.cryptoKeyVersions.useToDecrypt",
               "cloudkms.cryptoKeys.update"]


def _check_members_with_permission(project: Project, where: str) -> tuple[int, int, int]:
    """Compare the indexed answer with a scan of every binding for each resource of the code and
    permission; return (questions, questions with members, members from a resource binding).
    The scan runs on a fresh engine per resource, so no memoised ancestry of another resource
    can reach its answer; after the questions, the indexed engine's ancestries must still be
    those fresh engines compute."""
    gcp = GcpAccess(project)
    addresses = [r.address for r in project.resources if r.mode == "managed"]
    asked = answered = on_resource = 0
    fresh: dict[str, object] = {}
    for address in addresses:
        plain = GcpAccess(project)
        fresh[address] = copy.deepcopy(plain.ancestry(address))
        for speculative in (False, True):
            for permission in PERMISSIONS:
                got = gcp.members_with_permission(permission, address, speculative=speculative)
                expected = _scan_every_binding(plain, permission, address, speculative)
                assert _grant_view(got) == _grant_view(expected), (where, permission, address, speculative)
                asked += 1
                answered += bool(expected)
                on_resource += sum(g.scope.startswith("google_") for g in expected)
    assert {a: gcp.ancestry(a) for a in addresses} == fresh, where
    return asked, answered, on_resource


def test_gcp_members_with_permission_equal_a_scan_of_every_binding():
    """Every GCP scenario, resource of the code and permission, speculative or not."""
    asked = answered = on_resource = 0
    folders = _gcp_folders()
    for folder in folders:
        a, b, c = _check_members_with_permission(_project(folder), folder.name)
        asked, answered, on_resource = asked + a, answered + b, on_resource + c
    assert len(folders) >= 12
    assert asked > 1000
    assert answered > 200
    assert on_resource > 20  # members through a binding made on a resource of the code


KMS_HCL = r'''
resource "google_service_account" "ops" {
  account_id = "ops"
  project    = "acme"
}

resource "google_kms_key_ring" "red" {
  name     = "red"
  location = "europe-west1"
  project  = "acme"
}
resource "google_kms_key_ring" "blue" {
  name     = "blue"
  location = "europe-west1"
  project  = "acme"
}
resource "google_kms_crypto_key" "red_key" {
  name     = "red-key"
  key_ring = google_kms_key_ring.red.id
}
resource "google_kms_crypto_key" "blue_key" {
  name     = "blue-key"
  key_ring = google_kms_key_ring.blue.id
}

resource "google_kms_key_ring_iam_member" "red_ops" {
  key_ring_id = google_kms_key_ring.red.id
  role        = "roles/cloudkms.cryptoKeyDecrypter"
  member      = "serviceAccount:${google_service_account.ops.email}"
}
resource "google_kms_crypto_key_iam_member" "blue_alice" {
  crypto_key_id = google_kms_crypto_key.blue_key.id
  role          = "roles/cloudkms.cryptoKeyDecrypter"
  member        = "user:alice@example.com"
}
resource "google_project_iam_member" "ops_project" {
  project = "acme"
  role    = "roles/cloudkms.cryptoKeyEncrypterDecrypter"
  member  = "serviceAccount:${google_service_account.ops.email}"
}
resource "google_project_iam_member" "bob" {
  project = "acme"
  role    = "roles/cloudkms.cryptoKeyDecrypter"
  member  = "user:bob@example.com"
  condition {
    title      = "until-2030"
    expression = "request.time < timestamp(\"2030-01-01T00:00:00Z\")"
  }
}
resource "google_kms_crypto_key_iam_member" "carol" {
  crypto_key_id = "projects/acme/locations/europe-west1/keyRings/red/cryptoKeys/red-key"
  role          = "roles/cloudkms.cryptoKeyDecrypter"
  member        = "user:carol@example.com"
}
'''


def test_gcp_bindings_on_a_parent_a_project_or_a_written_id_still_count(write_tree):
    """IAM on Google Cloud is inherited down the hierarchy: a binding on a key ring applies to
    its keys (not to the keys of another ring), one on a project to everything in it, one on a
    key to that key only (not to its ring). Bob's binding has a condition: possible. Carol's
    names a key by its written id, which only by name may be red-key: possible. Ops holds the
    permission twice on red-key (ring, then project): the first binding is the one reported."""
    project = _tree(write_tree, KMS_HCL)
    decrypt = "cloudkms.cryptoKeyVersions.useToDecrypt"
    ops = "google_service_account.ops"
    carol_key = "projects/acme/locations/europe-west1/keyRings/red/cryptoKeys/red-key"
    expected = {
        "google_kms_crypto_key.red_key": [
            (ops, "yes", "google_kms_key_ring.red", "google_kms_key_ring_iam_member.red_ops"),
            ("user:bob@example.com", "possible", "projects/acme", "google_project_iam_member.bob"),
            ("user:carol@example.com", "possible", carol_key, "google_kms_crypto_key_iam_member.carol")],
        "google_kms_crypto_key.blue_key": [
            (ops, "yes", "projects/acme", "google_project_iam_member.ops_project"),
            ("user:alice@example.com", "yes", "google_kms_crypto_key.blue_key",
             "google_kms_crypto_key_iam_member.blue_alice"),
            ("user:bob@example.com", "possible", "projects/acme", "google_project_iam_member.bob")],
        "google_kms_key_ring.red": [
            (ops, "yes", "google_kms_key_ring.red", "google_kms_key_ring_iam_member.red_ops"),
            ("user:bob@example.com", "possible", "projects/acme", "google_project_iam_member.bob")],
        "google_kms_key_ring.blue": [
            (ops, "yes", "projects/acme", "google_project_iam_member.ops_project"),
            ("user:bob@example.com", "possible", "projects/acme", "google_project_iam_member.bob")],
    }
    gcp = GcpAccess(project)
    for address, members in expected.items():
        got = gcp.members_with_permission(decrypt, address)
        assert [(g.principal, g.level, g.scope, g.evidence[-1].address) for g in got] == members, address
        assert {g.permission for g in got} == {decrypt}
    asked, answered, on_resource = _check_members_with_permission(project, "kms tree")
    assert answered >= 4 and on_resource >= 3
