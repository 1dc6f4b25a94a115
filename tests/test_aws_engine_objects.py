"""Objects inside a bucket: the bucket's policy governs them (Target.holder).

Each case cites the AWS rule it checks ("Policy evaluation logic", "Bucket policy
examples"); the expected level follows from that rule, not from our output.
"""

from __future__ import annotations

from sod_iac.access.aws import AwsAccess, Target
from sod_iac.load import load_project

STATE = Target("arn:aws:s3:::tfstate/prod/terraform.tfstate", None, "state object", holder="aws_s3_bucket.state")

HCL = '''
resource "aws_s3_bucket" "state" {
  bucket = "tfstate"
}

resource "aws_iam_role" "deployer" {
  name               = "deployer"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "codebuild.amazonaws.com"}}]})
}

resource "aws_iam_role" "admin" {
  name               = "admin"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "ec2.amazonaws.com"}}]})
}

resource "aws_iam_role_policy" "deployer" {
  role   = aws_iam_role.deployer.id
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "s3:PutObject", Resource = "arn:aws:s3:::tfstate/*"}]})
}

resource "aws_iam_role_policy" "admin" {
  role   = aws_iam_role.admin.id
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "s3:*", Resource = "*"}]})
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = jsonencode({Version = "2012-10-17", Statement = [
    {Effect = "Deny", Principal = "*", Action = "s3:DeleteObject", Resource = "${aws_s3_bucket.state.arn}/*"},
    {Effect = "Deny", Principal = {AWS = "*"}, Action = "s3:PutObject", Resource = "${aws_s3_bucket.state.arn}/*",
     Condition = {ArnNotEquals = {"aws:PrincipalArn" = aws_iam_role.deployer.arn}}}
  ]})
}
'''


def _engine(write_tree) -> AwsAccess:
    project = load_project([write_tree({"main.tf": HCL})])
    assert project.errors == []
    return AwsAccess(project)


def test_bucket_policy_deny_for_everyone_applies_to_every_principal(write_tree):
    # "An explicit deny in any policy overrides any allows": a bucket-policy Deny with
    # Principal "*" names every principal, in this account or any other.
    aws = _engine(write_tree)
    assert aws.can("aws_iam_role.admin", "s3:DeleteObject", STATE).level == "no"
    assert aws.can("aws_iam_role.deployer", "s3:DeleteObject", STATE).level == "no"


def test_conditional_deny_for_everyone_applies_once_the_question_fixes_the_key(write_tree):
    # The Deny applies when its condition holds: for a principal that is certainly not the
    # deployer, ArnNotEquals aws:PrincipalArn holds; for the deployer it does not.
    aws = _engine(write_tree)
    assert aws.can("aws_iam_role.admin", "s3:PutObject", STATE,
                   context={"aws:principalarn": lambda cond: True}).level == "no"
    assert aws.can("aws_iam_role.deployer", "s3:PutObject", STATE,
                   context={"aws:principalarn": lambda cond: False}).level == "yes"
    # without the key fixed, the Deny is not certain: access stays possible (over-approximation)
    assert aws.can("aws_iam_role.admin", "s3:PutObject", STATE).held


def _plan_project(tmp_path, role_values: dict):
    """A re-plan of existing resources: a user allowed sts:AssumeRole on the role's literal
    ARN, the role trusting the account (Terraform JSON output format 1.2)."""
    import json as _json

    from sod_iac.load import load_project

    trust = _json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                         "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}]})
    assume = _json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                          "Resource": "arn:aws:iam::111122223333:role/ops"}]})
    resources = [
        {"address": "aws_iam_role.ops", "mode": "managed", "type": "aws_iam_role", "name": "ops",
         "values": {"name": "ops", "assume_role_policy": trust, **role_values}},
        {"address": "aws_iam_user.dev", "mode": "managed", "type": "aws_iam_user", "name": "dev",
         "values": {"name": "dev"}},
        {"address": "aws_iam_user_policy.dev", "mode": "managed", "type": "aws_iam_user_policy", "name": "dev",
         "values": {"name": "dev", "user": "dev", "policy": assume}},
    ]
    plan = {"format_version": "1.2", "planned_values": {"root_module": {"resources": resources}},
            "resource_changes": [], "configuration": {"root_module": {"resources": []}}}
    (tmp_path / "plan.json").write_text(_json.dumps(plan))
    project = load_project([tmp_path / "plan.json"])
    assert project.errors == []
    return AwsAccess(project)


def test_an_arn_the_plan_states_is_matched_exactly(tmp_path):
    """In a plan of existing resources the state gives each role its ARN: a policy naming that
    exact ARN is certain to cover it (IAM matches the ARN string), not merely possible."""
    aws = _plan_project(tmp_path, {"arn": "arn:aws:iam::111122223333:role/ops"})
    assert [(r, level) for r, level, _ in aws.assumable("aws_iam_user.dev")] == [("aws_iam_role.ops", "yes")]


def test_without_a_stated_arn_the_account_stays_unknown(tmp_path):
    """Without the ARN the role's account is unknown: the same policy only possibly names it."""
    aws = _plan_project(tmp_path, {})
    assert [(r, level) for r, level, _ in aws.assumable("aws_iam_user.dev")] == [("aws_iam_role.ops", "possible")]
