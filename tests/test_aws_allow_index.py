"""The AllowIndex narrows whole-estate questions without changing their answers.

AWS grants an action on a resource only through an Allow whose Action and Resource both match
(identity policy, or the resource's own policy naming the principal; IAM User Guide, "Policy
evaluation logic"). So the index may leave out a principal only when none of its statements
can match: these tests check it leaves out the ones it should (selective) and never one the
engine allows (sound), on every scenario folder the engine is tested with.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sod_iac.access.aws import AwsAccess, Target, resource_targets
from sod_iac.access.aws_allow_index import may_match
from sod_iac.load import load_project

ROOT = Path(__file__).resolve().parent.parent / "testdata"


def _policy(*statements: dict) -> str:
    return json.dumps(json.dumps({"Version": "2012-10-17", "Statement": list(statements)})).replace("${", "$${")


def _engine(write_tree, hcl: str) -> AwsAccess:
    project = load_project([write_tree({"main.tf": hcl})])
    assert project.errors == []
    return AwsAccess(project)


def _role(name: str, policy: str = "") -> str:
    """An EC2 role with an inline policy (HCL), or none."""
    trust = _policy({"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}})
    inline = f'''
resource "aws_iam_role_policy" "{name}" {{
  role   = aws_iam_role.{name}.id
  policy = {policy}
}}''' if policy else ""
    return f'''
resource "aws_iam_role" "{name}" {{
  name               = "{name}"
  assume_role_policy = {trust}
}}{inline}
'''


HCL = '''
resource "aws_s3_bucket" "a" { bucket = "team-a-data" }
resource "aws_s3_bucket" "b" { bucket = "team-b-data" }
resource "aws_kms_key" "k" {}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({Version = "2012-10-17", Statement = [{
    Effect = "Allow", Principal = { AWS = aws_iam_role.named.arn }, Action = "s3:GetObject",
    Resource = "${aws_s3_bucket.b.arn}/*" }]})
}
''' + _role("reader_a", '''jsonencode({Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = "s3:GetObject", Resource = "${aws_s3_bucket.a.arn}/*" }, {
    Effect = "Allow", Action = "s3:ListBucket", Resource = aws_s3_bucket.a.arn }]})''') \
    + _role("prefix_reader", _policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::team-b-*"})) \
    + _role("admin", _policy({"Effect": "Allow", "Action": "*", "Resource": "*"})) \
    + _role("not_s3", _policy({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})) \
    + _role("named")


def _target(aws: AwsAccess, bucket: str, key: str = "") -> Target:
    name = {"a": "team-a-data", "b": "team-b-data"}[bucket]
    return Target(f"arn:aws:s3:::{name}{key}", None if key else f"aws_s3_bucket.{bucket}",
                  holder=f"aws_s3_bucket.{bucket}" if key else None)


def test_only_statements_that_can_match_make_an_actor(write_tree):
    aws = _engine(write_tree, HCL)
    index = aws.allows
    object_a = _target(aws, "a", "/report.csv")
    # a Resource naming bucket A's objects (via its ARN) and `*` match; team-b-* does not;
    # NotAction s3:* never allows an s3 action
    assert index.actors("s3:GetObject", object_a) == {"aws_iam_role.reader_a", "aws_iam_role.admin"}
    object_b = _target(aws, "b", "/report.csv")
    assert index.actors("s3:GetObject", object_b) == {"aws_iam_role.prefix_reader", "aws_iam_role.admin"}
    # a reference to bucket A names that resource only
    assert index.actors("s3:ListBucket", _target(aws, "a")) == {"aws_iam_role.reader_a", "aws_iam_role.admin"}
    assert index.actors("s3:ListBucket", _target(aws, "b")) == {"aws_iam_role.admin"}
    # the Action must match too
    assert "aws_iam_role.reader_a" not in index.actors("s3:PutObject", object_a)
    key = resource_targets(aws.project, ["aws_kms_key"])[0]
    assert index.actors("kms:Decrypt", key) == {"aws_iam_role.admin", "aws_iam_role.not_s3"}
    # several actions at once: any of them
    assert index.actors(frozenset({"s3:PutObject", "s3:GetObject"}), object_a) == \
        {"aws_iam_role.reader_a", "aws_iam_role.admin"}


def test_resource_policies_name_their_principals(write_tree):
    aws = _engine(write_tree, HCL)
    assert aws.allows.named_by_policy("aws_s3_bucket.b") == {"aws_iam_role.named"}
    assert aws.allows.named_by_policy("aws_s3_bucket.a") == frozenset()
    assert aws.allows.owners_naming(["aws_iam_role.named"]) == {"aws_s3_bucket.b"}
    # and the engine agrees: the bucket policy is the only way the role reads team B's objects
    assert aws.can("aws_iam_role.named", "s3:GetObject", _target(aws, "b", "/x")).held
    assert not aws.can("aws_iam_role.named", "s3:GetObject", _target(aws, "a", "/x")).held


@pytest.mark.parametrize(("pattern", "arn", "expected"), [
    ("arn:aws:s3:::team-a-*", "arn:aws:s3:::team-a-data", True),
    ("arn:aws:s3:::team-a-*", "arn:aws:s3:::team-b-data", False),
    ("arn:aws:kms:*:*:key/*", "arn:aws:s3:::team-a-data", False),   # services differ
    ("arn:aws:*:*:*:*", "arn:aws:s3:::team-a-data", True),           # service wildcard
    ("*", "arn:aws:s3:::x", True),
    ("arn:aws:s3:::${aws:username}/*", "arn:aws:s3:::alice/x", True),  # a variable is anything
    ("arn:aws:s3:::logs/x", "arn:aws:s3:::lo*", True),               # the target is a pattern
    ("arn:aws:s3:::data/x", "arn:aws:s3:::lo*", False),
])
def test_may_match_never_rejects_a_possible_match(pattern, arn, expected):
    assert may_match(pattern, arn) is expected


def _scenario_folders() -> list[Path]:
    return sorted(p for family in ("escalation", "duties", "secrets", "approval", "admin")
                  for p in (ROOT / family).iterdir() if p.is_dir() and any(p.rglob("*.tf")))


def test_the_index_never_misses_a_principal_the_engine_allows():
    """Soundness on every scenario the engines are tested with: each (principal, action,
    resource of the code) the engine allows by itself (chain=False) is found by the index."""
    actions = ["s3:GetObject", "s3:PutObject", "kms:Decrypt", "kms:ScheduleKeyDeletion", "iam:PassRole",
               "iam:PutRolePolicy", "iam:AttachRolePolicy", "secretsmanager:GetSecretValue", "ssm:GetParameter",
               "sts:AssumeRole", "cloudtrail:StopLogging", "lambda:UpdateFunctionCode"]
    allowed = 0
    for folder in _scenario_folders():
        project = load_project([folder])
        aws = AwsAccess(project)
        targets = resource_targets(project, {r.type for r in project.resources if r.type.startswith("aws_")})
        for principal in aws.model.principals:
            for target in targets:
                for action in actions:
                    if aws.can(principal, action, target, chain=False, speculative=True).held:
                        allowed += 1
                        found = aws.allows.actors(action, target) | aws.allows.named_by_policy(target.policy_owner)
                        assert principal in found, (folder.name, principal, action, target)
    assert allowed > 100  # the scenarios exercise the index, not an empty loop


def test_reached_targets_are_those_a_principal_or_its_roles_may_be_allowed():
    """`reached` (one table per target list, built from the statements' side) gives, for each
    principal, exactly the targets the per-target question gives, and never leaves out one
    the engine allows through role chaining."""
    pools = [frozenset({"s3:PutObject", "s3:DeleteObject", "kms:ScheduleKeyDeletion"}),
             frozenset({"iam:PassRole"}), frozenset({"secretsmanager:GetSecretValue", "ssm:GetParameter"})]
    allowed = 0
    for folder in _scenario_folders():
        project = load_project([folder])
        aws = AwsAccess(project)
        index = aws.allows
        targets = resource_targets(project, {r.type for r in project.resources if r.type.startswith("aws_")})
        targets.append(Target("arn:aws:s3:::*", None, "any bucket"))
        for pool in pools:
            for by_service in (False, True):
                for principal in sorted(p.id for p in aws.principals()):
                    got = index.reached(principal, pool, targets, by_service=by_service)
                    who = {principal, *(r for r, _, _ in aws.assumable(principal))}
                    expected = []
                    for target in targets:
                        service = target.arn.split(":")[2] if by_service else None
                        actions = frozenset(a for a in pool if a.split(":")[0] == service) if service else pool
                        if actions and who & (index.actors(actions, target) | index.named_by_policy(target.policy_owner)):
                            expected.append(target)
                    assert got == expected, (folder.name, principal, pool)
                    for target in targets:
                        for action in pool:
                            if aws.can(principal, action, target).held and (
                                    not by_service or target.arn.split(":")[2] == action.split(":")[0]):
                                allowed += 1
                                assert target in got, (folder.name, principal, action, target)
    assert allowed > 50


SELF_SERVICE = '''
resource "aws_iam_user" "alice" { name = "alice" }
resource "aws_iam_user" "bob" { name = "bob" }
resource "aws_iam_group" "devs" { name = "devs" }
resource "aws_iam_group_membership" "devs" {
  name  = "devs"
  group = aws_iam_group.devs.name
  users = [aws_iam_user.alice.name, aws_iam_user.bob.name]
}
resource "aws_iam_group_policy" "devs" {
  group  = aws_iam_group.devs.name
  policy = ''' + _policy({"Effect": "Allow", "Action": "iam:ChangePassword",
               "Resource": "arn:aws:iam::111122223333:user/${aws:username}"}) + "\n}\n"


def test_a_username_variable_reaches_only_the_users_own_arn(write_tree):
    """`${aws:username}` is the requesting user's own name (IAM User Guide, "IAM policy
    elements: Variables and tags"): the group's self-service statement lets each member change
    its own password, not the other member's, so the index keys it per user. A pattern that
    could be any user (the outside `user/*`) still finds both."""
    aws = _engine(write_tree, SELF_SERVICE)
    alice = Target("arn:aws:iam::111122223333:user/alice", "aws_iam_user.alice", "aws_iam_user.alice")
    bob = Target("arn:aws:iam::111122223333:user/bob", "aws_iam_user.bob", "aws_iam_user.bob")
    anyone = Target("arn:aws:iam::*:user/*", None, "any user")
    change = frozenset({"iam:ChangePassword"})
    assert aws.allows.reached("aws_iam_user.bob", change, [alice, bob, anyone]) == [bob, anyone]
    assert aws.allows.reached("aws_iam_user.alice", change, [alice, bob, anyone]) == [alice, anyone]
    users = {"aws_iam_user.alice", "aws_iam_user.bob"}
    assert users & set(aws.allows.actors("iam:ChangePassword", alice)) == {"aws_iam_user.alice"}
    assert users <= set(aws.allows.actors("iam:ChangePassword", anyone))
    # and the engine agrees
    assert aws.can("aws_iam_user.bob", "iam:ChangePassword", bob).held
    assert not aws.can("aws_iam_user.bob", "iam:ChangePassword", alice).held
