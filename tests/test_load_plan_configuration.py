"""A plan is judged on its own configuration: `sod-iac scan plan.json` reads the `.tf` files of the
root module's folder and of the local module calls the plan's `configuration` names (nested calls
too: configuration.root_module.module_calls.NAME.source, then NAME.module.module_calls), for line
numbers and backends; nothing else under the plan's folder or the repository root."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from sod_iac.load import load_project
from sod_iac.pipeline.scan import ScanOptions, exit_code, run_scan

PARITY = Path(__file__).resolve().parent / "fixtures" / "parity"
BROKEN = 'resource "aws_iam_role" "x" {\n  name = \n'


def _parity_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "repo"
    shutil.copytree(PARITY, folder)
    return folder


def _where(project, address):
    location = project.resource(address).location
    return (location.path, location.start_line) if location else None


def test_a_broken_unrelated_module_beside_a_plan_is_not_read(tmp_path):
    """A `modules/x/broken.tf` that the plan's configuration never calls made the plan scan
    exit 2: it is no part of what the plan applies."""
    folder = _parity_copy(tmp_path)
    (folder / "modules" / "x").mkdir(parents=True)
    (folder / "modules" / "x" / "broken.tf").write_text(BROKEN, encoding="utf-8")
    for repo_root in (None, folder):
        report = run_scan([folder / "plan.json"], ScanOptions(repo_root=repo_root, jobs=1))
        assert report.errors == []
        assert exit_code(report) != 2
    project = load_project([folder / "plan.json"], repo_root=folder)
    assert "modules/x/broken.tf" not in project.files
    assert _where(project, "aws_iam_role.app[1]") == ("main.tf", 6)
    assert _where(project, "module.kms.aws_kms_alias.a") == ("kms/main.tf", 7)  # a called module


def test_a_plan_in_a_repository_root_does_not_parse_the_whole_repository(tmp_path):
    folder = _parity_copy(tmp_path)
    (folder / "legacy" / "old").mkdir(parents=True)
    (folder / "legacy" / "old" / "main.tf").write_text(BROKEN, encoding="utf-8")
    (folder / "other-stack").mkdir()
    (folder / "other-stack" / "main.tf").write_text('resource "aws_iam_user" "u" {\n  name = "u"\n}\n')
    project = load_project([folder / "plan.json"], repo_root=folder)
    assert project.errors == []
    assert sorted(project.files) == ["kms/main.tf", "main.tf", "plan.json"]


def test_with_repo_root_a_plan_kept_apart_from_the_code_uses_the_root_as_its_root_module(tmp_path):
    """`sod-iac scan plans/prod.json --repo-root .`: the plan's folder holds no code, so the root
    module is the --repo-root folder (its own files, and the modules the configuration calls)."""
    folder = _parity_copy(tmp_path)
    (folder / "plans").mkdir()
    (folder / "plan.json").rename(folder / "plans" / "prod.json")
    project = load_project([folder / "plans" / "prod.json"], repo_root=folder)
    assert project.errors == []
    assert _where(project, "aws_iam_role.app[1]") == ("main.tf", 6)
    assert _where(project, "module.kms.aws_kms_alias.a") == ("kms/main.tf", 7)


def _role(name: str, address: str) -> dict:
    return {"address": address, "mode": "managed", "type": "aws_iam_role", "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": {"name": name}}


def _config_role(name: str) -> dict:
    return {"address": f"aws_iam_role.{name}", "mode": "managed", "type": "aws_iam_role", "name": name,
            "provider_config_key": "aws", "expressions": {"name": {"constant_value": name}}, "schema_version": 0}


NESTED_PLAN = {
    "format_version": "1.2", "terraform_version": "1.9.0",
    "planned_values": {"root_module": {"child_modules": [{
        "address": "module.iam", "resources": [_role("r", "module.iam.aws_iam_role.r")],
        "child_modules": [{"address": "module.iam.module.inner",
                           "resources": [_role("x", "module.iam.module.inner.aws_iam_role.x")]}]}]}},
    "configuration": {"root_module": {"module_calls": {
        "iam": {"source": "../../modules/iam", "module": {
            "resources": [_config_role("r")],
            "module_calls": {"inner": {"source": "./inner", "module": {"resources": [_config_role("x")]}}}}},
        "remote": {"source": "terraform-aws-modules/iam/aws", "version": "5.0.0", "module": {}}}}},
}


def test_nested_local_modules_of_the_configuration_are_mapped_to_their_lines(write_tree):
    root = write_tree({
        "envs/prod/main.tf": 'module "iam" {\n  source = "../../modules/iam"\n}\n'
                             'module "remote" {\n  source  = "terraform-aws-modules/iam/aws"\n  version = "5.0.0"\n}\n',
        "envs/prod/plan.json": json.dumps(NESTED_PLAN),
        "envs/prod/scratch/broken.tf": BROKEN,
        "modules/iam/main.tf": 'resource "aws_iam_role" "r" {\n  name = "r"\n}\nmodule "inner" {\n  source = "./inner"\n}\n',
        "modules/iam/inner/main.tf": '# inner\nresource "aws_iam_role" "x" {\n  name = "x"\n}\n',
        "modules/unused/main.tf": BROKEN,
    })
    project = load_project([root / "envs" / "prod" / "plan.json"], repo_root=root)
    assert project.errors == []
    assert {r.source for r in project.resources} == {"plan"}
    assert _where(project, "module.iam.aws_iam_role.r") == ("modules/iam/main.tf", 1)
    assert _where(project, "module.iam.module.inner.aws_iam_role.x") == ("modules/iam/inner/main.tf", 2)


TESTDATA = Path(__file__).resolve().parent.parent / "testdata"


def test_a_plan_found_in_one_folder_does_not_hide_the_other_roots(tmp_path):
    """Scanning a tree where one root module keeps a plan beside its code: that plan replaces
    its own root's HCL (it is what will be applied there), and every other root is still judged
    from its HCL. It used to replace the whole tree's HCL, so a monorepo with one plan file lost
    every other root's findings without a word (a silent pass)."""
    shutil.copytree(TESTDATA / "secrets" / "aws-group-reader", tmp_path / "with-plan")
    shutil.copytree(TESTDATA / "duties" / "sod101-aws-key-policy", tmp_path / "hcl-only")
    report = run_scan([tmp_path], ScanOptions(jobs=1))
    found = {(f.rule_id, f.resource, f.location.path.split("/")[0] if f.location else None)
             for f in report.findings}
    # hcl-only: the key policy makes aws_iam_role.ops both key admin and key user (its expected.json)
    assert ("SOD101", "aws_iam_role.ops", "hcl-only") in found
    # with-plan: the secret has two readers, the group and the app role (its expected.json)
    assert ("SOD301", "aws_secretsmanager_secret.db", "with-plan") in found
    project = load_project([tmp_path])
    roots = {r.root for r in project.resources}
    assert roots == {"hcl-only", "with-plan/plan.json"}  # the plan's root replaced by the plan, only it


def test_a_plan_is_mapped_back_to_its_own_roots_lines_only(tmp_path):
    """Two roots reuse an address; the plan of one of them must take that root's lines, not
    the namesake's in the other root."""
    shutil.copytree(TESTDATA / "secrets" / "aws-group-reader", tmp_path / "a-with-plan")
    (tmp_path / "z-other").mkdir()
    source = (TESTDATA / "secrets" / "aws-group-reader" / "main.tf").read_text(encoding="utf-8")
    (tmp_path / "z-other" / "main.tf").write_text("\n" * 40 + source, encoding="utf-8")
    project = load_project([tmp_path])
    planned = [r for r in project.resources if r.root == "a-with-plan/plan.json" and r.location]
    assert planned
    assert all(r.location.path.startswith("a-with-plan/") for r in planned)
