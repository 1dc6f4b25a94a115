"""The two small AWS engine additions the secret readers need.

1. `can(..., identity=False)` leaves identity-policy Allows out while their Denies still apply.
   AWS KMS: "Unless the key policy explicitly allows it, you cannot use IAM policies to allow
   access to a KMS key ... (You can use an IAM policy to deny a permission to a KMS key without
   permission from a key policy.)" ("Key policies in AWS KMS"). With a key policy that does
   not enable IAM policies, only what the key policy grants counts.
2. A context value may be a function that judges a condition itself (True, False, or None:
   cannot tell, so the grant is "possible"). Needed for kms:ViaService when a secret is read
   through Secrets Manager in a region the code does not state.
"""

from __future__ import annotations

import json

from sod_iac.access.aws import AwsAccess, Target, condition_level
from sod_iac.access.aws_policy import parse_policy
from sod_iac.load import load_project


def _role(name: str, *statements: dict) -> str:
    policy = json.dumps({"Version": "2012-10-17", "Statement": list(statements)}).replace("${", "$${")
    return f'''
resource "aws_iam_role" "{name}" {{
  name               = "{name}"
  assume_role_policy = jsonencode({{Version = "2012-10-17", Statement = [{{Effect = "Allow", Action = "sts:AssumeRole", Principal = {{Service = "ecs-tasks.amazonaws.com"}}}}]}})
}}
resource "aws_iam_role_policy" "{name}" {{
  name   = "{name}"
  role   = aws_iam_role.{name}.id
  policy = {json.dumps(policy)}
}}
'''


def _engine(write_tree, hcl: str) -> AwsAccess:
    root = write_tree({"main.tf": hcl})
    project = load_project([root])
    assert project.errors == []
    return AwsAccess(project)


KEY = '''
resource "aws_kms_key" "k" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = aws_iam_role.app.arn }, Action = "kms:Decrypt", Resource = "*" }]
  })
}
'''


def test_identity_false_counts_only_the_key_policy(write_tree):
    hcl = KEY + _role("app", {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}) + _role(
        "other", {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})
    aws = _engine(write_tree, hcl)
    key = Target("arn:aws:kms:*:*:key/*", "aws_kms_key.k", "aws_kms_key.k")
    # the key policy names app: it decrypts without any IAM grant
    assert aws.can("aws_iam_role.app", "kms:Decrypt", key, identity=False).level == "yes"
    # other's grant is an IAM policy: without the key policy's permission it has no effect
    assert aws.can("aws_iam_role.other", "kms:Decrypt", key, identity=False).level == "no"
    # the default stays the general rule (same account: either side suffices)
    assert aws.can("aws_iam_role.other", "kms:Decrypt", key).level == "yes"


def test_identity_false_still_applies_identity_denies(write_tree):
    hcl = KEY + _role("app", {"Effect": "Deny", "Action": "kms:*", "Resource": "*"})
    aws = _engine(write_tree, hcl)
    key = Target("arn:aws:kms:*:*:key/*", "aws_kms_key.k", "aws_kms_key.k")
    decision = aws.can("aws_iam_role.app", "kms:Decrypt", key, identity=False)
    assert decision.level == "no" and decision.denied_by


def _statement(condition: dict, effect: str = "Allow"):
    statements, problems = parse_policy({"Version": "2012-10-17", "Statement": [
        {"Effect": effect, "Action": "kms:Decrypt", "Resource": "*", "Condition": condition}]})
    assert problems == []
    return statements[0]


VIA = {"StringEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}


def test_a_function_in_the_context_judges_its_key():
    st = _statement(VIA)
    assert condition_level(st) == "restricted"  # kms:ViaService unknown: the engine's table
    assert condition_level(st, {"kms:viaservice": lambda cond: True}) == "yes"
    assert condition_level(st, {"kms:viaservice": lambda cond: False}) == "no"
    # cannot tell (the region is not stated): possible, never dropped
    assert condition_level(st, {"kms:viaservice": lambda cond: None}) == "possible"
    # strings keep working as before
    assert condition_level(st, {"kms:viaservice": "secretsmanager.eu-west-1.amazonaws.com"}) == "yes"


def test_a_deny_applies_only_when_the_function_is_sure(write_tree):
    deny = {"Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*",
            "Condition": {"StringNotEquals": {"kms:ViaService": "secretsmanager.eu-west-1.amazonaws.com"}}}
    hcl = _role("app", {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}, deny)
    aws = _engine(write_tree, hcl)
    key = Target("arn:aws:kms:*:*:key/*")
    assert aws.can("aws_iam_role.app", "kms:Decrypt", key, context={"kms:viaservice": lambda c: True}).level == "no"
    assert aws.can("aws_iam_role.app", "kms:Decrypt", key, context={"kms:viaservice": lambda c: None}).level == "yes"
    assert aws.can("aws_iam_role.app", "kms:Decrypt", key, context={"kms:viaservice": lambda c: False}).level == "yes"
