"""Several outputs in one run, byte-identical output across runs and -j, and `explain`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_report_formats import validate_json, validate_sarif  # tests/ is on sys.path

from sod_iac.cli import cli
from sod_iac.cli.scan import FORMATS

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "testdata" / "demo"


def _all_formats(out: Path, *extra: str) -> list[str]:
    return [arg for fmt in FORMATS for arg in ("-o", f"{fmt}:{out / ('report.' + fmt)}")] + list(extra)


def test_every_format_in_one_run(tmp_path):
    result = CliRunner().invoke(cli, ["scan", str(DEMO), *_all_formats(tmp_path)])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""  # every format went to its file
    validate_json(json.loads((tmp_path / "report.json").read_text()))
    sarif = json.loads((tmp_path / "report.sarif").read_text())
    validate_sarif(sarif)
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    assert (tmp_path / "report.github").read_text().startswith("::")
    assert (tmp_path / "report.markdown").read_text().startswith("## sod-iac: ")
    assert (tmp_path / "report.junit").read_text().startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')
    assert "findings" in (tmp_path / "report.text").read_text()


def test_formats_pair_with_outputs_in_order(tmp_path):
    first, second = tmp_path / "a.json", tmp_path / "b.sarif"
    result = CliRunner().invoke(cli, ["scan", str(DEMO), "--format", "json", "--format", "sarif", "--format", "github",
                                      "-o", str(first), "--output", str(second)])
    assert result.exit_code == 1
    assert json.loads(first.read_text())["version"] == 1
    assert json.loads(second.read_text())["version"] == "2.1.0"
    assert result.stdout.startswith("::")  # the format without a file goes to standard output


def test_format_file_pairs_keep_text_on_stdout(tmp_path):
    result = CliRunner().invoke(cli, ["scan", str(DEMO), "-o", f"sarif:{tmp_path / 'x.sarif'}"])
    assert "finding" in result.stdout.splitlines()[-1]
    result = CliRunner().invoke(cli, ["scan", str(DEMO), "-o", f"sarif:{tmp_path / 'x.sarif'}", "-o", "github:-"])
    assert result.stdout.startswith("::")


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "json", "--format", "sarif"], "only one report can go to standard output"),
    (["-o", "xml:a.xml"], "unknown report format 'xml' in -o xml:a.xml; formats: " + ", ".join(FORMATS)),
    (["-o", "sraif:out.sarif"], "unknown report format 'sraif'"),
    (["-o", "json:"], "-o json: names no file"),
    (["-o", "out.log"], "cannot tell the report format of 'out.log' from its extension"),
    (["-o", "report"], "cannot tell the report format of 'report' from its extension"),
    (["--format", "json", "--format", "sarif", "-o", "same.txt", "-o", "same.txt"], "same file"),
])
def test_output_usage_errors(tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["scan", str(DEMO), *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no report under a surprising name


@pytest.mark.parametrize(("name", "starts"), [
    ("sod.json", '{\n  "version": 1,'),
    ("sod.sarif", '{\n  "$schema": "https://docs.oasis-open.org/sarif/'),
    ("summary.md", "## sod-iac: "),
    ("junit.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites'),
    ("REPORT.JSON", '{\n  "version": 1,'),
    ("./odd:name.json", '{\n  "version": 1,'),  # a word with a dot or slash is a path, not a format
])
def test_plain_file_takes_its_format_from_its_extension(tmp_path, monkeypatch, name, starts):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["scan", str(DEMO), "-o", name])
    assert result.exit_code == 1, result.stderr
    assert (tmp_path / name).read_text(encoding="utf-8").startswith(starts)
    assert "finding" in result.stdout.splitlines()[-1]  # as with -o FORMAT:FILE, text stays on stdout


def test_txt_file_is_text_and_takes_stdouts_place(tmp_path):
    result = CliRunner().invoke(cli, ["scan", str(DEMO), "-o", str(tmp_path / "a.txt"), "-o", str(tmp_path / "b.txt")])
    assert result.exit_code == 1 and result.stdout == ""
    assert (tmp_path / "a.txt").read_text() == (tmp_path / "b.txt").read_text()
    assert "CRITICAL" in (tmp_path / "a.txt").read_text()


def test_a_format_pairs_with_a_file_before_its_extension_counts(tmp_path):
    # the n-th --output goes with the n-th --format; only a file left over uses its extension
    result = CliRunner().invoke(cli, ["scan", str(DEMO), "--format", "json", "-o", str(tmp_path / "a.sarif"),
                                      "-o", str(tmp_path / "b.md")])
    assert result.exit_code == 1 and result.stdout == ""
    assert json.loads((tmp_path / "a.sarif").read_text())["version"] == 1
    assert (tmp_path / "b.md").read_text().startswith("## sod-iac: ")


@pytest.mark.parametrize("target", [DEMO, ROOT / "testdata" / "escalation" / "paths-iam-own-policies"])
def test_byte_identical_across_runs_and_jobs(tmp_path, target):
    """Two processes with different -j and hash seeds write the same bytes in every format."""
    outputs = []
    for jobs, seed in (("1", "1"), ("2", "2"), ("2", "3")):
        out = tmp_path / f"run-{jobs}-{seed}"
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        env.pop("GITHUB_SHA", None)
        proc = subprocess.run([sys.executable, "-m", "sod_iac", "scan", str(target), "-j", jobs,
                               "--repo-root", str(target), *_all_formats(out)],
                              capture_output=True, env=env, timeout=300)
        assert proc.returncode in (0, 1), proc.stderr.decode()
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert len(outputs[0]) == len(FORMATS)
    assert outputs[0] == outputs[1] == outputs[2]


def test_markdown_links_in_github_actions(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/infra")
    monkeypatch.setenv("GITHUB_SHA", "abc123")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(ROOT))
    result = CliRunner().invoke(cli, ["scan", str(DEMO), "--format", "markdown"])
    assert "](https://github.com/acme/infra/blob/abc123/testdata/demo/ci.tf#L" in result.stdout


# --------------------------------------------------------------------------- explain and rules


def test_explain_formats():
    runner = CliRunner()
    text = runner.invoke(cli, ["explain", "SOD110"])
    assert text.exit_code == 0 and "\nWhy it matters\n" in text.output
    md = runner.invoke(cli, ["explain", "SOD110", "--format", "markdown"])
    assert md.exit_code == 0 and md.output.startswith("## SOD110: ") and "```hcl\n" in md.output
    data = json.loads(runner.invoke(cli, ["explain", "sod110", "--format", "json"]).output)
    assert data["id"] == "SOD110" and data["references"] and {"rationale", "remediation", "example"} <= set(data)


def test_rule_help_fences_survive_backticks():
    from sod_iac.report.rule_help import fence

    assert fence("a ``` b", "hcl") == "````hcl\na ``` b\n````"


def test_every_rule_has_a_bad_and_a_fixed_example_that_parse():
    hcl2 = pytest.importorskip("hcl2")
    from sod_iac.rules.registry import all_rules

    for rule in all_rules():
        assert rule.good_example, f"{rule.id} has no good_example"
        for code in (rule.example, rule.good_example):
            hcl2.loads(code + "\n")
