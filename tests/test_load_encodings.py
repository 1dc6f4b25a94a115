"""Byte order marks: `terraform show -json > plan.json` in Windows PowerShell 5.1 writes UTF-16 LE
with a BOM (its `>` is Out-File, whose default encoding is "Unicode"), and editors save UTF-8 or
UTF-16 with one. A file that starts with a BOM (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) is decoded as it
says and gives the same findings as the UTF-8 file; NUL bytes without a BOM stay a binary file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sod_iac.load import load_project
from sod_iac.pipeline.scan import ScanOptions, run_scan

SCENARIO = Path(__file__).resolve().parent.parent / "testdata" / "secrets" / "aws-group-reader"

# (name, the bytes of a text in that encoding, BOM first). Python's "utf-16"/"utf-32" codecs
# write the machine's order, so the order is spelled out here.
ENCODINGS = {
    "utf-8-bom": lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
    "utf-16-le-bom": lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
    "utf-16-be-bom": lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
    "utf-32-le-bom": lambda text: b"\xff\xfe\x00\x00" + text.encode("utf-32-le"),
    "utf-32-be-bom": lambda text: b"\x00\x00\xfe\xff" + text.encode("utf-32-be"),
}


def powershell(text: str) -> bytes:
    """What Windows PowerShell 5.1's `>` writes: UTF-16 LE, a BOM, CRLF line ends."""
    return b"\xff\xfe" + text.replace("\n", "\r\n").encode("utf-16-le")


def _copy(tmp_path: Path, encode, pattern: str) -> Path:
    folder = tmp_path / "case"
    shutil.copytree(SCENARIO, folder)
    for path in folder.glob(pattern):
        path.write_bytes(encode(path.read_text(encoding="utf-8")))
    return folder


def _outcome(report):
    return ([e.model_dump() for e in report.errors],
            sorted((f.rule_id, f.resource, str(f.location), f.message) for f in report.findings))


def _scan(target: Path, root: Path):
    return run_scan([target], ScanOptions(repo_root=root, jobs=1))


@pytest.mark.parametrize("encoding", [*ENCODINGS, "powershell"])
def test_a_plan_with_a_bom_gives_the_findings_of_the_utf8_plan(tmp_path, encoding):
    encode = powershell if encoding == "powershell" else ENCODINGS[encoding]
    folder = _copy(tmp_path, encode, "plan.json")
    expected = _outcome(_scan(SCENARIO / "plan.json", SCENARIO))
    assert expected[1] and not expected[0]
    assert _outcome(_scan(folder / "plan.json", folder)) == expected


def test_a_powershell_plan_found_in_a_folder_is_read_as_a_plan(tmp_path):
    """Not named on the command line: recognised by its content, which is UTF-16."""
    folder = _copy(tmp_path, powershell, "plan.json")
    plan = load_project([folder], repo_root=folder)
    assert not plan.errors
    assert {r.source for r in plan.resources} == {"plan"}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_tf_files_with_a_bom_give_the_findings_of_the_utf8_files(tmp_path, encoding):
    folder = _copy(tmp_path, ENCODINGS[encoding], "*.tf")
    assert _outcome(_scan(folder, folder)) == _outcome(_scan(SCENARIO, SCENARIO))


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_variables_files_and_tf_json_with_a_bom(write_tree, encoding):
    encode = ENCODINGS[encoding]
    root = write_tree({
        "main.tf": 'variable "a" {}\nvariable "b" {}\nresource "aws_iam_role" "r" {\n  name = "${var.a}-${var.b}"\n}\n',
        "terraform.tfvars": encode('a = "from-tfvars"\n'),
        "x.auto.tfvars.json": encode('{"b": "from-json"}'),
        "extra.tf.json": encode('{"resource": {"aws_iam_role": {"j": {"name": "tf-json"}}}}'),
    })
    project = load_project([root])
    assert not project.errors
    assert project.resource("aws_iam_role.r").values["name"] == "from-tfvars-from-json"
    assert project.resource("aws_iam_role.j").values["name"] == "tf-json"


def test_an_ignore_in_a_utf16_file_is_honoured(write_tree, tmp_path):
    code = ('resource "aws_kms_key" "k" {}\n'
            '# sod-iac:ignore SOD101 -- break-glass key admin, reviewed (SEC-1)\n'
            'resource "aws_iam_user" "u" { name = "u" }\n'
            'resource "aws_iam_user_policy" "p" {\n  user = aws_iam_user.u.name\n'
            '  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",\n'
            '    Action = ["kms:PutKeyPolicy", "kms:Decrypt"], Resource = aws_kms_key.k.arn}]})\n}\n')
    bare = write_tree({"main.tf": code.replace("# sod-iac:ignore", "# not an ignore")}, tmp_path / "bare")
    assert [f.rule_id for f in _scan(bare, bare).findings].count("SOD101") == 1
    plain = write_tree({"main.tf": code}, tmp_path / "plain")
    wide = write_tree({"main.tf": powershell(code)}, tmp_path / "wide")
    for root in (plain, wide):
        report = _scan(root, root)
        assert not report.errors
        assert not [f for f in report.findings if f.rule_id == "SOD101"]
        assert report.summary.suppressed >= 1


@pytest.mark.parametrize("name", ["main.tf", "plan.json"])
def test_nul_bytes_without_a_bom_are_still_a_binary_file(write_tree, name):
    text = '{"format_version": "1.2", "planned_values": {}}' if name == "plan.json" else 'locals {}\n'
    root = write_tree({name: text.encode("utf-16-le"), "good.tf": 'resource "aws_iam_role" "good" {}\n'})
    project = load_project([root / name] if name == "plan.json" else [root], repo_root=root)
    assert [(e.path, e.message) for e in project.errors] == [
        (name, "binary file (contains NUL bytes); not analysed")]


def test_a_bom_that_lies_is_named(write_tree):
    """A UTF-16 LE mark over text that is not UTF-16 (a cut surrogate pair on line 2)."""
    data = b"\xff\xfe" + "locals {\n".encode("utf-16-le") + b"\x00\xd8" + "}\n".encode("utf-16-le")
    root = write_tree({"main.tf": data})
    (error,) = load_project([root]).errors
    assert error.line == 2 and "not valid UTF-16 LE" in error.message
