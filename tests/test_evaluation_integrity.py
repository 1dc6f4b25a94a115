"""No scan is aborted by one expression (issue 15).

Terraform's own rule: any operation on an unknown value gives an unknown value, so indexing a
computed attribute by a key only known at apply time is valid code whose result is unknown. The
snippets are written here, minimal, in the shapes that crashed whole scans; expectations come from
that rule and from AWS policy semantics (`Action = "*"` on `Resource = "*"` is full administrator).
"""

from __future__ import annotations

import json

from click.testing import CliRunner

import sod_iac.load.evaluate as evaluate
from sod_iac.cli import cli
from sod_iac.core.values import Ref, Unknown
from sod_iac.load import load_project

ADMIN_POLICY = 'jsonencode({ Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })'
TRUST = ('jsonencode({ Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", '
         'Principal = { Service = "ec2.amazonaws.com" } }] })')


def _scan_json(root):
    result = CliRunner().invoke(cli, ["scan", str(root), "--format", "json", "--no-cache"])
    assert "internal error" not in result.output, result.output
    return result.exit_code, json.loads(result.stdout)


def _variable(project, module, name):
    return next(v.value for v in project.variables if v.module == module and v.name == name)


MODULE_WITH_UNKNOWN_KEYS = {
    "main.tf": f'''
        variable "team" {{}}
        variable "names" {{
          default = {{ ops = "ops-admin" }}
        }}
        resource "aws_iam_role" "base" {{
          name               = "base"
          assume_role_policy = {TRUST}
        }}
        module "ops" {{
          source   = "./role"
          name     = lookup(var.names, var.team)
          position = index(aws_iam_role.base.managed_policy_arns, var.team)
          boundary = aws_iam_role.base.tags[var.team]
          path     = aws_iam_role.base.tags[aws_iam_role.base.unique_id]
        }}
    ''',
    "role/main.tf": f'''
        variable "name" {{}}
        variable "position" {{}}
        variable "boundary" {{}}
        variable "path" {{}}
        resource "aws_iam_role" "this" {{
          name                 = var.name
          path                 = var.path
          permissions_boundary = var.boundary
          description          = "policy ${{var.position}}"
          assume_role_policy   = {TRUST}
        }}
        resource "aws_iam_role_policy" "admin" {{
          role   = aws_iam_role.this.id
          policy = {ADMIN_POLICY}
        }}
    ''',
}


def test_module_inputs_indexed_by_unknown_keys_give_the_full_report(write_tree):
    """`lookup`/`index()`/`x[key]` with a key unknown until apply, as module inputs: the scan used
    to stop with `internal error: TypeError: Object of type Ref/Unknown is not JSON serializable`
    and no report. Now the report is whole: the module's role allows `*` on `*`, so SOD111."""
    code, report = _scan_json(write_tree(MODULE_WITH_UNKNOWN_KEYS))
    assert report["errors"] == []
    assert {"SOD111"} <= {f["rule_id"] for f in report["findings"]
                          if f["resource"] == "module.ops.aws_iam_role.this"}
    assert code == 1  # findings, and every input analysed


def test_an_attribute_indexed_by_an_unknown_key_is_an_unknown_that_names_its_resource(write_tree):
    """Unknown, but still a reference to `aws_iam_role.base`: consumers that follow references
    (a role named by another role's attribute) keep the link."""
    project = load_project([str(write_tree(MODULE_WITH_UNKNOWN_KEYS))], jobs=1)
    assert project.errors == []
    assert isinstance(_variable(project, "module.ops", "name"), Unknown)
    assert isinstance(_variable(project, "module.ops", "position"), Unknown)
    for name in ("boundary", "path"):
        value = _variable(project, "module.ops", name)
        assert isinstance(value, Ref) and value.address == "aws_iam_role.base", value


def test_data_list_indexed_by_an_unknown_count_index_keeps_the_resource(write_tree):
    """`data.x.y.keys[count.index]` with a count unknown until apply: one possible instance whose
    name is unknown. It used to be lost with "Object of type Unknown is not JSON serializable",
    and with it the administrator it is."""
    root = write_tree({"main.tf": f'''
        variable "n" {{}}
        data "aws_s3_objects" "names" {{
          bucket = "role-names"
        }}
        resource "aws_iam_role" "ops" {{
          count              = var.n
          name               = data.aws_s3_objects.names.keys[count.index]
          assume_role_policy = {TRUST}
        }}
        resource "aws_iam_role_policy" "admin" {{
          count  = var.n
          role   = aws_iam_role.ops[count.index].id
          policy = {ADMIN_POLICY}
        }}
    '''})
    code, report = _scan_json(root)
    assert report["errors"] == []
    assert "SOD111" in {f["rule_id"] for f in report["findings"] if f["resource"] == "aws_iam_role.ops"}
    assert code == 1
    name = load_project([str(root)], jobs=1).resource("aws_iam_role.ops").values["name"]
    assert isinstance(name, Ref) and name.address == "data.aws_s3_objects.names"


def test_a_bug_while_evaluating_one_argument_is_a_warning_and_an_unknown(write_tree, monkeypatch):
    """A defect of ours in one expression (simulated: a function that raises) must not cost the
    resource, the module or the scan: that one value becomes unknown ("possible"), and the report
    says so with file and line, in text and JSON, without making the scan incomplete."""
    real = evaluate.call_function

    def broken(name, args):
        if name == "upper":
            raise RuntimeError("defect in upper")
        return real(name, args)

    monkeypatch.setattr(evaluate, "call_function", broken)
    root = write_tree({"main.tf": f'''
        resource "aws_iam_role" "ops" {{
          name               = "ops"
          description        = upper("x")
          assume_role_policy = {TRUST}
        }}
        resource "aws_iam_role_policy" "admin" {{
          role   = aws_iam_role.ops.id
          policy = {ADMIN_POLICY}
        }}
    '''})
    code, report = _scan_json(root)
    assert report["errors"] == []
    assert "SOD111" in {f["rule_id"] for f in report["findings"] if f["resource"] == "aws_iam_role.ops"}
    assert code == 1
    [warning] = report["warnings"]
    assert warning["path"] == "main.tf" and warning["line"] == 3
    assert "RuntimeError: defect in upper" in warning["message"]
    text = CliRunner().invoke(cli, ["scan", str(root), "--no-cache"]).output
    assert "main.tf:3:" in text and "defect in upper" in text
    project = load_project([str(root)], jobs=1)
    assert isinstance(project.resource("aws_iam_role.ops").values["description"], Unknown)
