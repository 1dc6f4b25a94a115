"""Fail secure: every bad input gives one clear error naming the file (and line), the other
files are still analysed, the scan exits 2, and no traceback reaches the user."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from sod_iac.load import load_project

GOOD = 'resource "aws_iam_role" "good" {\n  name = "good"\n}\n'


def _errors(project):
    return {e.path: e.message for e in project.errors}


def _assert_good_still_loaded(project):
    assert project.resource("aws_iam_role.good") is not None


def _only_error(write_tree, broken: str):
    """The one error of a tree holding a good file and `broken.tf` (the good one still loads)."""
    project = load_project([write_tree({"good.tf": GOOD, "broken.tf": broken})])
    _assert_good_still_loaded(project)
    (error,) = project.errors
    assert error.path == "broken.tf"
    return error


def test_broken_hcl_names_file_and_line(write_tree):
    root = write_tree({"good.tf": GOOD, "broken.tf": 'resource "aws_iam_role" "x" {\n  name = "x"\n  }\n}\n'})
    project = load_project([root])
    _assert_good_still_loaded(project)
    message = _errors(project)["broken.tf"]
    assert message.startswith("line 4:"), message
    assert "\n" not in message


def test_unclosed_block_reports_end_of_file(write_tree):
    root = write_tree({"good.tf": GOOD, "open.tf": 'resource "aws_iam_role" "x" {\n  name = "x"\n'})
    project = load_project([root])
    _assert_good_still_loaded(project)
    assert "end of file" in _errors(project)["open.tf"]


def test_unterminated_heredoc_names_the_line_where_it_opens(write_tree):
    # Terraform: a heredoc runs until a line holding only its marker; without one, the rest of
    # the file is its text. The reader needs the line of `<<EOF`, not the swallowed text.
    broken = 'resource "aws_iam_role" "x" {\n  name = "x"\n  assume_role_policy = <<EOF\n{}\n}\n'
    error = _only_error(write_tree, broken)
    assert error.message == "line 3: unterminated heredoc <<EOF: no line EOF closes it"
    assert error.line == 3


def test_unexpected_brace_is_reported_on_its_own_line(write_tree):
    # `x.` wants an attribute name; the `}` on line 3 is where parsing cannot go on. The lexer
    # hands it over with the line break before it, which must not move the report to line 2.
    error = _only_error(write_tree, 'locals {\n  a = var.\n}\n')
    assert error.message == "line 3: unexpected '}'"
    assert error.line == 3


def test_binary_file_named_tf(write_tree):
    root = write_tree({"good.tf": GOOD, "blob.tf": b"\x7fELF\x00\x01\x02\x03" * 64})
    project = load_project([root])
    _assert_good_still_loaded(project)
    assert "binary" in _errors(project)["blob.tf"]


def test_non_utf8_text_names_the_line(write_tree):
    root = write_tree({"good.tf": GOOD, "latin1.tf": 'resource "aws_iam_role" "x" {\n  name = "caf\xe9"\n}\n'.encode("latin-1")})
    project = load_project([root])
    _assert_good_still_loaded(project)
    message = _errors(project)["latin1.tf"]
    assert message.startswith("line 2:") and "UTF-8" in message


def test_empty_tf_file_is_valid_terraform(write_tree):
    # Terraform accepts an empty .tf file: it declares nothing. Not an error.
    root = write_tree({"good.tf": GOOD, "empty.tf": ""})
    project = load_project([root])
    _assert_good_still_loaded(project)
    assert project.errors == []
    assert "empty.tf" in project.files


def test_empty_plan_file_is_an_error(write_tree):
    root = write_tree({"good.tf": GOOD, "plan.json": ""})
    project = load_project([root, root / "plan.json"])
    assert "empty" in _errors(project)["plan.json"]


def test_truncated_plan_json(write_tree):
    plan = json.dumps({"format_version": "1.2", "planned_values": {"root_module": {"resources": []}}})
    root = write_tree({"good.tf": GOOD, "plan.json": plan[: len(plan) // 2]})
    project = load_project([root / "good.tf", root / "plan.json"])
    message = _errors(project)["plan.json"]
    assert message.startswith("line 1:") and "truncated" in message
    _assert_good_still_loaded(project)


def test_deeply_nested_plan_json(write_tree):
    nested = "[" * 5000 + "]" * 5000
    text = '{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"values": {"x": ' \
        + nested + '}}]}}}'
    root = write_tree({"good.tf": GOOD, "plan.json": text})
    project = load_project([root / "good.tf", root / "plan.json"])
    assert "nested" in _errors(project)["plan.json"]
    _assert_good_still_loaded(project)


def test_deeply_nested_hcl(write_tree):
    root = write_tree({"good.tf": GOOD, "deep.tf": "locals {\n  x = " + "[" * 3000 + "]" * 3000 + "\n}\n"})
    project = load_project([root])
    _assert_good_still_loaded(project)
    assert "nested" in _errors(project)["deep.tf"]


def test_file_over_the_size_cap(write_tree):
    big = "# padding\n" * 2000
    root = write_tree({"good.tf": GOOD, "big.tf": big})
    project = load_project([root], max_file_size=10_000)
    _assert_good_still_loaded(project)
    assert "limit" in _errors(project)["big.tf"]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
def test_symlink_loop(write_tree):
    root = write_tree({"good.tf": GOOD})
    (root / "loop").mkdir()
    os.symlink("..", root / "loop" / "back")
    os.symlink("self.tf", root / "self.tf")
    project = load_project([root])
    _assert_good_still_loaded(project)
    errors = _errors(project)
    assert any("loop" in message for message in errors.values()), errors
    assert len(project.resources) == 1  # the loop did not read good.tf twice


def test_json_that_is_not_a_plan_given_explicitly(write_tree):
    root = write_tree({"good.tf": GOOD, "other.json": '{"name": "package"}'})
    project = load_project([root / "good.tf", root / "other.json"])
    assert "not a Terraform plan" in _errors(project)["other.json"]


def test_unrelated_json_in_a_folder_is_ignored(write_tree):
    root = write_tree({"good.tf": GOOD, "package.json": '{"name": "x"}'})
    project = load_project([root])
    assert project.errors == []


def test_cli_exit_code_2_and_no_traceback(write_tree):
    root = write_tree({"good.tf": GOOD, "broken.tf": "resource {{{\n", "blob.tf": b"\x00\x01"})
    result = subprocess.run([sys.executable, "-m", "sod_iac", "scan", str(root), "--format", "json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    report = json.loads(result.stdout)
    assert {e["path"] for e in report["errors"]} == {"broken.tf", "blob.tf"}
    assert report["summary"]["resources"] == 1


ROLE = 'resource "aws_iam_role" "ci" {\n  name = "%s"\n}\n'


def test_an_address_declared_twice_in_one_module_is_an_error_naming_both(write_tree):
    """Terraform rejects a module that declares `aws_iam_role.ci` twice ("Duplicate resource
    configuration"); the loader merged them silently (the second replaced the first). Now: an error
    at the second naming both file:line places; the first is kept, the rest still analysed."""
    root = write_tree({"a.tf": ROLE % "first", "b.tf": GOOD + "\n" + ROLE % "second",
                       "c.tf": 'data "aws_iam_policy_document" "d" {}\ndata "aws_iam_policy_document" "d" {}\n'})
    project = load_project([root])
    _assert_good_still_loaded(project)
    assert [(e.path, e.line) for e in project.errors] == [("b.tf", 5), ("c.tf", 2)]
    assert "a.tf:1" in project.errors[0].message and "b.tf:5" in project.errors[0].message
    assert "c.tf:1" in project.errors[1].message and "c.tf:2" in project.errors[1].message
    assert project.resource("aws_iam_role.ci").values["name"] == "first"


def test_a_duplicate_in_a_called_module_is_reported_once(write_tree):
    root = write_tree({
        "main.tf": 'module "a" {\n  source = "./mod"\n}\nmodule "b" {\n  source = "./mod"\n}\n',
        "mod/one.tf": ROLE % "one", "mod/two.tf": ROLE % "two"})
    project = load_project([root])
    assert [(e.path, e.line) for e in project.errors] == [("mod/two.tf", 1)]
    assert "mod/one.tf:1" in project.errors[0].message
    assert {r.address for r in project.resources} == {"module.a.aws_iam_role.ci", "module.b.aws_iam_role.ci"}


def test_the_same_address_in_different_modules_is_no_error(write_tree):
    root = write_tree({"envs/prod/main.tf": ROLE % "prod", "envs/dev/main.tf": ROLE % "dev",
                       "main.tf": ROLE % "root" + 'module "m" {\n  source = "./mod"\n}\n', "mod/main.tf": ROLE % "m"})
    assert load_project([root]).errors == []


@pytest.mark.parametrize("name", ["override.tf", "a_override.tf", "z_override.tf.json"])
def test_an_override_file_replaces_without_an_error(write_tree, name):
    """Terraform's override files (`override.tf`, `*_override.tf`) redeclare a block on purpose,
    and are applied after the primary files whatever their names."""
    override = ('{"resource": {"aws_iam_role": {"ci": {"name": "overridden"}}}}' if name.endswith(".json")
                else ROLE % "overridden")
    root = write_tree({"main.tf": ROLE % "primary", name: override})
    project = load_project([root])
    assert project.errors == []
    assert project.resource("aws_iam_role.ci").values["name"] == "overridden"


def test_cli_exit_code_2_for_a_duplicate_address(write_tree):
    root = write_tree({"a.tf": ROLE % "first", "b.tf": ROLE % "second"})
    result = subprocess.run([sys.executable, "-m", "sod_iac", "scan", str(root), "--format", "json"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert [(e["path"], e["line"]) for e in json.loads(result.stdout)["errors"]] == [("b.tf", 1)]
