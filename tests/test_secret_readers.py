"""Reader sets of the secret scenarios, and the `who-can read` command.

Every `testdata/secrets/<case>/expected.json` may carry `readers`: secret address -> the exact
sorted list of principals that can read it. Each scenario is checked through every entry
point it has (HCL, and plan JSON when a `plan.json` is there): both must give that set.
Adding a case is adding a folder; this file does not change for it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sod_iac.access import build_access
from sod_iac.access.secret_model import stated_limit
from sod_iac.access.secrets import secret_access
from sod_iac.cli import cli
from sod_iac.load import load_project
from sod_iac.pipeline.scan import ScanOptions, run_scan

SECRETS = Path(__file__).resolve().parent.parent / "testdata" / "secrets"


def _cases() -> list[tuple[str, Path, str]]:
    out = []
    for expected in sorted(SECRETS.glob("*/expected.json")):
        if "readers" not in json.loads(expected.read_text()):
            continue
        folder = expected.parent
        if any(folder.glob("*.tf")):
            out.append((f"{folder.name}[hcl]", folder, "hcl"))
        if (folder / "plan.json").exists():
            out.append((f"{folder.name}[plan]", folder, "plan"))
    return out


CASES = _cases()


def _readers(folder: Path, entry: str):
    target = folder if entry == "hcl" else folder / "plan.json"
    project = load_project([target], repo_root=folder)
    assert project.errors == []
    return secret_access(project, build_access(project))


@pytest.mark.parametrize(("case", "folder", "entry"), CASES, ids=[c[0] for c in CASES])
def test_reader_sets(case: str, folder: Path, entry: str) -> None:
    expected = json.loads((folder / "expected.json").read_text())["readers"]
    access = _readers(folder, entry)
    found = {address: access.readers(address).principals for address in expected}
    assert found == expected
    for address in expected:
        for reader in access.readers(address).counted:
            assert reader.how, f"{address}: {reader.principal} has no explanation"


def test_every_secret_scenario_says_what_it_proves() -> None:
    for folder in sorted(p for p in SECRETS.iterdir() if p.is_dir()):
        main = folder / "main.tf"
        assert main.exists(), folder
        comment = main.read_text().split("\n\n", 1)[0].splitlines()
        assert all(line.startswith("#") for line in comment), folder
        assert any("Proves:" in line for line in comment), folder


def test_hcl_and_plan_agree_on_every_reader_set() -> None:
    for folder in sorted({c[1] for c in CASES if c[2] == "plan"}):
        hcl, plan = _readers(folder, "hcl"), _readers(folder, "plan")
        assert [s.address for s in hcl.secrets()] == [s.address for s in plan.secrets()]
        for secret in hcl.secrets():
            levels = {r.principal: r.level for r in hcl.readers(secret).readers}
            assert levels == {r.principal: r.level for r in plan.readers(secret.address).readers}, secret.address


def test_stated_limit_spellings() -> None:
    assert stated_limit({"sod-iac:max-readers": "2"}) == 2
    assert stated_limit(None, {"sod-iac-max-readers": 3}) == 3
    assert stated_limit({"sod-iac/max-readers": "x"}) is None
    assert stated_limit({"Name": "db"}) is None


def test_config_raises_the_limit_per_secret_and_globally() -> None:
    folder = SECRETS / "aws-group-reader"
    default = run_scan([folder], ScanOptions(repo_root=folder, jobs=1))
    assert any(f.rule_id == "SOD301" for f in default.findings)
    finding = next(f for f in default.findings if f.rule_id == "SOD301")
    assert finding.secret == "aws_secretsmanager_secret.db"
    assert finding.principals == ["aws_iam_group.oncall", "aws_iam_role.app"]
    assert finding.evidence[0].address in finding.principals
    from sod_iac.pipeline.config import parse_config
    from sod_iac.rules import all_rules

    ids = [r.id for r in all_rules()]
    per_secret = parse_config({"rules": {"SOD301": {"secrets": {"aws_secretsmanager_secret.db": 2}}}}, ids).rule_config(ids)
    assert not [f for f in run_scan([folder], ScanOptions(repo_root=folder, jobs=1, config=per_secret)).findings
                if f.rule_id == "SOD301"]
    overall = parse_config({"rules": {"SOD301": {"max_readers": 2}}}, ids).rule_config(ids)
    assert not [f for f in run_scan([folder], ScanOptions(repo_root=folder, jobs=1, config=overall)).findings
                if f.rule_id == "SOD301"]


def test_who_can_read_text_names_readers_members_and_lines() -> None:
    folder = SECRETS / "aws-group-reader"
    result = CliRunner().invoke(cli, ["who-can", "read", "aws_secretsmanager_secret.db", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Readers: 2 (allowed: 1)" in result.output
    assert "aws_iam_group.oncall" in result.output
    assert "members in the code: aws_iam_user.alice" in result.output
    assert "aws_iam_group_policy.oncall (main.tf:" in result.output


def test_who_can_read_json_explains_near_misses() -> None:
    folder = SECRETS / "aws-kms-no-decrypt"
    result = CliRunner().invoke(cli, ["who-can", "read", "aws_secretsmanager_secret.db", str(folder),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["principals"] == ["aws_iam_role.app"]
    missed = {b["principal"]: b["reason"] for b in data["cannot_read"]}
    assert "kms:Decrypt" in missed["aws_iam_role.reporting"]


def test_who_can_read_by_name_and_unknown_secret() -> None:
    folder = SECRETS / "aws-one-reader"
    result = CliRunner().invoke(cli, ["who-can", "read", "prod/db/password", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("aws_secretsmanager_secret.db ")
    result = CliRunner().invoke(cli, ["who-can", "read", "aws_secretsmanager_secret.nope", str(folder)])
    assert result.exit_code == 2
    assert result.stderr.startswith("sod-iac: no secret 'aws_secretsmanager_secret.nope'")


def test_vault_policy_language():
    from sod_iac.access.secret_readers_vault import parse_policy_text, pattern_regex, priority

    hcl = '''
    # comment
    path "kv/data/app/*" { capabilities = ["read", "list"] }
    path "kv/data/app/db" {
      capabilities = ["deny"]
    }
    path "legacy/*" { policy = "write" }
    '''
    rules = dict(parse_policy_text(hcl))
    assert rules["kv/data/app/*"] == {"read", "list"} and rules["kv/data/app/db"] == {"deny"}
    assert "read" in rules["legacy/*"]  # the old `policy = "write"` syntax includes read
    assert dict(parse_policy_text('{"path": {"kv/*": {"capabilities": ["read"]}}}')) == {"kv/*": {"read"}}
    assert parse_policy_text("{not json") is None
    assert pattern_regex("kv/data/+/db").fullmatch("kv/data/app/db")
    assert not pattern_regex("kv/data/+/db").fullmatch("kv/data/a/b/db")
    assert not pattern_regex("kv/data/app").fullmatch("kv/data/app/db")  # no glob: exact path
    # Vault's precedence: later first wildcard, then no trailing glob, fewer +, longer
    ordered = sorted(["kv/*", "kv/data/+/db", "kv/data/app/*", "kv/data/app/db"], key=priority, reverse=True)
    assert ordered == ["kv/data/app/db", "kv/data/app/*", "kv/data/+/db", "kv/*"]


def test_who_can_read_uses_the_config_limit(tmp_path):
    import shutil

    folder = tmp_path / "case"
    shutil.copytree(SECRETS / "aws-group-reader", folder)
    (folder / ".sod-iac.yaml").write_text("rules:\n  SOD301:\n    secrets:\n      aws_secretsmanager_secret.db: 2\n")
    result = CliRunner().invoke(cli, ["who-can", "read", "aws_secretsmanager_secret.db", str(folder),
                                      "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["limit"] == 2
