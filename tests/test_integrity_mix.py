"""Issue 15, "Done when": one tree that mixes every way a verdict used to be lost or falsified
gives one complete report. Each folder below is one of the issue's items; the expectations are
what Terraform and AWS say, read from the HCL by hand:

- `a/`, `b/`: an `s3` backend with neither `use_lockfile = true` nor `dynamodb_table` is not locked
  (Terraform's S3 backend docs): SOD202 on each; `c/` reuses an address of `a/`, which used to
  drop `b/`'s finding.
- `gcs/`: a backend `credentials` path naming a key file that exists inside the repository is a
  credential in the configuration (SOD204); the file is known to the loader, not read by a rule.
- `mod/`: a module input indexed by a key the code does not state (`lookup(var.names, var.team)`)
  used to abort the whole scan; the module's role has AdministratorAccess attached (SOD111).
- `dup/`: two `aws_iam_role.same` in one module are rejected by Terraform: one error naming both
  places, exit 2, while everything else is still reported.
- `ps/`: a plan written by Windows PowerShell (UTF-16 LE with a BOM) is a plan, not a binary
  file: its auto-apply production workspace is SOD210.
- `.sod-iac.yaml`: a user duty with the documented `on:` key (YAML 1.2: a string, not `True`)
  and a per-resource setting for the backends; no config error, no internal error.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from test_config import USER_DUTY_CONFIG

from sod_iac.cli import cli

TESTDATA = Path(__file__).resolve().parent.parent / "testdata"

UNLOCKED = """terraform {
  backend "s3" {
    bucket = "acme-state"
    key    = "%s/terraform.tfstate"
    region = "eu-west-1"
  }
}
"""

ROLE = """resource "aws_iam_role" "shared" {
  name = "%s-shared"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}
"""

GCS = """terraform {
  backend "gcs" {
    bucket      = "acme-state"
    prefix      = "prod"
    credentials = "keys/sa.json"
  }
}
"""

MODULE_ROOT = """variable "team" {
  type = string
}

variable "names" {
  type    = map(string)
  default = { platform = "platform-admin" }
}

module "team" {
  source = "./team"
  name   = lookup(var.names, var.team)
}
"""

MODULE_CHILD = """variable "name" {
  type = string
}

resource "aws_iam_role" "this" {
  name = var.name
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
"""

CONFIG = 'resources:\n  "terraform.backend.*":\n    max_writers: 2\n' + USER_DUTY_CONFIG.split("\n", 1)[1]
"""A per-resource setting, and test_config's user duties with `on:` (without its `check:` line)."""


def _tree(root: Path) -> Path:
    def write(rel: str, text: str) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    write("a/backend.tf", UNLOCKED % "a")
    write("a/iam.tf", ROLE % "a")
    write("b/backend.tf", UNLOCKED % "b")
    write("c/iam.tf", ROLE % "c")
    write("gcs/backend.tf", GCS)
    write("gcs/keys/sa.json", "{}\n")
    write("mod/main.tf", MODULE_ROOT)
    write("mod/team/main.tf", MODULE_CHILD)
    write("dup/one.tf", ROLE % "one")
    write("dup/two.tf", ROLE % "two")
    plan = (TESTDATA / "approval" / "tfe-auto-apply" / "plan.json").read_text(encoding="utf-8")
    (root / "ps").mkdir()
    (root / "ps" / "plan.json").write_bytes(plan.replace("\n", "\r\n").encode("utf-16"))  # BOM + UTF-16 LE
    shutil.copy(TESTDATA / "approval" / "tfe-auto-apply" / "main.tf", root / "ps" / "main.tf")
    write(".sod-iac.yaml", CONFIG)
    return root


def test_a_tree_mixing_every_integrity_item_gives_one_complete_report(tmp_path):
    root = _tree(tmp_path / "repo")
    result = CliRunner().invoke(cli, ["scan", str(root), "--no-cache", "--format", "json"])
    assert result.stdout.startswith("{"), result.output
    report = json.loads(result.stdout)
    found = {(f["rule_id"], f["resource"], f["location"]["path"].split("/")[0]) for f in report["findings"]}

    assert ("SOD202", "terraform.backend.s3", "a") in found
    assert ("SOD202", "terraform.backend.s3", "b") in found
    assert ("SOD204", "terraform.backend.gcs", "gcs") in found
    assert ("SOD111", "module.team.aws_iam_role.this", "mod") in found
    assert ("SOD210", "tfe_workspace.prod", "ps") in found

    # exactly one error: the duplicate address, naming both places; no internal error anywhere
    assert len(report["errors"]) == 1, report["errors"]
    error = report["errors"][0]
    assert "aws_iam_role.shared" in error["message"]
    assert "one.tf" in json.dumps(error) and "two.tf" in json.dumps(error)
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert result.exit_code == 2
