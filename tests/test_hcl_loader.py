"""HCL loader: addresses, locations, evaluation and module expansion as Terraform defines them.

Expected values are worked out by hand from Terraform's documentation (expressions,
count/for_each, modules, input variable precedence), not copied from our output.
"""

from __future__ import annotations

import json

from sod_iac.core.values import Ref, Template, Unknown, decode_json
from sod_iac.load import load_project


def _res(project, address):
    found = project.resource(address)
    assert found is not None, f"{address} not in {[r.address for r in project.resources]}"
    return found


def test_addresses_for_count_for_each_and_modules(write_tree):
    root = write_tree({
        "main.tf": '''
            resource "aws_iam_role" "single" { name = "single" }
            resource "aws_iam_role" "counted" {
              count = 2
              name  = "c-${count.index}"
            }
            resource "aws_iam_role" "keyed" {
              for_each = toset(["b", "a"])
              name     = "k-${each.key}"
            }
            resource "aws_iam_role" "mapped" {
              for_each = { dev = "d", prod = "p" }
              name     = each.value
            }
            data "aws_caller_identity" "me" {}
            module "team" {
              source = "./modules/team"
              name   = "ops"
            }
        ''',
        "modules/team/main.tf": '''
            variable "name" {}
            resource "aws_iam_role" "this" { name = var.name }
            module "inner" {
              source = "../inner"
              prefix = var.name
            }
        ''',
        "modules/inner/main.tf": '''
            variable "prefix" {}
            resource "aws_iam_user" "u" { name = "${var.prefix}-user" }
        ''',
    })
    project = load_project([root])
    addresses = sorted(r.address for r in project.resources)
    assert addresses == sorted([
        "aws_iam_role.single",
        "aws_iam_role.counted[0]", "aws_iam_role.counted[1]",
        'aws_iam_role.keyed["a"]', 'aws_iam_role.keyed["b"]',
        'aws_iam_role.mapped["dev"]', 'aws_iam_role.mapped["prod"]',
        "data.aws_caller_identity.me",
        "module.team.aws_iam_role.this",
        "module.team.module.inner.aws_iam_user.u",
    ])
    assert _res(project, "aws_iam_role.counted[1]").values["name"] == "c-1"
    assert _res(project, 'aws_iam_role.keyed["a"]').values["name"] == "k-a"
    assert _res(project, 'aws_iam_role.mapped["prod"]').values["name"] == "p"
    assert _res(project, "module.team.aws_iam_role.this").values["name"] == "ops"
    inner = _res(project, "module.team.module.inner.aws_iam_user.u")
    assert inner.values["name"] == "ops-user"
    assert inner.module == "module.team.module.inner"
    assert inner.location.path == "modules/inner/main.tf"
    assert _res(project, "data.aws_caller_identity.me").mode == "data"
    assert project.errors == []


def test_count_zero_removes_and_unknown_count_keeps_one_possible_instance(write_tree):
    root = write_tree({"main.tf": '''
        variable "create" {}
        resource "aws_iam_role" "off" {
          count = 0
          name  = "off"
        }
        resource "aws_iam_role" "maybe" {
          count = var.create ? 1 : 0
          name  = "maybe"
        }
    '''})
    project = load_project([root])
    assert [r.address for r in project.resources] == ["aws_iam_role.maybe"]


def test_locations_are_one_based_block_spans(write_tree):
    root = write_tree({"iam.tf": '''
        # a comment on line 1
        resource "aws_iam_role" "a" {
          name = "a"
        }

        resource "aws_iam_policy" "p" {
          policy = <<-EOT
            {"Version": "2012-10-17", "Statement": []}
          EOT
        }
    '''})
    project = load_project([root])
    role = _res(project, "aws_iam_role.a").location
    assert (role.path, role.start_line, role.end_line) == ("iam.tf", 2, 4)
    policy = _res(project, "aws_iam_policy.p").location
    assert (policy.start_line, policy.end_line) == (6, 10)


def test_variable_precedence_default_tfvars_auto_tfvars_var_file(write_tree, tmp_path):
    # Terraform: defaults < terraform.tfvars < *.auto.tfvars (lexical order) < -var-file
    root = write_tree({
        "main.tf": '''
            variable "a" { default = "default" }
            variable "b" { default = "default" }
            variable "c" { default = "default" }
            variable "d" { default = "default" }
            resource "aws_iam_role" "r" {
              name = join(",", [var.a, var.b, var.c, var.d])
            }
        ''',
        "terraform.tfvars": 'b = "tfvars"\nc = "tfvars"\nd = "tfvars"\n',
        "a.auto.tfvars": 'c = "auto-a"\nd = "auto-a"\n',
        "b.auto.tfvars.json": '{"d": "auto-b"}',
    })
    project = load_project([root])
    assert _res(project, "aws_iam_role.r").values["name"] == "default,tfvars,auto-a,auto-b"
    extra = tmp_path / "prod.tfvars"
    extra.write_text('a = "var-file"\nd = "var-file"\n')
    project = load_project([root], var_files=[extra])
    assert _res(project, "aws_iam_role.r").values["name"] == "var-file,tfvars,auto-a,var-file"


def test_unknowns_are_explicit_never_empty(write_tree):
    root = write_tree({"main.tf": '''
        variable "no_default" {}
        resource "aws_s3_bucket" "b" { bucket = "b" }
        resource "aws_iam_policy" "p" {
          name        = var.no_default
          description = "bucket ${aws_s3_bucket.b.arn}/*"
          path        = aws_s3_bucket.b.bucket
          policy      = aws_s3_bucket.b.arn
        }
    '''})
    project = load_project([root])
    values = _res(project, "aws_iam_policy.p").values
    assert isinstance(values["name"], Unknown) and not isinstance(values["name"], Ref)
    assert values["policy"] == Ref(address="aws_s3_bucket.b", attribute="arn")
    assert isinstance(values["description"], Template)
    assert values["description"].parts[0] == "bucket " and values["description"].parts[2] == "/*"
    assert values["path"] == "b"  # an argument the code sets is known
    refs = _res(project, "aws_iam_policy.p").references
    assert refs["policy"] == ["aws_s3_bucket.b"] and refs["path"] == ["aws_s3_bucket.b"]


def test_jsonencode_heredocs_and_file_functions(write_tree):
    root = write_tree({
        "main.tf": '''
            locals { bucket = "state" }
            resource "aws_iam_policy" "encoded" {
              policy = jsonencode({
                Version   = "2012-10-17"
                Statement = [{ Effect = "Allow", Action = ["s3:GetObject"],
                               Resource = "arn:aws:s3:::${local.bucket}/*" }]
              })
            }
            resource "aws_iam_policy" "heredoc" {
              policy = <<EOT
            {"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::${local.bucket}"}]}
            EOT
            }
            resource "aws_iam_policy" "indented" {
              policy = <<-EOT
                {
                  "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}]
                }
              EOT
            }
            resource "aws_iam_policy" "from_file" {
              policy = file("${path.module}/policies/read.json")
            }
            resource "aws_iam_policy" "from_template" {
              policy = templatefile("${path.module}/policies/tpl.json", { bucket = local.bucket })
            }
            resource "aws_iam_policy" "outside" {
              policy = file("/etc/passwd")
            }
        ''',
        "policies/read.json": '{"Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}',
        "policies/tpl.json": '{"Resource": "arn:aws:s3:::${bucket}/*"}',
    })
    project = load_project([root])

    def policy(name):
        return json.loads(_res(project, f"aws_iam_policy.{name}").values["policy"])

    assert policy("encoded") == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::state/*"}]}
    assert policy("heredoc")["Statement"][0]["Resource"] == "arn:aws:s3:::state"
    assert policy("indented")["Statement"][0]["Action"] == "kms:Decrypt"
    assert policy("from_file")["Statement"][0]["Action"] == "s3:ListBucket"
    assert policy("from_template") == {"Resource": "arn:aws:s3:::state/*"}
    # reading outside the scanned tree is refused: the value stays unknown
    assert isinstance(_res(project, "aws_iam_policy.outside").values["policy"], Unknown)


def test_jsonencode_keeps_references_as_unknown_parts(write_tree):
    root = write_tree({"main.tf": '''
        resource "aws_s3_bucket" "state" { bucket = "state" }
        resource "aws_iam_policy" "p" {
          policy = jsonencode({
            Statement = [{ Effect = "Allow", Action = "s3:PutObject",
                           Resource = ["${aws_s3_bucket.state.arn}/*", aws_s3_bucket.state.arn] }]
          })
        }
    '''})
    project = load_project([root])
    document = decode_json(_res(project, "aws_iam_policy.p").values["policy"])
    first, second = document["Statement"][0]["Resource"]
    assert second == Ref(address="aws_s3_bucket.state", attribute="arn")
    assert isinstance(first, Template) and first.parts[1] == "/*"


def test_for_expressions_conditionals_and_collection_functions(write_tree):
    root = write_tree({"main.tf": '''
        variable "teams" {
          default = { ops = ["alice", "bob"], dev = ["carol"] }
        }
        variable "prod" { default = true }
        locals {
          members = flatten([for team, people in var.teams : [for p in people : "${team}/${p}"]])
          upper   = { for team, people in var.teams : upper(team) => length(people) if team != "dev" }
          tags    = merge({ a = "1" }, { b = "2" }, { a = "3" })
        }
        resource "aws_iam_group" "g" {
          name = var.prod ? "prod-admins" : "dev-admins"
          path = lookup(local.tags, "a", "none")
        }
        resource "aws_iam_group_membership" "m" {
          name  = "m"
          users = local.members
          group = format("%s-%d", "ops", local.upper["OPS"])
        }
    '''})
    project = load_project([root])
    group = _res(project, "aws_iam_group.g").values
    assert group == {"name": "prod-admins", "path": "3"}
    membership = _res(project, "aws_iam_group_membership.m").values
    # maps iterate in lexical key order in Terraform: dev before ops
    assert membership["users"] == ["dev/carol", "ops/alice", "ops/bob"]
    assert membership["group"] == "ops-2"


def test_dynamic_blocks_and_policy_document_rendering(write_tree):
    root = write_tree({"main.tf": '''
        variable "readers" { default = ["arn:aws:iam::111111111111:role/a", "arn:aws:iam::111111111111:role/b"] }
        data "aws_iam_policy_document" "doc" {
          statement {
            sid       = "Read"
            actions   = ["s3:GetObject"]
            resources = ["arn:aws:s3:::b/*"]
            principals {
              type        = "AWS"
              identifiers = var.readers
            }
          }
          dynamic "statement" {
            for_each = { put = "s3:PutObject", del = "s3:DeleteObject" }
            content {
              sid       = statement.key
              actions   = [statement.value]
              resources = ["*"]
            }
          }
        }
        resource "aws_s3_bucket_policy" "p" {
          bucket = "b"
          policy = data.aws_iam_policy_document.doc.json
        }
    '''})
    project = load_project([root])
    doc = _res(project, "data.aws_iam_policy_document.doc")
    assert [s["sid"] for s in doc.values["statement"]] == ["Read", "del", "put"]
    policy = json.loads(_res(project, "aws_s3_bucket_policy.p").values["policy"])
    sids = [s["Sid"] for s in policy["Statement"]]
    assert sids == ["Read", "del", "put"]
    read = policy["Statement"][0]
    assert sorted(read["Principal"]["AWS"]) == sorted([
        "arn:aws:iam::111111111111:role/a", "arn:aws:iam::111111111111:role/b"])
    assert _res(project, "aws_s3_bucket_policy.p").references["policy"] == [
        "data.aws_iam_policy_document.doc"]


def test_module_outputs_and_inputs_flow_across_modules(write_tree):
    root = write_tree({
        "main.tf": '''
            module "roles" {
              source = "./roles"
              names  = ["a", "b"]
            }
            resource "aws_iam_role_policy_attachment" "x" {
              role       = module.roles.first_name
              policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
            }
        ''',
        "roles/main.tf": '''
            variable "names" { type = list(string) }
            resource "aws_iam_role" "r" {
              count = length(var.names)
              name  = var.names[count.index]
            }
            output "first_name" { value = aws_iam_role.r[0].name }
        ''',
    })
    project = load_project([root])
    assert _res(project, "module.roles.aws_iam_role.r[1]").values["name"] == "b"
    assert _res(project, "aws_iam_role_policy_attachment.x").values["role"] == "a"
    assert _res(project, "aws_iam_role_policy_attachment.x").references["role"] == ["module.roles"]


def test_remote_modules_are_listed_never_fetched(write_tree):
    root = write_tree({"main.tf": '''
        module "vpc" {
          source  = "terraform-aws-modules/vpc/aws"
          version = "5.0.0"
        }
        module "git" { source = "git::https://example.com/x.git" }
    '''})
    project = load_project([root])
    skipped = {(m.address, m.source) for m in project.skipped_modules}
    assert skipped == {("module.vpc", "terraform-aws-modules/vpc/aws"),
                       ("module.git", "git::https://example.com/x.git")}
    assert project.errors == []


def test_roots_and_called_modules(write_tree):
    # envs/prod and envs/dev both call modules/iam: modules/iam is not a root of its own
    root = write_tree({
        "envs/prod/main.tf": 'module "iam" {\n  source = "../../modules/iam"\n  env = "prod"\n}\n',
        "envs/dev/main.tf": 'module "iam" {\n  source = "../../modules/iam"\n  env = "dev"\n}\n',
        "modules/iam/main.tf": 'variable "env" {}\nresource "aws_iam_role" "r" { name = "${var.env}-r" }\n',
    })
    project = load_project([root])
    names = sorted(r.values["name"] for r in project.resources)
    assert names == ["dev-r", "prod-r"]
    assert all(r.address == "module.iam.aws_iam_role.r" for r in project.resources)


def test_skips_terraform_git_and_hidden_folders(write_tree):
    root = write_tree({
        "main.tf": 'resource "aws_iam_role" "kept" { name = "k" }\n',
        ".terraform/modules/x/main.tf": 'resource "aws_iam_role" "cached" { name = "c" }\n',
        ".git/x.tf": 'resource "aws_iam_role" "git" { name = "g" }\n',
        ".hidden/main.tf": 'resource "aws_iam_role" "hidden" { name = "h" }\n',
    })
    project = load_project([root])
    assert [r.address for r in project.resources] == ["aws_iam_role.kept"]
    assert project.files == ["main.tf"]


def test_backends_are_read_from_root_modules(write_tree):
    root = write_tree({"main.tf": '''
        terraform {
          backend "s3" {
            bucket       = "acme-state"
            key          = "prod/terraform.tfstate"
            use_lockfile = true
          }
        }
    '''})
    project = load_project([root])
    (backend,) = project.backends
    assert backend.address == "terraform.backend.s3"
    assert backend.config == {"bucket": "acme-state", "key": "prod/terraform.tfstate", "use_lockfile": True}
    assert (backend.location.start_line, backend.location.end_line) == (2, 6)


def test_tf_json_files(write_tree):
    root = write_tree({"main.tf.json": json.dumps({
        "variable": {"env": {"default": "prod"}},
        "resource": {"aws_iam_role": {"app": {"name": "app-${var.env}"}}},
    }, indent=2)})
    project = load_project([root])
    role = _res(project, "aws_iam_role.app")
    assert role.values["name"] == "app-prod"
    assert role.location.path == "main.tf.json" and role.location.start_line > 1


def test_single_file_scan(write_tree):
    root = write_tree({"a.tf": 'resource "aws_iam_role" "a" { name = "a" }\n',
                       "b.tf": 'resource "aws_iam_role" "b" { name = "b" }\n'})
    project = load_project([root / "a.tf"])
    assert [r.address for r in project.resources] == ["aws_iam_role.a"]
    assert project.files == ["a.tf"]


def test_meta_argument_names_inside_nested_blocks_are_provider_arguments(write_tree):
    # count/provider/version are meta-arguments of the resource block only (Terraform docs);
    # inside a nested block they are ordinary arguments, e.g. a CodePipeline action's provider.
    root = write_tree({"main.tf": '''
        resource "aws_codepipeline" "p" {
          name = "p"
          count = 1
          stage {
            name = "Approve"
            action {
              name     = "Approval"
              category = "Approval"
              owner    = "AWS"
              provider = "Manual"
              version  = "1"
            }
          }
          lifecycle { ignore_changes = [tags] }
        }
    '''})
    values = _res(load_project([root]), "aws_codepipeline.p[0]").values
    assert "count" not in values and "lifecycle" not in values
    assert values["stage"][0]["action"][0]["provider"] == "Manual"
    assert values["stage"][0]["action"][0]["version"] == "1"


def test_roots_that_reuse_addresses_are_judged_apart(write_tree):
    # envs/prod and envs/dev are separate Terraform configurations: each has its own
    # module.iam.aws_iam_role.ci. prod's role can rewrite its own policy; dev's cannot.
    # Judged together they would merge into one principal; judged apart, only prod's fires.
    from sod_iac.pipeline.scan import run_scan

    module = '''
        variable "env" {}
        variable "escalate" { default = false }
        resource "aws_iam_role" "ci" {
          name               = "${var.env}-ci"
          assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "ec2.amazonaws.com"}}]})
        }
        resource "aws_iam_role_policy" "ci" {
          role   = aws_iam_role.ci.id
          policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",
            Action = var.escalate ? "iam:PutRolePolicy" : "s3:GetObject", Resource = "*"}]})
        }
    '''
    root = write_tree({
        "envs/prod/main.tf": 'module "iam" {\n  source = "../../modules/iam"\n  env = "prod"\n  escalate = true\n}\n',
        "envs/dev/main.tf": 'module "iam" {\n  source = "../../modules/iam"\n  env = "dev"\n}\n',
        "modules/iam/main.tf": module,
    })
    project = load_project([root])
    assert sorted(r.root for r in project.resources if r.type == "aws_iam_role") == ["envs/dev", "envs/prod"]
    report = run_scan([root])
    sod110 = [f for f in report.findings if f.rule_id == "SOD110"]
    assert [f.resource for f in sod110] == ["module.iam.aws_iam_role.ci"]
    assert report.summary.principals == 2
