"""Values the loader used to lose (issue 16): a choice on an unknown value, and whole objects.

Expectations come from Terraform's semantics: `c ? a : b` and a template's `%{ if c }` are one
of the two branches; `%{ for }` repeats its body once per element; a module's value is the
object of its outputs (`keys(module.m)` are the output names, sorted); a resource's value is
the object of its attributes, valid wherever an object is (`jsonencode(aws_iam_role.r)` is
valid Terraform whose text is known after apply), so `try()` must not skip it.
"""

from __future__ import annotations

from sod_iac.core.values import OneOf, Ref, alternatives, expand_alternatives, is_known
from sod_iac.load import load_project
from sod_iac.load.functions import CallError

MODULE = {
    "m/main.tf": '''
        resource "aws_iam_role" "this" {
          name               = "inner"
          assume_role_policy = "{}"
        }
        output "role" { value = aws_iam_role.this }
        output "a" { value = "x" }
    ''',
}


def _values(write_tree, main: str, address: str = "terraform_data.probe") -> dict:
    root = write_tree({**MODULE, "main.tf": main})
    project = load_project([root], repo_root=root)
    resource = project.resource(address)
    assert resource is not None
    return resource.values


def test_functions_take_resource_and_module_objects(write_tree) -> None:
    values = _values(write_tree, '''
        resource "aws_iam_role" "r" {
          name               = "r"
          assume_role_policy = "{}"
        }
        module "m" { source = "./m" }
        resource "terraform_data" "probe" {
          input = {
            text     = jsonencode(aws_iam_role.r)
            tried    = try(jsonencode(aws_iam_role.r), "fallback")
            outputs  = keys(module.m)
            a        = lookup(module.m, "a", "none")
            chosen   = one([aws_iam_role.r]).arn
            via_mod  = one([module.m.role]).arn
          }
        }
    ''')["input"]
    assert not is_known(values["text"]) and not isinstance(values["text"], CallError)  # known after apply
    assert values["tried"] != "fallback"  # Terraform evaluates the first argument: no failure
    assert values["outputs"] == ["a", "role"]
    assert values["a"] == "x"
    assert values["chosen"] == Ref(address="aws_iam_role.r", attribute="arn")
    assert values["via_mod"] == Ref(address="module.m.aws_iam_role.this", attribute="arn")


def test_a_choice_on_an_unknown_keeps_both_branches(write_tree) -> None:
    values = _values(write_tree, '''
        variable "c" { type = bool }
        resource "aws_iam_role" "a" {
          assume_role_policy = "{}"
        }
        resource "aws_iam_role" "b" {
          assume_role_policy = "{}"
        }
        resource "terraform_data" "probe" {
          input = {
            plain    = var.c ? "x" : "y"
            same     = var.c ? "x" : "x"
            attr     = (var.c ? aws_iam_role.a : aws_iam_role.b).arn
            text     = "role-%{ if var.c }admin%{ else }reader%{ endif }"
            known    = "role-%{ if true }admin%{ else }reader%{ endif }"
            upper    = upper(var.c ? "x" : "y")
            failing  = (var.c ? {} : { k = "v" }).k
          }
        }
    ''')["input"]
    assert isinstance(values["plain"], OneOf) and set(alternatives(values["plain"])) == {"x", "y"}
    assert values["same"] == "x"
    assert set(alternatives(values["attr"])) == {Ref(address="aws_iam_role.a", attribute="arn"),
                                                 Ref(address="aws_iam_role.b", attribute="arn")}
    assert set(expand_alternatives(values["text"])) == {"role-admin", "role-reader"}
    assert values["known"] == "role-admin"
    assert set(alternatives(values["upper"])) == {"X", "Y"}
    # `{}.k` fails in Terraform: only the other branch can be the value
    assert values["failing"] == "v"


def test_a_template_for_over_an_unknown_list_renders_zero_or_one_element(write_tree) -> None:
    values = _values(write_tree, '''
        variable "names" { type = list(string) }
        resource "terraform_data" "probe" {
          input = "[%{ for n in var.names }\\"${n}\\"%{ endfor }]"
        }
    ''')
    options = expand_alternatives(values["input"])
    assert len(options) == 2 and "[]" in options
    other = next(o for o in options if o != "[]")
    assert str(other).startswith('["') and str(other).endswith('"]')


def test_module_instances_and_object_attributes_by_index(write_tree) -> None:
    values = _values(write_tree, '''
        variable "keys" { type = set(string) }
        module "each" {
          source   = "./m"
          for_each = var.keys
        }
        module "m" { source = "./m" }
        resource "terraform_data" "probe" {
          input = {
            instance = module.each["k"].role.name
            by_index = module.m.role["name"]
            arn      = module.m.role["arn"]
          }
        }
    ''')["input"]
    assert values["instance"] == "inner"
    assert values["by_index"] == "inner"
    assert values["arn"] == Ref(address="module.m.aws_iam_role.this", attribute="arn")
