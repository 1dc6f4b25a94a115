"""The same code read as HCL and as a plan gives the same addresses and the same key values.

The plan fixture is written by hand in the shape `terraform show -json` gives for main.tf:
Terraform's jsonencode sorts object keys; values computed by the provider (ids, arns) are
unknown at plan time and linked through `configuration` references.
"""

from __future__ import annotations

import json
from pathlib import Path

from sod_iac.core.values import Ref
from sod_iac.load import load_project

FIXTURE = Path(__file__).parent / "fixtures" / "parity"
KEYS = {"aws_iam_role": ["name", "assume_role_policy"], "aws_iam_role_policy": ["name", "policy", "role"],
        "aws_kms_key": ["description"], "aws_kms_alias": ["name", "target_key_id"]}


def _comparable(value):
    if isinstance(value, str) and value.startswith("{"):
        return json.loads(value)
    return value


def test_hcl_and_plan_agree_on_addresses_and_values():
    hcl = load_project([FIXTURE], repo_root=FIXTURE)
    plan = load_project([FIXTURE / "plan.json"], repo_root=FIXTURE)
    assert hcl.errors == [] and plan.errors == []
    expected = {"aws_iam_role.app[0]", "aws_iam_role.app[1]", 'aws_iam_role_policy.p["read"]',
                'aws_iam_role_policy.p["write"]', "module.kms.aws_kms_key.k", "module.kms.aws_kms_alias.a"}
    assert {r.address for r in hcl.resources} == expected
    assert {r.address for r in plan.resources} == expected
    for resource in hcl.resources:
        twin = plan.resource(resource.address)
        for key in KEYS[resource.type]:
            assert _comparable(resource.values[key]) == _comparable(twin.values[key]), (resource.address, key)
    role_link = Ref(address="aws_iam_role.app[0]", attribute="id")
    assert plan.resource('aws_iam_role_policy.p["read"]').values["role"] == role_link
    assert plan.resource('aws_iam_role_policy.p["read"]').references["role"] == ["aws_iam_role.app[0]"]
    assert hcl.resource('aws_iam_role_policy.p["read"]').references["role"] == ["aws_iam_role.app[0]"]
    assert hcl.resource("module.kms.aws_kms_alias.a").values["target_key_id"] == \
        Ref(address="module.kms.aws_kms_key.k", attribute="key_id")


def test_plan_resources_get_hcl_locations_from_the_code_beside_them():
    plan = load_project([FIXTURE / "plan.json"], repo_root=FIXTURE)
    role = plan.resource("aws_iam_role.app[1]")
    assert role.source == "plan"
    assert (role.location.path, role.location.start_line, role.location.end_line) == ("main.tf", 6, 13)
    alias = plan.resource("module.kms.aws_kms_alias.a")
    assert (alias.location.path, alias.location.start_line) == ("kms/main.tf", 7)


def test_plan_alone_has_no_locations(tmp_path):
    copy = tmp_path / "plan.json"
    copy.write_text((FIXTURE / "plan.json").read_text())
    plan = load_project([copy])
    assert plan.errors == []
    assert all(r.location is None for r in plan.resources)
