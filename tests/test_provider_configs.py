"""Provider configurations kept by the loaders, and the account they state (issue 17).

Expected values follow Terraform's documented semantics: a resource uses its `provider`
meta-argument, else its provider's default configuration as its module sees it; a module
call's `providers` map passes exactly what it names; without one, a child inherits its
caller's default (never aliased) configurations. Plan JSON names each configuration by its
`configuration.provider_config` key and each resource's by `provider_config_key`. The AWS
provider works only in `allowed_account_ids`, and in the account of the role it assumes.
"""

from __future__ import annotations

import json

import pytest

from sod_iac.access.aws import AwsAccess
from sod_iac.access.aws_arns import stated_account
from sod_iac.core.model import ProviderConfig
from sod_iac.core.values import Ref, Unknown
from sod_iac.load import load_project

HCL = {
    "main.tf": '''
        variable "account" {}
        provider "aws" {
          allowed_account_ids = ["111111111111"]
        }
        provider "aws" {
          alias = "prod"
          assume_role {
            role_arn = "arn:aws:iam::222222222222:role/terraform"
          }
        }
        provider "aws" {
          alias               = "unknown"
          allowed_account_ids = [var.account]
        }
        resource "aws_iam_role" "default" { name = "default" }
        resource "aws_iam_role" "prod" {
          provider = aws.prod
          name     = "prod"
        }
        data "aws_caller_identity" "prod" { provider = aws.prod }
        module "passed" {
          source    = "./mod"
          providers = { aws = aws.prod }
        }
        module "inherited" { source = "./mod" }
        module "aliased" {
          source    = "./mod"
          providers = { aws = aws.unknown }
        }
    ''',
    "mod/main.tf": '''
        resource "aws_iam_role" "r" { name = "r" }
        module "inner" { source = "../inner" }
    ''',
    "inner/main.tf": '''
        resource "aws_iam_user" "u" { name = "u" }
    ''',
}


def test_hcl_resources_point_at_their_provider_configuration(write_tree):
    project = load_project([write_tree(HCL)])
    keys = {r.address: r.provider for r in project.resources}
    assert keys == {
        "aws_iam_role.default": "aws", "aws_iam_role.prod": "aws.prod", "data.aws_caller_identity.prod": "aws.prod",
        "module.passed.aws_iam_role.r": "aws.prod", "module.passed.module.inner.aws_iam_user.u": "aws.prod",
        "module.inherited.aws_iam_role.r": "aws", "module.inherited.module.inner.aws_iam_user.u": "aws",
        "module.aliased.aws_iam_role.r": "aws.unknown", "module.aliased.module.inner.aws_iam_user.u": "aws.unknown",
    }
    configs = {p.key: p for p in project.providers}
    assert sorted(configs) == ["aws", "aws.prod", "aws.unknown"]
    assert configs["aws.prod"].alias == "prod" and configs["aws.prod"].location.start_line == 5
    assert configs["aws.prod"].values["assume_role"] == [{"role_arn": "arn:aws:iam::222222222222:role/terraform"}]
    assert isinstance(configs["aws.unknown"].values["allowed_account_ids"][0], Unknown)


def test_hcl_module_with_its_own_provider_block(write_tree):
    project = load_project([write_tree({
        "main.tf": 'module "legacy" { source = "./legacy" }\n',
        "legacy/main.tf": '''
            provider "aws" { allowed_account_ids = ["333333333333"] }
            resource "aws_iam_role" "r" { name = "r" }
        ''',
    })])
    assert project.resource("module.legacy.aws_iam_role.r").provider == "module.legacy:aws"
    assert [(p.key, p.module) for p in project.providers] == [("module.legacy:aws", "module.legacy")]


PLAN = {
    "format_version": "1.2",
    "planned_values": {"root_module": {
        "resources": [
            {"address": "aws_iam_role.default", "mode": "managed", "type": "aws_iam_role", "name": "default",
             "values": {"name": "default"}},
            {"address": "aws_iam_role.prod", "mode": "managed", "type": "aws_iam_role", "name": "prod",
             "values": {"name": "prod"}},
        ],
        "child_modules": [{"address": "module.m", "resources": [
            {"address": "module.m.aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
             "values": {"name": "r"}}]}],
    }},
    "configuration": {
        "provider_config": {
            "aws": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
                    "expressions": {"allowed_account_ids": {"constant_value": ["111111111111"]}}},
            "aws.prod": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "alias": "prod",
                         "expressions": {"assume_role": [
                             {"role_arn": {"constant_value": "arn:aws:iam::222222222222:role/terraform"}}]}},
            "aws.var": {"name": "aws", "full_name": "registry.terraform.io/hashicorp/aws", "alias": "var",
                        "expressions": {"allowed_account_ids": {"references": ["var.account"]}}},
        },
        "root_module": {
            "resources": [
                {"address": "aws_iam_role.default", "mode": "managed", "type": "aws_iam_role", "name": "default",
                 "provider_config_key": "aws", "expressions": {"name": {"constant_value": "default"}}},
                {"address": "aws_iam_role.prod", "mode": "managed", "type": "aws_iam_role", "name": "prod",
                 "provider_config_key": "aws.prod", "expressions": {"name": {"constant_value": "prod"}}},
            ],
            "module_calls": {"m": {"source": "./m", "module": {"resources": [
                {"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "name": "r",
                 "provider_config_key": "aws.var", "expressions": {"name": {"constant_value": "r"}}}]}}},
        },
    },
}


def test_plan_configurations_and_keys(tmp_path):
    (tmp_path / "plan.json").write_text(json.dumps(PLAN))
    project = load_project([tmp_path / "plan.json"])
    assert {r.address: r.provider for r in project.resources} == {
        "aws_iam_role.default": "aws", "aws_iam_role.prod": "aws.prod", "module.m.aws_iam_role.r": "aws.var"}
    configs = {p.key: p for p in project.providers}
    assert configs["aws"].values == {"allowed_account_ids": ["111111111111"]}
    assert configs["aws.prod"].alias == "prod"
    assert configs["aws.prod"].values["assume_role"] == [{"role_arn": "arn:aws:iam::222222222222:role/terraform"}]
    assert isinstance(configs["aws.var"].values["allowed_account_ids"], Unknown)
    assert all(p.root == "plan.json" for p in project.providers)
    aws = AwsAccess(project)
    assert aws.arn("aws_iam_role.default") == "arn:aws:iam::111111111111:role/default"
    assert aws.arn("aws_iam_role.prod") == "arn:aws:iam::222222222222:role/prod"
    assert aws.arn("module.m.aws_iam_role.r") == "arn:aws:iam::*:role/r"


def _config(**values) -> ProviderConfig:
    return ProviderConfig(key="aws", name="aws", values=values)


@pytest.mark.parametrize(("values", "account"), [
    ({"allowed_account_ids": ["111111111111"]}, "111111111111"),
    ({"assume_role": [{"role_arn": "arn:aws:iam::222222222222:role/t"}]}, "222222222222"),
    ({"assume_role_with_web_identity": [{"role_arn": "arn:aws-us-gov:iam::222222222222:role/t"}]}, "222222222222"),
    ({"allowed_account_ids": ["111111111111"], "assume_role": [{"role_arn": "arn:aws:iam::111111111111:role/t"}]},
     "111111111111"),
    # chained assume_role blocks: the provider works as the last role
    ({"assume_role": [{"role_arn": "arn:aws:iam::111111111111:role/a"},
                      {"role_arn": "arn:aws:iam::222222222222:role/b"}]}, "222222222222"),
    # not stated: several ids, unknown values, statements that disagree, nothing
    ({"allowed_account_ids": ["111111111111", "222222222222"]}, None),
    ({"allowed_account_ids": [Unknown("var.a")]}, None),
    ({"allowed_account_ids": Unknown("var.a")}, None),
    ({"assume_role": [{"role_arn": Unknown("var.role")}]}, None),
    ({"allowed_account_ids": ["111111111111"], "assume_role": [{"role_arn": Unknown("var.role")}]},
     "111111111111"),
    ({"allowed_account_ids": ["111111111111"], "assume_role": [{"role_arn": "arn:aws:iam::222222222222:role/t"}]},
     None),
    ({"allowed_account_ids": ["1111"]}, None),
    ({"region": "eu-west-1"}, None),
])
def test_stated_account(values, account):
    assert stated_account(_config(**values)) == account


def test_caller_account_id_and_principal_arns_under_a_configuration(write_tree):
    aws = AwsAccess(load_project([write_tree(HCL)]))
    assert aws.arn("aws_iam_role.default") == "arn:aws:iam::111111111111:role/default"
    assert aws.arn("module.passed.module.inner.aws_iam_user.u") == "arn:aws:iam::222222222222:user/u"
    assert aws.arn("module.aliased.aws_iam_role.r") == "arn:aws:iam::*:role/r"  # not stated
    assert aws.arn("data.aws_caller_identity.prod") == "arn:aws:*::222222222222:*"
    assert aws.resolver.value(Ref(address="data.aws_caller_identity.prod", attribute="account_id")) == ("222222222222", True)


class _Graph:
    """The networkx face of a Checkov graph (as tests/test_checkov.py's FakeGraph)."""

    def __init__(self, vertices: dict) -> None:
        self.vertices = vertices

    def nodes(self, data: bool = False):
        return list(self.vertices.items())

    def edges(self, data: bool = False):
        return []


def test_checkov_graph_keeps_root_providers_and_resolved_provider_addresses(tmp_path):
    """Shapes as Checkov 3.3 hands them over (dumped from its graph of
    testdata/admin/provider-account-module-providers): a quoted account id read as a number,
    `aws.default` for the default configuration, `__provider_address__` resolved through the
    module call's `providers` map, a data source's own `provider` argument."""
    from sod_iac.load.checkov import load_checkov_graph

    main, child = str(tmp_path / "main.tf"), str(tmp_path / "deployer/main.tf")

    def provider(name, conf, start):
        return {"block_type_": "provider", "file_path_": main, "block_name_": name, "source_module_object_": None,
                "config_": {"aws": {"__start_line__": start, "__end_line__": start + 2, **conf}}}

    def block(kind, rtype, name, conf, path, module=None, **attrs):
        return {"block_type_": kind, "file_path_": path, "block_name_": f"{rtype}.{name}",
                "source_module_object_": module, **attrs,
                "config_": {rtype: {name: {"__start_line__": 1, "__end_line__": 3, **conf}}}}

    graph = _Graph({
        "p1": provider("aws", {"__address__": "aws.default", "allowed_account_ids": [[111111111111]]}, 14),
        "p2": provider("aws.prod", {"__address__": "aws.prod", "alias": ["prod"], "assume_role": [
            {"role_arn": ["arn:aws:iam::222222222222:role/terraform"]}]}, 18),
        "d": block("data", "aws_caller_identity", "prod", {"__address__": "aws_caller_identity.prod",
                                                           "provider": ["aws.prod"]}, main, provider="aws.prod"),
        "u": block("resource", "aws_iam_user", "deployer", {
            "__address__": "module.prod.aws_iam_user.deployer", "__provider_address__": "aws.prod",
            "name": ["deployer"]}, child, module={"path": main, "name": "prod", "nested_tf_module": None,
                                                  "foreach_idx": None}),
        "r": block("resource", "aws_iam_role", "admin", {"__address__": "aws_iam_role.admin",
                                                         "__provider_address__": "aws.default", "name": ["admin"]},
                   main),
    })
    project = load_checkov_graph(graph, root=tmp_path)
    assert {r.address: r.provider for r in project.resources} == {
        "data.aws_caller_identity.prod": "aws.prod", "module.prod.aws_iam_user.deployer": "aws.prod",
        "aws_iam_role.admin": "aws"}
    configs = {p.key: p for p in project.providers}
    assert configs["aws"].values["allowed_account_ids"] == ["111111111111"]
    assert configs["aws.prod"].alias == "prod" and configs["aws.prod"].root == "."
    aws = AwsAccess(project)
    assert aws.arn("aws_iam_role.admin") == "arn:aws:iam::111111111111:role/admin"
    assert aws.arn("module.prod.aws_iam_user.deployer") == "arn:aws:iam::222222222222:user/deployer"


def test_access_shows_the_arn_with_the_stated_account():
    """`sod-iac access` (text and JSON) shows the principal's ARN with the account its
    provider configuration states (allowed_account_ids = ["111111111111"])."""
    from pathlib import Path

    from click.testing import CliRunner

    from sod_iac.cli import cli

    folder = str(Path(__file__).resolve().parent.parent / "testdata/admin/provider-account-cross-trust")
    text = CliRunner().invoke(cli, ["access", "aws_iam_user.operator", folder])
    assert text.output.splitlines()[0] == "aws_iam_user.operator (user, arn:aws:iam::111111111111:user/operator)"
    shown = json.loads(CliRunner().invoke(cli, ["access", "aws_iam_role.ops", folder, "--format", "json"]).output)
    assert shown["arn"] == "arn:aws:iam::111111111111:role/ops"
