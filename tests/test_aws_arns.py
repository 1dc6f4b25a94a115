"""ARN patterns of the resources the code defines (`aws_arns.arn_of`), from "IAM identifiers":
arn:PARTITION:iam::ACCOUNT:role/PATH/NAME, the path `/` unless stated; a `name_prefix` name is
the prefix plus a unique suffix the AWS provider appends."""

from __future__ import annotations

import pytest

from sod_iac.access.aws_arns import arn_of, partition_free
from sod_iac.access.aws_policy import resource_match
from sod_iac.core.model import Resource
from sod_iac.core.values import Ref, Template, Unknown


def _role(**values) -> Resource:
    return Resource(address="aws_iam_role.r", type="aws_iam_role", name="r", values=values)


SERVICE_LINKED = "arn:aws:iam::111122223333:role/aws-service-role/fsx.amazonaws.com/AWSServiceRoleForAmazonFSx"


@pytest.mark.parametrize(("values", "pattern", "expected"), [
    ({"name_prefix": "svc-"}, SERVICE_LINKED, "no"),
    ({"name_prefix": "svc-"}, "arn:aws:iam::*:role/other-prefix-*", "no"),
    ({"name_prefix": "svc-"}, "arn:aws:iam::*:role/svc-*", "yes"),
    ({"name_prefix": "svc-"}, "arn:aws:iam::111122223333:role/svc-api-1", "possible"),
    ({"name_prefix": "svc-", "path": "/teams/"}, "arn:aws:iam::*:role/svc-*", "no"),
    ({"name_prefix": "svc-", "path": "/teams/"}, "arn:aws:iam::*:role/teams/svc-*", "yes"),
    # a path the code does not state may be any path, `/` included
    ({"name": "app", "path": Unknown("var.path")}, "arn:aws:iam::*:role/app", "possible"),
    ({"name": "app", "path": Unknown("var.path")}, "arn:aws:iam::*:role/teams/app", "possible"),
    ({"name": Unknown("var.name")}, SERVICE_LINKED, "possible"),
])
def test_role_arn_from_name_prefix_and_path(values, pattern, expected):
    assert resource_match(pattern, arn_of(_role(**values))) == expected


def test_secret_name_prefix():
    secret = Resource(address="aws_secretsmanager_secret.s", type="aws_secretsmanager_secret", name="s",
                      values={"name_prefix": "prod/db-"})
    assert resource_match("arn:aws:secretsmanager:*:*:secret:prod/*", arn_of(secret)) == "yes"
    assert resource_match("arn:aws:secretsmanager:*:*:secret:staging/*", arn_of(secret)) == "no"


_PARTITION = Ref(address="data.aws_partition.current", attribute="partition")


def test_partition_data_source_is_the_codes_partition():
    admin = Template(("arn:", _PARTITION, ":iam::aws:policy/AdministratorAccess"))
    assert partition_free(admin) == "arn:aws:iam::aws:policy/AdministratorAccess"
    in_module = Ref(address="module.aft.data.aws_partition.current", attribute="partition")
    assert partition_free(Template(("arn:", in_module, ":s3:::b/*"))) == "arn:aws:s3:::b/*"
    # a variable is not the code's own partition for matching ...
    other = Template(("arn:", Unknown("var.partition"), ":s3:::b/*"))
    assert partition_free(other) == other
    # ... but every partition holds the same AWS-managed policies
    managed = Template(("arn:", Unknown("var.partition"), ":iam::aws:policy/ReadOnlyAccess"))
    assert partition_free(managed, any_unknown=True) == "arn:aws:iam::aws:policy/ReadOnlyAccess"
