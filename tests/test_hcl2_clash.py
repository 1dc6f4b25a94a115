"""`sod-iac scan` where the `hcl2` module is Checkov's bc-python-hcl2 (issue 21).

Installing sod-iac into Checkov's environment, as README's Checkov section allows for the
checks, gives the CLI there a `hcl2` without python-hcl2's `parses_to_tree`. Every HCL file
then fails for the same reason, which is the environment's: one error line says so and what
to do, not one AttributeError per file; plan JSON needs no HCL parser and is still analysed;
exit 2. Here the clash is simulated (a module without `parses_to_tree`, owned by
bc-python-hcl2); test_checkov.py runs the real one in Checkov's environment.
"""

from __future__ import annotations

import importlib.metadata
import json
import types

import pytest
from click.testing import CliRunner
from scenarios import TESTDATA

import sod_iac.load.hcl as hcl
from sod_iac.cli import cli


@pytest.fixture
def checkovs_hcl2(monkeypatch: pytest.MonkeyPatch) -> str:
    """bc-python-hcl2's face: `hcl2.loads` and friends, no `parses_to_tree`."""
    fake = types.SimpleNamespace(loads=lambda text: {}, load=lambda handle: {}, __version__="0.4.3")
    monkeypatch.setattr(hcl, "hcl2", fake)
    monkeypatch.setattr(importlib.metadata, "packages_distributions", lambda: {"hcl2": ["bc-python-hcl2"]})
    reason = hcl._unusable()
    assert reason is not None
    monkeypatch.setattr(hcl, "UNUSABLE", reason)
    return reason


def test_the_reason_names_checkovs_package_and_what_to_do(checkovs_hcl2):
    assert checkovs_hcl2 == (
        "sod-iac cannot parse HCL here: the installed `hcl2` module is Checkov's bc-python-hcl2, not "
        "python-hcl2; install sod-iac in its own virtual environment (see README, \"Use with Checkov\")")


def test_python_hcl2_is_usable():
    assert hcl._unusable() is None  # this test environment has python-hcl2


def test_one_line_for_every_hcl_file_and_exit_2(checkovs_hcl2, write_tree):
    root = write_tree({"a.tf": 'resource "aws_iam_role" "a" {}\n', "b.tf": "variable \"x\" {}\n",
                       "mod/c.tf": "locals {}\n", "terraform.tfvars": "x = 1\n", "d.tf.json": "{}"})
    result = CliRunner().invoke(cli, ["scan", str(root), "--format", "json", "--no-cache"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "AttributeError" not in result.output
    [error] = json.loads(result.stdout)["errors"]
    assert error["path"] == "<hcl2>"
    assert error["message"].startswith(checkovs_hcl2 + "; 5 HCL files not analysed: ")


def test_a_plan_is_still_analysed(checkovs_hcl2, tmp_path):
    folder = TESTDATA / "approval" / "tfe-auto-apply"
    expected = {(f["rule_id"], f["resource"])
                for f in json.loads((folder / "expected.json").read_text())["findings"]}
    result = CliRunner().invoke(cli, ["scan", str(folder / "plan.json"), "--format", "json", "--no-cache"])
    assert result.exit_code == 2  # the .tf beside the plan (lines, backends) was not read
    data = json.loads(result.stdout)
    assert [e["path"] for e in data["errors"]] == ["<hcl2>"]
    assert expected <= {(f["rule_id"], f["resource"]) for f in data["findings"]}
