"""Loader regressions found by scanning public module sets (terraform-aws-modules eks, vpc, iam).

Each snippet is written here, minimal, in the shape seen there; the expected values are worked
out by hand from Terraform's documented semantics, not copied from our output.
"""

from __future__ import annotations

import json

from sod_iac.core.values import Ref, Unknown
from sod_iac.load import load_project


def _res(project, address):
    found = project.resource(address)
    assert found is not None, f"{address} not in {[r.address for r in project.resources]}"
    return found


def test_try_falls_through_an_index_out_of_range(write_tree):
    """`try(a[0].json, b[0].json)` where `a` has count 0: `a[0]` is an error in Terraform, so
    try() takes `b[0].json`. Treating it as merely unknown lost whole trust policies."""
    root = write_tree({"main.tf": '''
        variable "mfa" { default = false }
        data "aws_iam_policy_document" "with_mfa" {
          count = var.mfa ? 1 : 0
          statement {
            actions = ["sts:AssumeRole"]
            principals {
              type        = "AWS"
              identifiers = ["arn:aws:iam::111122223333:root"]
            }
          }
        }
        data "aws_iam_policy_document" "plain" {
          count = var.mfa ? 0 : 1
          statement {
            actions = ["sts:AssumeRole"]
            principals {
              type        = "Service"
              identifiers = ["ec2.amazonaws.com"]
            }
          }
        }
        locals {
          empty = []
          map   = { a = 1 }
        }
        resource "aws_iam_role" "r" {
          assume_role_policy = coalesce("", try(data.aws_iam_policy_document.with_mfa[0].json,
                                                data.aws_iam_policy_document.plain[0].json))
          tags = {
            missing_key  = try(local.map["b"], "fallback")
            missing_attr = try(local.map.b, "fallback")
            null_in_text = try("x-${null}", "fallback")
            can_index    = can(local.empty[0])
            nested       = try([local.empty[0]], ["fallback"])[0]
          }
        }
    '''})
    role = _res(load_project([root]), "aws_iam_role.r")
    policy = json.loads(role.values["assume_role_policy"])
    assert policy["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert role.values["tags"] == {"missing_key": "fallback", "missing_attr": "fallback",
                                   "null_in_text": "fallback", "can_index": False,
                                   "nested": "fallback"}


def test_try_keeps_an_unknown_rather_than_skipping_it(write_tree):
    """An unknown is not a failure: try() must not skip to the fallback on it."""
    root = write_tree({"main.tf": '''
        variable "x" {}
        resource "aws_iam_role" "r" { name = try(var.x.name, "fallback") }
    '''})
    role = _res(load_project([root]), "aws_iam_role.r")
    assert isinstance(role.values["name"], Unknown)


def test_path_cwd_is_the_root_module_folder(write_tree):
    """`"ex-${basename(path.cwd)}"` names things after the root module's folder, because
    Terraform runs there; path.cwd is an absolute path, path.module stays relative."""
    root = write_tree({
        "examples/complete/main.tf": '''
            locals { name = "ex-${basename(path.cwd)}" }
            module "m" {
              source = "../../modules/m"
              name   = local.name
            }
        ''',
        "modules/m/main.tf": '''
            variable "name" {}
            resource "aws_iam_role" "r" {
              name = var.name
              tags = { module = path.module, root = path.root }
            }
        ''',
    })
    role = _res(load_project([root]), "module.m.aws_iam_role.r")
    assert role.values["name"] == "ex-complete"
    assert role.values["tags"] == {"module": "../../modules/m", "root": "."}


def test_disabled_for_each_over_an_unknown_map_is_empty(write_tree):
    """`for_each = { for k, v in var.things : k => v if var.create }` with create = false has
    no instances whatever `things` holds; a filter that reads the element stays unknown."""
    root = write_tree({"main.tf": '''
        variable "things" {}
        variable "create" { default = false }
        resource "aws_iam_role" "off" {
          for_each = { for k, v in var.things : k => v if var.create }
          name     = each.key
        }
        resource "aws_iam_role" "maybe" {
          for_each = { for k, v in var.things : k => v if v.enabled }
          name     = each.key
        }
        locals { listed = [for x in var.things : x if var.create && x != ""] }
        resource "aws_iam_user" "u" { tags = { n = length(local.listed) } }
    '''})
    project = load_project([root])
    addresses = sorted(r.address for r in project.resources)
    assert addresses == ["aws_iam_role.maybe", "aws_iam_user.u"]
    assert _res(project, "aws_iam_user.u").values["tags"] == {"n": 0}


def test_variable_type_fills_optional_attributes_and_nullable_false(write_tree):
    """A typed map of objects: attributes the caller omits read as their optional() default or
    null, not as a failure; undeclared attributes are dropped; `nullable = false` turns a null
    argument into the default (Terraform's type conversion and variable docs)."""
    root = write_tree({
        "main.tf": '''
            module "m" {
              source = "./m"
              groups = {
                a = { name = "alpha", extra = "dropped" }
                b = { name = "beta", size = 3, tags = null }
              }
              labels = null
              count_text = 7
            }
        ''',
        "m/main.tf": '''
            variable "groups" {
              type = map(object({
                name = string
                size = optional(number, 1)
                tags = optional(map(string), {})
                path = optional(string)
              }))
            }
            variable "labels" {
              type     = list(string)
              default  = ["x"]
              nullable = false
            }
            variable "count_text" { type = string }
            resource "aws_iam_role" "r" {
              for_each = var.groups
              name     = each.value.name
              path     = try(each.value.path, "fallback")
              tags = {
                size   = tostring(each.value.size)
                ntags  = length(each.value.tags)
                extra  = can(each.value.extra)
                labels = join(",", var.labels)
                text   = var.count_text
              }
            }
        ''',
    })
    project = load_project([root])
    a, b = _res(project, 'module.m.aws_iam_role.r["a"]'), _res(project, 'module.m.aws_iam_role.r["b"]')
    assert a.values["path"] is None  # optional without default: null, and try() keeps null
    assert a.values["tags"] == {"size": "1", "ntags": 0, "extra": False, "labels": "x", "text": "7"}
    assert b.values["tags"]["size"] == "3" and b.values["tags"]["ntags"] == 0


def test_unknown_argument_of_a_resource_reads_as_a_reference_to_it(write_tree):
    """`name = var.prefix ? null : var.name` is unknown; `aws_iam_role.r[0].name` must still
    say which role it is (a Ref), or the attachment loses its role."""
    root = write_tree({"main.tf": '''
        variable "use_prefix" {}
        variable "create" {}
        resource "aws_iam_role" "r" {
          count = var.create ? 1 : 0
          name  = var.use_prefix ? null : "app"
        }
        resource "aws_iam_role_policy_attachment" "a" {
          role       = aws_iam_role.r[0].name
          policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
        }
    '''})
    role = _res(load_project([root]), "aws_iam_role_policy_attachment.a").values["role"]
    assert isinstance(role, Ref) and (role.address, role.attribute) == ("aws_iam_role.r", "name")


def test_known_empty_for_each_has_no_instances_and_reads_as_empty(write_tree):
    """`for_each = {}` (a resource, and a module call over an empty map of node groups): no
    instances, and references see an empty map: `length(...)` is 0, a `for` over it is empty,
    `try(x["a"].name, ...)` falls back. This crashed the referring block before."""
    root = write_tree({
        "main.tf": '''
            variable "groups" { default = {} }
            resource "aws_iam_role" "r" {
              for_each = {}
              name     = each.key
            }
            module "group" {
              source   = "./group"
              for_each = { for k, v in var.groups : k => v }
              name     = each.key
            }
            module "counted" {
              source = "./group"
              count  = 0
              name   = "never"
            }
            resource "aws_iam_user" "u" {
              name = try(aws_iam_role.r["a"].name, "none")
              tags = {
                roles   = length(aws_iam_role.r)
                arns    = jsonencode([for g in module.group : g.arn])
                counted = length(module.counted)
              }
            }
        ''',
        "group/main.tf": '''
            variable "name" {}
            resource "aws_iam_role" "this" { name = var.name }
            output "arn" { value = aws_iam_role.this.arn }
        ''',
    })
    project = load_project([root])
    assert project.errors == []
    assert sorted(r.address for r in project.resources) == ["aws_iam_user.u"]
    user = _res(project, "aws_iam_user.u")
    assert user.values["name"] == "none"
    assert user.values["tags"] == {"roles": 0, "arns": "[]", "counted": 0}


def test_module_for_each_over_unknown_keys_is_one_possible_instance(write_tree):
    """Keys unknown: one unindexed instance whose `each.value` is unknown, not an error."""
    root = write_tree({
        "main.tf": '''
            variable "groups" {}
            module "group" {
              source   = "./group"
              for_each = var.groups
              name     = each.value.name
            }
        ''',
        "group/main.tf": '''
            variable "name" {}
            resource "aws_iam_role" "this" { name = var.name }
        ''',
    })
    project = load_project([root])
    role = _res(project, "module.group.aws_iam_role.this")
    assert isinstance(role.values["name"], Unknown)


def test_sets_iterate_with_each_element_as_its_key(write_tree):
    """`dynamic` and `for` over a set: key and value are both the element (Terraform's
    dynamic-block and for-expression docs); over a list the key is the index."""
    root = write_tree({"main.tf": '''
        variable "kinds" {
          type    = set(string)
          default = ["volume", "instance"]
        }
        resource "aws_launch_template" "t" {
          dynamic "tag_specifications" {
            for_each = toset(["network-interface", "instance"])
            content { resource_type = tag_specifications.key }
          }
          tags = {
            from_set  = join(",", [for k, v in var.kinds : k])
            from_list = join(",", [for k, v in ["a", "b"] : k])
          }
        }
    '''})
    values = _res(load_project([root]), "aws_launch_template.t").values
    assert [b["resource_type"] for b in values["tag_specifications"]] == ["instance", "network-interface"]
    assert values["tags"] == {"from_set": "instance,volume", "from_list": "0,1"}


def test_template_directives_render_in_heredocs_strings_and_templatefile(write_tree):
    """`%{ if }`/`%{ else }`/`%{ for }` with `~` strip markers, as in user-data and policy
    templates (HCL template syntax): a directive is not an error, and a `for` directive's
    variable must not be read as a resource type."""
    root = write_tree({
        "main.tf": '''
            variable "arns" { default = ["arn:aws:s3:::a", "arn:aws:s3:::b"] }
            variable "on" { default = true }
            resource "aws_iam_policy" "p" {
              policy = templatefile("${path.module}/policy.json.tpl", { arns = var.arns })
              description = "%{ if var.on }enabled%{ else }disabled%{ endif }"
              name = <<-EOT
                %{~ for i, a in var.arns ~}
                ${i}:${a}
                %{~ endfor ~}
              EOT
            }
        ''',
        "policy.json.tpl": (
            '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",\n'
            ' "Resource": [\n'
            '%{ for i, arn in arns ~}\n'
            '  "${arn}/*"%{ if i < length(arns) - 1 },%{ endif }\n'
            '%{ endfor ~}\n'
            ']}]}\n'),
    })
    values = _res(load_project([root]), "aws_iam_policy.p").values
    resources = json.loads(values["policy"])["Statement"][0]["Resource"]
    assert resources == ["arn:aws:s3:::a/*", "arn:aws:s3:::b/*"]
    assert values["description"] == "enabled"
    assert values["name"] == "0:arn:aws:s3:::a1:arn:aws:s3:::b"


def test_unclosed_template_directive_is_a_file_error(write_tree):
    root = write_tree({"main.tf": '''
        resource "aws_iam_policy" "p" {
          policy = <<EOT
        %{ if true }
        EOT
        }
    '''})
    project = load_project([root])
    assert [e.path for e in project.errors] == ["main.tf"]
    assert "never closed" in project.errors[0].message


def test_equality_known_from_shape_before_elements_are_known(write_tree):
    """`var.projects == []` with two unknown project ids is false: lists of different lengths
    differ whatever their elements are (cty's Equals); same-length lists with an unknown
    element stay unknown."""
    root = write_tree({"main.tf": '''
        variable "one" {}
        variable "two" {}
        locals {
          projects = [var.one, var.two]
          entities = local.projects == [] ? ["default"] : local.projects
        }
        resource "google_project_iam_member" "m" {
          project = local.entities[1]
          role    = "roles/viewer"
          member  = jsonencode({
            empty_list = local.projects == []
            other_keys = { a = var.one } != { b = var.one }
            same_shape = local.projects == ["x", "y"]
          })
        }
    '''})
    values = _res(load_project([root]), "google_project_iam_member.m").values
    assert isinstance(values["project"], Unknown) and "var.two" in str(values["project"])
    member = str(values["member"])
    assert member.startswith('{"empty_list":false,"other_keys":true,"same_shape":') and "true}" not in member


def test_computed_attribute_of_a_nested_block_is_a_reference(write_tree):
    """`aws_eks_cluster.c[0].vpc_config[0].cluster_security_group_id` is computed by the
    provider inside a block the code writes: a Ref to it, not a failed lookup."""
    root = write_tree({"main.tf": '''
        resource "aws_eks_cluster" "c" {
          count = 1
          name  = "c"
          vpc_config { subnet_ids = ["s-1"] }
        }
        resource "aws_ec2_tag" "t" {
          resource_id = aws_eks_cluster.c[0].vpc_config[0].cluster_security_group_id
          key         = aws_eks_cluster.c[0].vpc_config[0].subnet_ids[0]
          value       = try(aws_eks_cluster.c[0].vpc_config[1].subnet_ids, "none")
        }
    '''})
    values = _res(load_project([root]), "aws_ec2_tag.t").values
    assert values["resource_id"] == Ref(address="aws_eks_cluster.c[0]",
                                        attribute="vpc_config[0].cluster_security_group_id")
    assert values["key"] == "s-1"
    assert values["value"] == "none"
