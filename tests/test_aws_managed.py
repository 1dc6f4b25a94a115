"""The offline AWS-managed policy dataset.

Expectations are what the AWS Managed Policy Reference shows for each policy (checked by hand):
AdministratorAccess allows "*" on "*"; IAMFullAccess allows "iam:*"; PowerUserAccess allows
everything except iam/organizations/account through NotAction; ReadOnlyAccess grants only
reading verbs; AWSLambdaBasicExecutionRole is the three CloudWatch Logs writes.
"""

from __future__ import annotations

import re
from importlib import resources

import pytest

from sod_iac.access import aws_actions as A
from sod_iac.access.aws_managed import managed_policy, managed_policy_names

ARN = "arn:aws:iam::aws:policy/"


def _statements(doc: dict) -> list[dict]:
    st = doc["Statement"]
    return st if isinstance(st, list) else [st]


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _allowed_actions(doc: dict) -> frozenset[str]:
    """Every action an Allow statement with `Action` grants (conditions ignored)."""
    out: set[str] = set()
    for st in _statements(doc):
        if st["Effect"] == "Allow" and "Action" in st:
            for pattern in _as_list(st["Action"]):
                out |= A.expand_action(pattern)
    return frozenset(out)


def test_data_file_ships_as_package_data() -> None:
    data = resources.files("sod_iac.access").joinpath("data", "aws_managed_policies.json")
    assert data.is_file()
    assert data.read_bytes().startswith(b"{")
    assert resources.files("sod_iac.access").joinpath("data", "README.md").is_file()


def test_dataset_covers_the_commonly_attached_policies() -> None:
    names = managed_policy_names()
    assert len(names) >= 40
    for name in ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "ReadOnlyAccess",
                 "SecretsManagerReadWrite", "AmazonS3FullAccess", "AWSKeyManagementServicePowerUser",
                 "SecurityAudit", "AWSLambda_FullAccess", "AmazonEC2FullAccess", "AmazonSSMFullAccess",
                 "AmazonSSMManagedInstanceCore", "AWSCodeBuildAdminAccess", "AWSCloudFormationFullAccess",
                 "AmazonECS_FullAccess", "AmazonDynamoDBFullAccess", "AmazonRDSFullAccess",
                 "CloudWatchLogsFullAccess", "AWSCloudTrail_FullAccess", "AmazonVPCFullAccess",
                 "AmazonS3ReadOnlyAccess", "service-role/AWSLambdaBasicExecutionRole",
                 "service-role/AWSLambdaVPCAccessExecutionRole", "AmazonEKSClusterPolicy",
                 "AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly",
                 "AWSOrganizationsFullAccess", "AmazonSageMakerFullAccess", "AWSGlueConsoleFullAccess",
                 "AWSCodePipeline_FullAccess", "AWSCodeCommitPowerUser", "IAMReadOnlyAccess",
                 "IAMUserChangePassword", "job-function/Billing", "AWSSupportAccess",
                 "job-function/ViewOnlyAccess", "job-function/SystemAdministrator",
                 "job-function/NetworkAdministrator", "job-function/DatabaseAdministrator",
                 "AWSSSOMasterAccountAdministrator"]:
        assert name in names, name
        assert managed_policy(ARN + name) is not None, name
    assert names == sorted(names, key=str.lower)


@pytest.mark.parametrize("name", managed_policy_names())
def test_every_document_is_a_well_formed_policy(name) -> None:
    doc = managed_policy(ARN + name)
    assert doc["Version"] == "2012-10-17"
    for st in _statements(doc):
        assert st["Effect"] in ("Allow", "Deny")
        assert ("Action" in st) != ("NotAction" in st)
        assert ("Resource" in st) != ("NotResource" in st)
        for action in _as_list(st.get("Action", st.get("NotAction"))):
            # IAM matches action names case-insensitively; AWS's own documents write a few
            # prefixes with capitals ("S3:GetBucketWebsite", "cloudTrail:GetChannel")
            assert action == "*" or re.fullmatch(r"[A-Za-z0-9-]+:[A-Za-z0-9*?]+", action), action


def test_administrator_access_is_allow_star_on_star() -> None:
    doc = managed_policy(ARN + "AdministratorAccess")
    [st] = _statements(doc)
    assert st["Effect"] == "Allow"
    assert _as_list(st["Action"]) == ["*"]
    assert _as_list(st["Resource"]) == ["*"]
    assert "Condition" not in st


def test_iam_full_access_allows_every_iam_action() -> None:
    doc = managed_policy(ARN + "IAMFullAccess")
    assert any("iam:*" in _as_list(st.get("Action", [])) and st["Effect"] == "Allow"
               for st in _statements(doc))
    allowed = _allowed_actions(doc)
    assert {"iam:PassRole", "iam:CreatePolicyVersion", "iam:AttachRolePolicy"} <= allowed
    assert A.actions_of_service("iam") <= allowed


def test_power_user_access_excludes_iam_through_not_action() -> None:
    doc = managed_policy(ARN + "PowerUserAccess")
    not_actions = [st for st in _statements(doc) if "NotAction" in st]
    assert len(not_actions) == 1 and not_actions[0]["Effect"] == "Allow"
    assert "iam:*" in not_actions[0]["NotAction"]
    assert "organizations:*" in not_actions[0]["NotAction"]
    # what it does allow by name: service-linked roles and listing roles, not PassRole
    allowed = _allowed_actions(doc)
    assert "iam:CreateServiceLinkedRole" in allowed
    assert "iam:PassRole" not in allowed


def test_read_only_access_grants_only_reading() -> None:
    doc = managed_policy(ARN + "ReadOnlyAccess")
    allowed = _allowed_actions(doc)
    assert len(allowed) > 3000
    assert {"s3:GetObject", "ec2:DescribeInstances", "iam:GetRole", "s3:ListBucket"} <= allowed
    for mutating in ["s3:PutObject", "s3:DeleteObject", "iam:CreateRole", "iam:PutRolePolicy",
                     "iam:PassRole", "iam:CreatePolicyVersion", "ec2:RunInstances", "kms:Decrypt",
                     "kms:PutKeyPolicy", "lambda:UpdateFunctionCode", "sts:AssumeRole",
                     "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]:
        assert mutating not in allowed, mutating
    write_verbs = ("Put", "Create", "Delete", "Update", "Attach", "Detach", "Pass", "Run",
                   "Terminate", "Modify", "Set", "Tag", "Untag", "Add", "Remove", "Enable",
                   "Disable", "Associate", "Disassociate", "Invoke", "Assume", "Decrypt",
                   "Encrypt", "Replace", "Reset", "Upload", "Import", "Send", "Publish",
                   "Restore", "Reboot", "Cancel", "Revoke", "Authorize")
    offending = sorted(a for a in allowed if a.split(":", 1)[1].startswith(write_verbs))
    # The current version (v188) grants these on purpose: a directory-bucket session only with
    # s3express:SessionMode = ReadOnly, and X-Ray's trace retrieval (reading traces is a job it
    # starts and may cancel). "Read-only means read-only" (DESIGN) then makes them read-only.
    assert offending == ["s3express:CreateSession", "xray:CancelTraceRetrieval"]
    [session] = [st for st in _statements(doc) if "s3express:CreateSession" in _as_list(st.get("Action", []))]
    assert session["Condition"] == {"StringEquals": {"s3express:SessionMode": "ReadOnly"}}
    levels = [A.access_level(a) for a in allowed if A.access_level(a)]
    assert sum(level in ("Read", "List") for level in levels) / len(levels) > 0.99


def test_secrets_manager_read_write_reads_secrets() -> None:
    allowed = _allowed_actions(managed_policy(ARN + "SecretsManagerReadWrite"))
    assert {"secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"} <= allowed


def test_kms_power_user_administers_keys_but_does_not_use_them() -> None:
    allowed = _allowed_actions(managed_policy(ARN + "AWSKeyManagementServicePowerUser"))
    assert {"kms:CreateKey", "kms:CreateAlias", "kms:GetKeyPolicy"} <= allowed
    assert not {"kms:Decrypt", "kms:Encrypt", "kms:PutKeyPolicy"} & allowed


def test_lambda_basic_execution_role_is_three_log_writes() -> None:
    doc = managed_policy(ARN + "service-role/AWSLambdaBasicExecutionRole")
    assert _allowed_actions(doc) == {"logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"}


def test_backup_service_role_policy_is_known_and_reads_no_parameter() -> None:
    """AWS Backup's service-role policy (AWS Managed Policy Reference, AWSBackupServiceRolePolicyForBackup)
    backs up and restores resources; it runs SSM commands for VSS snapshots but never reads SSM
    parameters. Unknown to the bundle, every role it is attached to was a possible secret reader."""
    doc = managed_policy(ARN + "service-role/AWSBackupServiceRolePolicyForBackup")
    assert doc is not None
    allowed = _allowed_actions(doc)
    assert {"dynamodb:CreateBackup", "rds:CreateDBSnapshot", "ec2:CreateSnapshot"} <= allowed
    assert not {"ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath",
                "secretsmanager:GetSecretValue"} & allowed


def test_dataset_is_every_current_policy_from_one_recorded_source() -> None:
    """Provenance: the bundle says which iam-dataset commit it was built from (README.md)."""
    import json

    data = resources.files("sod_iac.access").joinpath("data", "aws_managed_policies.json")
    meta = json.loads(data.read_text(encoding="utf-8"))["_meta"]
    assert re.fullmatch(r"[0-9a-f]{40}", meta["source_commit"])
    assert meta["count"] == len(managed_policy_names()) > 1000
    assert "AmazonEKSFargatePodExecutionRolePolicy" in managed_policy_names()


def test_other_partitions_and_paths() -> None:
    admin = managed_policy(ARN + "AdministratorAccess")
    assert managed_policy("arn:aws-us-gov:iam::aws:policy/AdministratorAccess") == admin
    assert managed_policy("arn:aws-cn:iam::aws:policy/AdministratorAccess") == admin
    basic = managed_policy(ARN + "service-role/AWSLambdaBasicExecutionRole")
    assert basic is not None
    # IAM policy names are unique regardless of path: a missing path still resolves
    assert managed_policy(ARN + "AWSLambdaBasicExecutionRole") == basic
    assert managed_policy(ARN + "job-function/ViewOnlyAccess") == managed_policy(ARN + "ViewOnlyAccess")


def test_not_in_dataset_or_not_aws_managed_is_none() -> None:
    assert managed_policy(ARN + "NoSuchPolicyEver") is None
    assert managed_policy("arn:aws:iam::123456789012:policy/AdministratorAccess") is None
    assert managed_policy("AdministratorAccess") is None
    assert managed_policy("") is None
    assert managed_policy(None) is None  # type: ignore[arg-type] - None on purpose: a caller may hold no ARN


def test_callers_get_a_copy() -> None:
    doc = managed_policy(ARN + "AdministratorAccess")
    doc["Statement"].clear()
    assert managed_policy(ARN + "AdministratorAccess")["Statement"]
