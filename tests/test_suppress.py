"""Suppressions: every inline form with and without a reason, where an ignore applies, plan
scans, unused ignores, baselines and `--new-since` (a real temporary git repository)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from sod_iac.cli import cli
from sod_iac.core.model import Finding, Location, Project
from sod_iac.pipeline.scan import ScanOptions, run_scan
from sod_iac.pipeline.suppress import BaselineError, apply_ignores, parse_ignores, read_baseline, write_baseline

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def fake_rules(monkeypatch):
    """Run only the given checks, whatever rules are registered for real."""
    from sod_iac.rules import registry

    def use(**checks):
        rules = [dataclasses.replace(registry.get_rule(rule_id), check=check) for rule_id, check in checks.items()]
        monkeypatch.setattr(registry, "all_rules", lambda: rules)

    use()
    return use


def anchored(*addresses: str, rule_id: str = "SOD110"):
    """A check that reports every given resource (located by the loader)."""

    def check(ctx):
        for address in addresses:
            yield ctx.finding(rule_id, address, f"{address} is bad", principal=address, duties=["permissions-admin"])

    return check


# --------------------------------------------------------------------------- parsing every form


@pytest.mark.parametrize(("line", "ids", "reason"), [
    ("# sod-iac:ignore SOD110 -- reviewed in SEC-1", ("SOD110",), "reviewed in SEC-1"),
    ("# sod-iac:ignore SOD110 reason text", ("SOD110",), "reason text"),
    ("// sod-iac:ignore SOD110, SOD111: both accepted", ("SOD110", "SOD111"), "both accepted"),
    ("/* sod-iac:ignore SOD110 SOD3* -- wildcard */", ("SOD110", "SOD3*"), "wildcard"),
    ("  name = \"x\"  # sod-iac:ignore sod110 -- lower case id", ("SOD110",), "lower case id"),
    ("#sod-iac:ignore SOD110:no space", ("SOD110",), "no space"),
    ("# sod-iac:ignore SOD110 — em dash reason", ("SOD110",), "em dash reason"),
    ("# sod-iac:ignore SOD110", ("SOD110",), ""),
    ("# sod-iac:ignore SOD110 --", ("SOD110",), ""),
    ("/* sod-iac:ignore SOD110 */", ("SOD110",), ""),
    ("#checkov:skip=SOD110:break-glass role", ("SOD110",), "break-glass role"),
    ("# checkov:skip=SOD203: audited group", ("SOD203",), "audited group"),
    ("# checkov:skip=SOD110", ("SOD110",), ""),
    ("# bridgecrew:skip=SOD110:legacy prefix", ("SOD110",), "legacy prefix"),
])
def test_parse_forms(line, ids, reason):
    ignores, notices = parse_ignores("main.tf", f"{line}\n")
    assert notices == []
    assert [(i.patterns, i.reason, i.line) for i in ignores] == [(ids, reason, 1)]


@pytest.mark.parametrize("line", [
    "# checkov:skip=CKV_AWS_1:their check, not ours",
    "# sod-iac:ignored SOD110 -- different word",
    "# a comment that mentions sod-iac in passing",
    'description = "sod-iac: ignore"',
])
def test_parse_ignores_what_is_not_ours(line):
    assert parse_ignores("main.tf", f"{line}\n") == ([], [])


def test_parse_reports_an_ignore_without_rule_id():
    ignores, notices = parse_ignores("main.tf", "\n# sod-iac:ignore -- everything please\n")
    assert ignores == []
    assert [(n.path, n.line) for n in notices] == [("main.tf", 2)]
    assert "names no rule id" in notices[0].message


# --------------------------------------------------------------------------- where an ignore applies

PLACEMENT = """\
# line 1: unrelated comment

# sod-iac:ignore SOD110 -- directly above, line 3
resource "aws_iam_role" "above" {
  name = "above"
}

# sod-iac:ignore SOD110 -- separated by a blank line: does not apply

resource "aws_iam_role" "blank_between" {
  name = "blank_between"
}

resource "aws_iam_role" "inside" {
  name = "inside" # sod-iac:ignore SOD110 -- inside the block
}

# sod-iac:ignore SOD110 -- top of a comment run
# more explanation on a second line
resource "aws_iam_role" "run" {
  name = "run"
}

resource "aws_iam_role" "other_rule" {
  # sod-iac:ignore SOD111 -- names another rule
  name = "other_rule"
}

resource "aws_iam_role" "no_reason" {
  # sod-iac:ignore SOD110
  name = "no_reason"
}

resource "aws_iam_role" "checkov" {
  #checkov:skip=SOD110:Checkov's form
  name = "checkov"
}

resource "aws_iam_role" "checkov_no_reason" {
  #checkov:skip=SOD110
  name = "checkov_no_reason"
}
"""
ALL = ["above", "blank_between", "inside", "run", "other_rule", "no_reason", "checkov", "checkov_no_reason"]


def test_placement_and_reasons(tmp_path, fake_rules):
    (tmp_path / "main.tf").write_text(PLACEMENT)
    fake_rules(SOD110=anchored(*(f"aws_iam_role.{name}" for name in ALL)))
    report = run_scan([tmp_path], ScanOptions(jobs=1))
    kept = sorted(f.resource.split(".")[1] for f in report.findings)
    assert kept == ["blank_between", "checkov_no_reason", "no_reason", "other_rule"]
    assert report.summary.suppressed == 4
    assert report.summary.findings == 4
    assert [(w.line, "has no reason" in w.message) for w in report.warnings] == [(30, True), (40, True)]


def test_warn_unused_ignores(tmp_path, fake_rules):
    (tmp_path / "main.tf").write_text(PLACEMENT)
    fake_rules(SOD110=anchored("aws_iam_role.above"))
    report = run_scan([tmp_path], ScanOptions(jobs=1, warn_unused_ignores=True))
    unused = [w.line for w in report.warnings if w.message.endswith("matched no finding")]
    assert unused == [8, 15, 18, 25, 35]
    quiet = run_scan([tmp_path], ScanOptions(jobs=1))
    assert not any(w.message.endswith("matched no finding") for w in quiet.warnings)


def test_ignores_apply_to_every_rule_and_multiple_ids(tmp_path, fake_rules):
    (tmp_path / "main.tf").write_text(
        '// sod-iac:ignore SOD301, SOD203 -- shared secret by design\n'
        'resource "aws_secretsmanager_secret" "s" {\n  name = "s"\n}\n')
    fake_rules(SOD301=anchored("aws_secretsmanager_secret.s", rule_id="SOD301"),
               SOD203=anchored("aws_secretsmanager_secret.s", rule_id="SOD203"),
               SOD302=anchored("aws_secretsmanager_secret.s", rule_id="SOD302"))
    report = run_scan([tmp_path], ScanOptions(jobs=1))
    assert [f.rule_id for f in report.findings] == ["SOD302"]


def test_block_comment_spanning_the_resource(tmp_path, fake_rules):
    (tmp_path / "main.tf").write_text(
        '/* sod-iac:ignore SOD110 -- block comment above */\nresource "aws_iam_role" "a" {\n  name = "a"\n}\n')
    fake_rules(SOD110=anchored("aws_iam_role.a"))
    assert run_scan([tmp_path], ScanOptions(jobs=1)).findings == []


def test_findings_without_location_are_never_silenced(tmp_path):
    (tmp_path / "main.tf").write_text("# sod-iac:ignore SOD110 -- nothing to anchor to\n")
    project = Project(root=str(tmp_path), files=["main.tf"])
    finding = Finding(rule_id="SOD110", family="combined-duties", severity="high", title="t", message="m",
                      resource="aws_iam_role.x")
    assert apply_ignores([finding], project).findings == [finding]
    located = finding.model_copy(update={"location": Location(path="main.tf", start_line=2, end_line=3)})
    assert apply_ignores([located], project).findings == []


def test_silenced_findings_keep_their_reasons(tmp_path):
    """What Checkov shows as a skipped check's suppress comment: the reason after the id, both
    forms, several reasons for one finding once each."""
    (tmp_path / "main.tf").write_text(
        "# sod-iac:ignore SOD110 -- break-glass, reviewed quarterly\n"
        "#checkov:skip=SOD110:break-glass, reviewed quarterly\n"
        "// sod-iac:ignore SOD1* : owned by the platform team\n"
        'resource "aws_iam_role" "a" {\n}\n')
    project = Project(root=str(tmp_path), files=["main.tf"])
    finding = Finding(rule_id="SOD110", family="combined-duties", severity="high", title="t", message="m",
                      resource="aws_iam_role.a", location=Location(path="main.tf", start_line=4, end_line=5))
    outcome = apply_ignores([finding], project)
    assert outcome.findings == [] and outcome.suppressed == 1
    assert [(s.finding, s.reason) for s in outcome.silenced] == [
        (finding, "break-glass, reviewed quarterly; owned by the platform team")]


def test_plan_scan_honours_ignores_in_the_tf_beside_it(tmp_path, fake_rules):
    target = tmp_path / "parity"
    shutil.copytree(FIXTURES / "parity", target)
    main = target / "main.tf"
    main.write_text(main.read_text().replace('resource "aws_iam_role" "app" {',
                                             '# sod-iac:ignore SOD110 -- app roles are reviewed\n'
                                             'resource "aws_iam_role" "app" {'))
    fake_rules(SOD110=anchored("aws_iam_role.app[0]", "aws_iam_role.app[1]", "module.kms.aws_kms_key.k"))
    report = run_scan([target / "plan.json"], ScanOptions(jobs=1))
    assert report.errors == []
    assert [f.resource for f in report.findings] == ["module.kms.aws_kms_key.k"]
    assert report.summary.suppressed == 2


# --------------------------------------------------------------------------- baselines


def test_baseline_round_trip(tmp_path, fake_rules):
    (tmp_path / "main.tf").write_text('resource "aws_iam_role" "a" {\n  name = "a"\n}\n'
                                      'resource "aws_iam_role" "b" {\n  name = "b"\n}\n')
    fake_rules(SOD110=anchored("aws_iam_role.a"))
    base = tmp_path / "baseline.json"
    write_baseline(base, run_scan([tmp_path]).findings)
    data = json.loads(base.read_text())
    assert data["version"] == 1 and [e["resource"] for e in data["findings"]] == ["aws_iam_role.a"]
    assert set(data["findings"][0]) == {"fingerprint", "rule_id", "resource", "principal"}

    fake_rules(SOD110=anchored("aws_iam_role.a", "aws_iam_role.b"))
    report = run_scan([tmp_path], ScanOptions(baseline=base))
    assert [f.resource for f in report.findings] == ["aws_iam_role.b"]
    assert report.summary.baselined == 1


def test_baseline_ignores_line_moves_and_is_stable(tmp_path, fake_rules):
    (tmp_path / "main.tf").write_text('resource "aws_iam_role" "a" {\n  name = "a"\n}\n')
    fake_rules(SOD110=anchored("aws_iam_role.a"))
    first, second = tmp_path / "1.json", tmp_path / "2.json"
    write_baseline(first, run_scan([tmp_path]).findings)
    (tmp_path / "main.tf").write_text('\n\n\n# moved\nresource "aws_iam_role" "a" {\n  name = "a"\n}\n')
    write_baseline(second, run_scan([tmp_path], ScanOptions(jobs=2)).findings)
    assert first.read_bytes() == second.read_bytes()
    assert run_scan([tmp_path], ScanOptions(baseline=first)).findings == []


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "invalid JSON"),
    ('{"findings": {}}', "expected an object with a 'findings' list"),
    ('{"version": 9, "findings": []}', "baseline version 9 is not supported"),
    ('{"version": 1, "findings": [{"rule_id": "SOD110"}]}', "needs a 'fingerprint'"),
])
def test_broken_baselines(tmp_path, content, message):
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(BaselineError, match=message):
        read_baseline(path)


def test_cli_baseline_flow(tmp_path, fake_rules):
    infra = tmp_path / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text('resource "aws_iam_role" "a" {\n  name = "a"\n}\n')
    fake_rules(SOD110=anchored("aws_iam_role.a"))
    base = tmp_path / "base.json"
    runner = CliRunner()
    written = runner.invoke(cli, ["scan", str(infra), "--write-baseline", str(base)])
    assert written.exit_code == 0, written.output  # accepting today's findings is not a failure
    assert written.stderr.endswith(f"sod-iac: wrote 1 fingerprint to {base}\n")
    result = runner.invoke(cli, ["scan", str(infra), "--baseline", str(base)])
    assert result.exit_code == 0, result.output
    assert "no findings" in result.stdout and "1 already known" in result.stdout
    result = runner.invoke(cli, ["scan", str(infra), "--baseline", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "--baseline not found" in result.stderr
    (tmp_path / "bad.json").write_text("[]")
    result = runner.invoke(cli, ["scan", str(infra), "--baseline", str(tmp_path / "bad.json")])
    assert result.exit_code == 2 and "not a sod-iac baseline" in result.stderr
    result = runner.invoke(cli, ["scan", str(infra), "--baseline", str(base), "--write-baseline", str(base)])
    assert result.exit_code == 2 and "--write-baseline" in result.stderr


def test_write_baseline_of_a_partial_scan_still_exits_2(tmp_path, fake_rules):
    """Fail-secure: findings of the files that parsed are written, but a file that could not
    be analysed keeps exit code 2 and the message says the baseline is incomplete."""
    (tmp_path / "main.tf").write_text('resource "aws_iam_role" "a" {\n  name = "a"\n}\n'
                                      'resource "aws_iam_role" "b" {\n  name = "b"\n}\n')
    (tmp_path / "broken.tf").write_text('resource "aws_iam_role" "c" {\n}}\n')
    fake_rules(SOD110=anchored("aws_iam_role.a", "aws_iam_role.b"))
    base = tmp_path / "out" / "base.json"
    base.parent.mkdir()
    result = CliRunner().invoke(cli, ["scan", str(tmp_path), "--write-baseline", str(base)])
    assert result.exit_code == 2
    assert f"sod-iac: wrote 2 fingerprints to {base} (incomplete: 1 input(s) could not be analysed)" in result.stderr
    assert [e["resource"] for e in json.loads(base.read_text())["findings"]] == ["aws_iam_role.a", "aws_iam_role.b"]


# --------------------------------------------------------------------------- --new-since


def git(repo: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "HOME": str(repo), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=env).stdout


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    (root / "infra").mkdir(parents=True)
    git(root, "init", "-q")
    (root / "infra" / "main.tf").write_text('resource "aws_iam_role" "old" {\n  name = "old"\n}\n')
    (root / "README.md").write_text("not scanned\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    return root


def _roles(ctx):
    """Report every IAM role: what the base had is old, what the change added is new."""
    for resource in ctx.project.by_type("aws_iam_role"):
        yield ctx.finding("SOD110", resource.address, "bad", principal=resource.address,
                          duties=["permissions-admin"])


def test_new_since_reports_only_what_the_change_adds(repo, fake_rules):
    fake_rules(SOD110=_roles)
    main = repo / "infra" / "main.tf"
    main.write_text("# moved down\n\n" + main.read_text() + 'resource "aws_iam_role" "new" {\n  name = "new"\n}\n')
    before = {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts}
    status = git(repo, "status", "--porcelain")

    report = run_scan([repo / "infra"], ScanOptions(new_since="HEAD"))
    assert [f.resource for f in report.findings] == ["aws_iam_role.new"]
    assert report.summary.baselined == 1
    # the working tree and the index are untouched
    assert {p: p.read_bytes() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts} == before
    assert git(repo, "status", "--porcelain") == status


def test_new_since_with_repo_root_and_a_new_file(repo, fake_rules):
    fake_rules(SOD110=_roles)
    (repo / "infra" / "extra.tf").write_text('resource "aws_iam_role" "added" {\n  name = "added"\n}\n')
    report = run_scan([repo / "infra"], ScanOptions(new_since="HEAD", repo_root=repo))
    assert [f.resource for f in report.findings] == ["aws_iam_role.added"]
    assert report.findings[0].location.path == "infra/extra.tf"


def test_new_since_a_folder_the_base_lacks(repo, fake_rules):
    fake_rules(SOD110=_roles)
    (repo / "new-stack").mkdir()
    (repo / "new-stack" / "main.tf").write_text('resource "aws_iam_role" "n" {\n  name = "n"\n}\n')
    report = run_scan([repo / "new-stack"], ScanOptions(new_since="HEAD"))
    assert [f.resource for f in report.findings] == ["aws_iam_role.n"]


def test_new_since_cli_errors(repo, fake_rules, tmp_path):
    fake_rules(SOD110=_roles)
    runner = CliRunner()
    result = runner.invoke(cli, ["scan", str(repo / "infra"), "--new-since", "no-such-ref"])
    assert result.exit_code == 2
    assert result.stderr == "sod-iac: --new-since: unknown revision 'no-such-ref'.\n"
    result = runner.invoke(cli, ["scan", str(repo / "infra"), "--new-since", "--upload-pack=x"])
    assert result.exit_code == 2 and "is not a revision" in result.stderr
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text('resource "aws_iam_role" "o" {\n  name = "o"\n}\n')
    result = runner.invoke(cli, ["scan", str(outside), "--new-since", "HEAD"])
    assert result.exit_code == 2 and "not inside a git repository" in result.stderr


def test_new_since_shallow_clone_says_how_to_fix(repo, fake_rules, tmp_path):
    fake_rules(SOD110=_roles)
    (repo / "infra" / "main.tf").write_text('resource "aws_iam_role" "second" {\n  name = "s"\n}\n')
    git(repo, "commit", "-qam", "second")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True,
                   capture_output=True)
    result = CliRunner().invoke(cli, ["scan", str(clone / "infra"), "--new-since", "HEAD~1"])
    assert result.exit_code == 2
    assert "shallow" in result.stderr and "fetch-depth: 0" in result.stderr
