"""A finding's identity (its fingerprint) across analysis units, and a rule that fails.

Terraform addresses are unique only within one root module, so a repository whose roots reuse
an address is judged in several analysis units (sod_iac.pipeline.units). A finding's identity must tell
apart what those units find, and de-duplication must never merge two different verdicts.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sod_iac.cli import cli
from sod_iac.load import load_project
from sod_iac.pipeline.scan import ScanOptions, run_scan
from sod_iac.pipeline.units import analysis_units
from sod_iac.rules.registry import get_rule, register, unregister

# Terraform's S3 backend locks state only with `use_lockfile = true` (S3 lock file) or a
# `dynamodb_table`; `use_lockfile = false` and no table means no lock at all: SOD202.
UNLOCKED = """
terraform {{
  backend "s3" {{
    bucket       = "{bucket}"
    key          = "{bucket}.tfstate"
    region       = "us-east-1"
    use_lockfile = false
  }}
}}
"""
SHARED_ROLE = """
resource "aws_iam_role" "shared" {{
  name               = "{name}"
  assume_role_policy = "{{}}"
}}
"""


@pytest.fixture
def three_roots(write_tree):
    """The issue's case: a/ and b/ each keep state in an unlocked s3 backend (two SOD202);
    c/ is unrelated but reuses an address of a/ (aws_iam_role.shared)."""
    return write_tree({
        "a/main.tf": UNLOCKED.format(bucket="state-a") + SHARED_ROLE.format(name="a-shared"),
        "b/main.tf": UNLOCKED.format(bucket="state-b"),
        "c/main.tf": SHARED_ROLE.format(name="c-shared"),
    })


def _sod202(report):
    return sorted((f.resource, f.location.path) for f in report.findings if f.rule_id == "SOD202")


def test_unlocked_backends_of_two_roots_both_reported_when_a_third_root_reuses_an_address(three_roots):
    # two root modules, two unlocked backends: Terraform locks neither, so two findings,
    # whatever an unrelated third root declares
    assert len(analysis_units(load_project([three_roots]))) == 2, "the case must split into analysis units"
    report = run_scan([three_roots], ScanOptions(jobs=1))
    assert report.errors == []
    assert _sod202(report) == [("terraform.backend.s3", "a/main.tf"), ("terraform.backend.s3", "b/main.tf")]
    prints = [f.fingerprint for f in report.findings]
    assert len(prints) == len(set(prints)), "every reported finding has its own identity"


def test_adding_an_unrelated_root_loses_no_finding(three_roots):
    """Whatever c/ adds, a/ and b/ keep everything they had: the same (rule, anchor, file)."""
    before = run_scan([three_roots / "a", three_roots / "b"], ScanOptions(jobs=1, repo_root=three_roots))
    after = run_scan([three_roots], ScanOptions(jobs=1))
    kept = {(f.rule_id, f.resource, f.location.path if f.location else None) for f in after.findings}
    lost = {(f.rule_id, f.resource, f.location.path if f.location else None) for f in before.findings} - kept
    assert not lost


def test_a_single_root_keeps_its_fingerprints_when_scanned_from_a_parent_folder(write_tree):
    """Backends share the address terraform.backend.<type>: the root module's folder tells them
    apart even in a single analysis unit, and a single unit adds no root of its own, so the
    fingerprint is the same whether the folder is the only one or one of several that do not
    collide (baselines of single-root projects stay valid)."""
    root = write_tree({"infra/main.tf": UNLOCKED.format(bucket="state-a"),
                       "other/main.tf": UNLOCKED.format(bucket="state-o")})
    alone = run_scan([root / "infra"], ScanOptions(jobs=1, repo_root=root))
    both = run_scan([root], ScanOptions(jobs=1))
    (one,) = [f.fingerprint for f in alone.findings if f.rule_id == "SOD202"]
    assert one in {f.fingerprint for f in both.findings if f.rule_id == "SOD202"}
    assert len({f.fingerprint for f in both.findings if f.rule_id == "SOD202"}) == 2


def test_one_module_called_by_two_roots_gives_two_findings_with_one_file(write_tree):
    """envs/prod and envs/dev are two Terraform configurations calling one module: each has its
    own module.iam.aws_iam_role.ci, an administrator (Action "*" on "*") in both. Same rule,
    same address, same resource file and line: still two verdicts, told apart by their root
    module, each shown at its root's `module` block (issue 17)."""
    module = """
        resource "aws_iam_role" "ci" {
          name               = "ci"
          assume_role_policy = "{}"
        }
        resource "aws_iam_role_policy" "ci" {
          role   = aws_iam_role.ci.id
          policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "*", Resource = "*"}]})
        }
    """
    call = 'module "iam" {\n  source = "../../modules/iam"\n}\n'
    root = write_tree({"envs/prod/main.tf": call, "envs/dev/main.tf": call, "modules/iam/main.tf": module})
    report = run_scan([root], ScanOptions(jobs=1, check=["SOD111"]))
    admins = [f for f in report.findings if f.resource == "module.iam.aws_iam_role.ci"]
    assert [str(e.location) for f in admins for e in f.evidence if e.address == f.resource] == ["modules/iam/main.tf:1"] * 2
    assert sorted(str(f.location) for f in admins) == ["envs/dev/main.tf:1", "envs/prod/main.tf:1"]
    assert len({f.fingerprint for f in admins}) == 2


# --------------------------------------------------------------------------- a rule that fails


@pytest.fixture
def failing_sod201():
    """SOD201 replaced by a check that raises an unexpected error naming what it was judging
    (as a KeyError on an address would): the message differs from one analysis unit to the next."""
    previous = unregister("SOD201")

    def broken(ctx):
        raise KeyError(f"{ctx.project.resources[0].root}/unexpected")
        yield  # a generator, as every check

    register("SOD201", broken)
    yield
    unregister("SOD201")
    if previous is not None:
        register("SOD201", previous)


def test_a_rule_that_raises_is_one_error_line_and_the_report_is_complete(three_roots, failing_sod201):
    result = CliRunner().invoke(cli, ["scan", str(three_roots), "--format", "json", "--no-cache"])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    data = json.loads(result.stdout)
    assert [e["path"] for e in data["errors"]] == ["<rule SOD201>"], "one line for the rule, whatever the units"
    assert "KeyError" in data["errors"][0]["message"]
    # the other rules ran on every unit and their findings are all there
    assert sorted((f["rule_id"], f["location"]["path"]) for f in data["findings"] if f["rule_id"] == "SOD202") == [
        ("SOD202", "a/main.tf"), ("SOD202", "b/main.tf")]
    assert data["summary"]["findings"] == len(data["findings"])
    assert get_rule("SOD201").check is not None


def test_a_rule_that_raises_in_text_output_is_one_line_naming_the_rule(three_roots, failing_sod201):
    result = CliRunner().invoke(cli, ["scan", str(three_roots), "--no-cache"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if "SOD201" in line]
    assert len(lines) == 1 and "internal error" in lines[0], result.output
