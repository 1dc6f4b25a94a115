"""`sod-iac matrix`: the SoD matrix, checked against scenarios read by hand.

Expected cells come from the scenarios' HCL and AWS's documented semantics (a KMS key policy
grants the principals it names; a user gets its groups' policies; `*` on `*` is every
permission), never from our own output.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from referencing import Registry, Resource

from sod_iac.pipeline.matrix import MatrixFilters, build_matrix, exit_code, filter_matrix
from sod_iac.report import matrix_csv, matrix_html, matrix_json, matrix_markdown

ROOT = Path(__file__).resolve().parent.parent
DUTIES = ROOT / "testdata" / "duties"
KEY_POLICY = DUTIES / "sod101-aws-key-policy"
SCHEMAS = ROOT / "sod_iac" / "report" / "schema"


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sod_iac", "matrix", "--no-cache", *args], capture_output=True,
                          text=True, cwd=cwd, check=False)


@pytest.fixture(scope="module")
def key_policy():
    return build_matrix([KEY_POLICY])


def _row(matrix, principal):
    return next(r for r in matrix.rows if r.principal == principal)


# --------------------------------------------------------------------------- content


def test_key_admin_and_user_is_highlighted_and_one_sided_principals_are_not(key_policy) -> None:
    # main.tf: `ops` is in the key policy's administration and use statements; `admins` only
    # in administration, `workload` only in use (AWS: a key policy grants whom it names).
    ops, admins, workload = (_row(key_policy, p) for p in
                             ("aws_iam_role.ops", "aws_iam_role.admins", "aws_iam_role.workload"))
    assert (ops.cells["key-admin"].level, ops.cells["key-use"].level) == ("held", "held")
    assert [(c.rule_id, c.conflict, c.status) for c in ops.conflicts] == [("SOD101", "key-admin-and-use", "open")]
    assert (admins.cells["key-admin"].level, admins.cells["key-use"].level) == ("held", "not-held")
    assert (workload.cells["key-admin"].level, workload.cells["key-use"].level) == ("not-held", "held")
    assert admins.conflicts == [] and workload.conflicts == []
    # a held cell points at the file and line of the grant: the key policy (main.tf:24-47)
    location = ops.cells["key-use"].evidence[0].location
    assert location is not None and location.path == "main.tf" and 24 <= location.start_line <= 47
    assert exit_code(key_policy) == 1


def test_columns_are_the_catalog_with_user_duties_grouped_by_family(tmp_path: Path) -> None:
    shutil.copy(KEY_POLICY / "main.tf", tmp_path / "main.tf")
    (tmp_path / ".sod-iac.yaml").write_text(
        "duties:\n  dns-admin:\n    title: Change DNS records\n    aws:\n"
        "      - actions: [route53:ChangeResourceRecordSets]\n        on: any\n")
    result = _cli("--format", "json", str(tmp_path))
    data = json.loads(result.stdout)
    names = [d["name"] for d in data["duties"]]
    assert {"key-admin", "key-use", "secret-admin", "secret-read", "approve", "deploy", "dns-admin"} <= set(names)
    families = [d["family"] for d in data["duties"]]
    # a family's columns are side by side; a duty in no conflict (the user's dns-admin) is `other`
    assert families == sorted(families, key=families.index)
    assert dict(zip(names, families))["dns-admin"] == "other"
    assert dict(zip(names, families))["key-use"] == "key-admin-and-use"


def test_full_administrator_holds_everything_once(tmp_path: Path) -> None:
    # `Action = "*"` on `Resource = "*"` is every permission (AWS AdministratorAccess).
    (tmp_path / "main.tf").write_text('''
resource "aws_iam_role" "admin" {
  name               = "admin"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}
resource "aws_iam_role_policy" "admin" {
  name   = "all"
  role   = aws_iam_role.admin.id
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })
}
''')
    row = _row(build_matrix([tmp_path]), "aws_iam_role.admin")
    assert row.full_admin and {c.level for c in row.cells.values()} == {"held"}
    assert [c.rule_id for c in row.conflicts] == ["SOD111"]
    assert all(not c.evidence for c in row.cells.values())  # the why is said once, on the row
    assert any(e.location and e.location.start_line == 6 for e in row.full_admin_evidence)


def test_group_row_rolls_up_its_members(tmp_path: Path) -> None:
    # alice is in `keys` (AWS: a user gets the policies of its groups); bob is in no group.
    (tmp_path / "main.tf").write_text('''
resource "aws_iam_user" "alice" { name = "alice" }
resource "aws_iam_user" "bob" { name = "bob" }
resource "aws_iam_group" "keys" { name = "keys" }
resource "aws_iam_group_membership" "keys" {
  name  = "keys"
  group = aws_iam_group.keys.name
  users = [aws_iam_user.alice.name]
}
resource "aws_iam_group_policy" "keys" {
  name   = "decrypt"
  group  = aws_iam_group.keys.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "kms:Decrypt", Resource = "*" }] })
}
''')
    matrix = build_matrix([tmp_path])
    group = _row(matrix, "aws_iam_group.keys")
    assert group.kind == "group" and group.members == ["aws_iam_user.alice"]
    assert group.cells["key-use"].level == "held" and group.conflicts == []
    assert _row(matrix, "aws_iam_user.alice").cells["key-use"].level == "held"
    assert _row(matrix, "aws_iam_user.bob").cells["key-use"].level == "not-held"


def test_identity_only_a_rule_knows_has_its_row() -> None:
    # sod104-github: team `release` reviews the production environment and bypasses main's
    # protection: it approves and deploys (SOD104); team `qa` bypasses nothing.
    matrix = build_matrix([DUTIES / "sod104-github"])
    row = _row(matrix, "github_team.release")
    assert (row.cells["approve"].level, row.cells["deploy"].level) == ("held", "held")
    assert [c.rule_id for c in row.open_conflicts] == ["SOD104"]
    assert all(r.principal != "github_team.qa" or not r.conflicts for r in matrix.rows)


def test_principal_reported_by_sod110_shows_its_conflict_as_reported_by_it() -> None:
    # escalator: certain SOD110 (CreatePolicyVersion on its own policy) and SOD103's duties;
    # operator: SOD103 held, its escalation only possible (DESIGN.md "Certain beats possible").
    matrix = build_matrix([DUTIES / "sod103-aws-possible-escalation"])
    escalator = [c for c in _row(matrix, "aws_iam_role.escalator").conflicts if c.rule_id == "SOD103"]
    operator = [c for c in _row(matrix, "aws_iam_role.operator").conflicts if c.rule_id == "SOD103"]
    assert [c.reported_by for c in escalator] == ["SOD110"]
    assert [c.reported_by for c in operator] == ["SOD103"]


def test_conflict_held_only_through_a_possible_escalation_is_reported_by_sod110() -> None:
    # worker may possibly become an AdministratorAccess role: its conflicts are named by its SOD110;
    # keyholder's kms:* on a key of its own is SOD101's (testdata/duties/possible-escalation-chain-restated).
    matrix = build_matrix([DUTIES / "possible-escalation-chain-restated"])
    worker = {c.rule_id: c.reported_by for c in _row(matrix, "aws_iam_role.worker").conflicts}
    keyholder = {c.rule_id: c.reported_by for c in _row(matrix, "aws_iam_role.keyholder").conflicts}
    assert worker == {f"SOD10{i}": "SOD110" for i in range(1, 7)}
    assert keyholder == {"SOD101": "SOD101", **{f"SOD10{i}": "SOD110" for i in range(2, 7)}}


# --------------------------------------------------------------------------- suppression, exit codes


def test_suppressed_conflict_is_shown_but_does_not_fail(tmp_path: Path) -> None:
    text = (KEY_POLICY / "main.tf").read_text()
    text = text.replace('resource "aws_iam_role" "ops" {',
                        '# sod-iac:ignore SOD101 -- break-glass key officer, reviewed quarterly\n'
                        'resource "aws_iam_role" "ops" {')
    (tmp_path / "main.tf").write_text(text)
    result = _cli("--format", "json", str(tmp_path))
    assert result.returncode == 0, result.stderr
    ops = next(r for r in json.loads(result.stdout)["rows"] if r["principal"] == "aws_iam_role.ops")
    assert [(c["rule_id"], c["status"]) for c in ops["conflicts"]] == [("SOD101", "suppressed")]


def test_exit_codes(tmp_path: Path) -> None:
    assert _cli(str(KEY_POLICY)).returncode == 1
    assert _cli("--principal", "aws_iam_role.workload", str(KEY_POLICY)).returncode == 0
    shutil.copy(KEY_POLICY / "main.tf", tmp_path / "main.tf")
    (tmp_path / "broken.tf").write_text('resource "aws_iam_role" "x" {\n  name = \n')
    broken = _cli("--format", "json", str(tmp_path))
    assert broken.returncode == 2 and "broken.tf" in broken.stderr and "Traceback" not in broken.stderr
    # the rest of the scan still ran
    assert any(r["principal"] == "aws_iam_role.ops" for r in json.loads(broken.stdout)["rows"])
    assert _cli(str(tmp_path / "missing")).returncode == 2


# --------------------------------------------------------------------------- filters


def test_filters(key_policy) -> None:
    only = filter_matrix(key_policy, MatrixFilters(only_conflicts=True))
    assert [r.principal for r in only.rows] == ["aws_iam_role.ops"]
    named = filter_matrix(key_policy, MatrixFilters(principal="*.w*"))
    assert [r.principal for r in named.rows] == ["aws_iam_role.workload"]
    keys = filter_matrix(key_policy, MatrixFilters(duty="key-*"))
    assert [d.name for d in keys.duties] == ["key-admin", "key-use"]
    assert all(set(r.cells) == {"key-admin", "key-use"} for r in keys.rows)
    # a conflict stays highlighted only while one of its duties is shown
    secrets = filter_matrix(key_policy, MatrixFilters(duty="secret-*", only_conflicts=True))
    assert secrets.rows == [] and exit_code(secrets) == 0


def test_environment_filter() -> None:
    # sod121-aws: shared_deployer writes the prod bucket and the staging-tagged one;
    # prod_deployer only production buckets; auditor only reads.
    matrix = build_matrix([DUTIES / "sod121-aws"])
    assert _row(matrix, "aws_iam_role.shared_deployer").environments == ["production", "staging"]
    assert _row(matrix, "aws_iam_role.prod_deployer").environments == ["production"]
    assert _row(matrix, "aws_iam_role.auditor").environments == []
    staging = filter_matrix(matrix, MatrixFilters(environment="staging"))
    assert [r.principal for r in staging.rows] == ["aws_iam_role.shared_deployer"]
    cli = _cli("--environment", "production", "--format", "csv", str(DUTIES / "sod121-aws"))
    assert [row["principal"] for row in csv.DictReader(io.StringIO(cli.stdout))] == [
        "aws_iam_role.prod_deployer", "aws_iam_role.shared_deployer"]


# --------------------------------------------------------------------------- formats


def test_csv_opens_as_a_table(key_policy) -> None:
    text = matrix_csv.render(key_policy)
    assert text == matrix_csv.render(build_matrix([KEY_POLICY]))  # stable order
    table = list(csv.reader(io.StringIO(text)))
    header, rows = table[0], table[1:]
    assert len(rows) == len(key_policy.rows) and all(len(r) == len(header) for r in rows)
    by_principal = {r[0]: dict(zip(header, r)) for r in rows}
    ops = by_principal["aws_iam_role.ops"]
    assert (ops["key-admin"], ops["key-use"], ops["secret-read"]) == ("held", "held", "not held")
    assert ops["open_conflicts"] == "1" and "SOD101" in ops["conflicts"]
    assert "key-use: main.tf:" in ops["evidence"]
    assert by_principal["aws_iam_role.workload"]["open_conflicts"] == "0"


def test_json_matches_its_schema(key_policy) -> None:
    report = json.loads((SCHEMAS / "report.schema.json").read_text())
    schema = json.loads((SCHEMAS / "matrix.schema.json").read_text())
    registry = Registry().with_resources([(report["$id"], Resource.from_contents(report)),
                                          (schema["$id"], Resource.from_contents(schema))])
    validator = jsonschema.Draft202012Validator(schema, registry=registry)
    data = json.loads(matrix_json.render(key_policy))
    validator.validate(data)
    validator.validate(json.loads(matrix_json.render(build_matrix([DUTIES / "sod104-github"]))))
    # the schema is not a rubber stamp
    data["rows"][0]["cells"]["key-use"]["level"] = "maybe"
    assert list(validator.iter_errors(data))


def test_markdown_marks_the_conflict_row(key_policy) -> None:
    lines = matrix_markdown.render(key_policy).splitlines()
    ops = next(line for line in lines if "`aws_iam_role.ops`" in line)
    workload = next(line for line in lines if "`aws_iam_role.workload`" in line)
    assert ops.startswith("| ⚠ ") and "SOD101" in ops
    assert "⚠" not in workload and "SOD101" not in workload


# --------------------------------------------------------------------------- HTML in a real browser


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium): the HTML matrix is "
                    "checked in a real headless browser")
    return found


def _dom(browser: str, page: Path, fragment: str = "") -> str:
    proc = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           f"--user-data-dir={page.parent / 'profile'}", "--dump-dom",
                           page.as_uri() + fragment], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_html_in_a_headless_browser(key_policy, tmp_path: Path) -> None:
    browser = _chromium()
    page = tmp_path / "matrix.html"
    html = matrix_html.render(key_policy)
    assert "http://" not in html and "https://" not in html  # self-contained: nothing to fetch
    page.write_text(html, encoding="utf-8")

    from html.parser import HTMLParser

    class Cells(HTMLParser):
        """Rows (principal, hidden) and the conflict cells (principal, duty, rules), in order."""

        def __init__(self) -> None:
            super().__init__()
            self.rows: list[tuple[str, bool]] = []
            self.conflicts: list[tuple[str, str, str]] = []
            self.ready = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            a = dict(attrs)
            if tag == "body":
                self.ready = a.get("data-ready") == "1"
            if tag == "tr" and "data-principal" in a:
                self.rows.append((a["data-principal"] or "", "hidden" in a))
            if tag == "td" and "conflict" in (a.get("class") or "").split():
                self.conflicts.append((self.rows[-1][0], a.get("data-duty") or "", a.get("data-rules") or ""))

    plain = Cells()
    plain.feed(_dom(browser, page))
    assert plain.ready  # the page's own script ran, with no network
    assert plain.conflicts == [("aws_iam_role.ops", "key-admin", "SOD101"), ("aws_iam_role.ops", "key-use", "SOD101")]
    assert [p for p, hidden in plain.rows if not hidden] == [
        "aws_iam_role.admins", "aws_iam_role.ops", "aws_iam_role.workload"]

    # filtering and sorting, by the page's script, from the address
    filtered = Cells()
    filtered.feed(_dom(browser, page, "#conflicts=1"))
    assert [p for p, hidden in filtered.rows if not hidden] == ["aws_iam_role.ops"]
    ordered = Cells()
    ordered.feed(_dom(browser, page, "#sort=principal&dir=desc&q=workload"))
    assert [p for p, _ in ordered.rows] == ["aws_iam_role.workload", "aws_iam_role.ops", "aws_iam_role.admins"]
    assert [p for p, hidden in ordered.rows if not hidden] == ["aws_iam_role.workload"]


def test_markdown_stays_under_its_size_limit(key_policy) -> None:
    full = matrix_markdown.render(key_policy)
    small = matrix_markdown.render(key_policy, max_bytes=len(full.encode("utf-8")) - 1)
    assert len(small.encode("utf-8")) < len(full.encode("utf-8"))
    assert "`aws_iam_role.ops`" in small and "`aws_iam_role.admins`" not in small  # conflicts first
    assert "2 of 3 principal(s) left out" in small


def test_ci_identities_are_labelled_with_their_ci_system() -> None:
    """sod120-aws/main.tf: six roles' trust policies allow sts:AssumeRoleWithWebIdentity to the
    OIDC provider of token.actions.githubusercontent.com (GitHub Actions) and `tfc_plans` to
    app.terraform.io's (HCP Terraform). Every one is a CI identity, whether its conditions pin
    reviewed refs (`main_only`, `prod_env`) or not, and whether it can write or only read
    (`readonly_ci`). The key-policy scenario trusts no OIDC provider: no row is a CI identity."""
    matrix = build_matrix([DUTIES / "sod120-aws"])
    github = ["any_branch", "pull_requests", "no_sub", "main_only", "prod_env", "readonly_ci"]
    expected = {f"aws_iam_role.{name}": ["GitHub Actions"] for name in github}
    expected["aws_iam_role.tfc_plans"] = ["HCP Terraform"]
    assert {row.principal: row.ci for row in matrix.rows} == expected
    markdown = matrix_markdown.render(matrix)
    assert "`aws_iam_role.main_only` (CI: GitHub Actions)" in markdown
    assert "`aws_iam_role.tfc_plans` (CI: HCP Terraform)" in markdown
    table = list(csv.DictReader(io.StringIO(matrix_csv.render(matrix))))
    assert {r["principal"]: r["ci"] for r in table}["aws_iam_role.prod_env"] == "GitHub Actions"
    assert "CI: GitHub Actions" in matrix_html.render(matrix)
    assert not [row.principal for row in build_matrix([KEY_POLICY]).rows if row.ci]



def test_principal_filter_takes_addresses_with_brackets_literally(tmp_path):
    """`--principal` is the project's `*`/`?` glob: `[` and `"` in an instance address are
    literal (fnmatch read `["a"]` as a character class and matched nothing)."""
    (tmp_path / "main.tf").write_text('''
resource "aws_iam_role" "team" {
  for_each = toset(["a", "b"])
  name     = "team-${each.key}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}
''', encoding="utf-8")
    matrix = build_matrix([tmp_path])
    wanted = 'aws_iam_role.team["a"]'
    assert wanted in {row.principal for row in matrix.rows}
    assert [row.principal for row in filter_matrix(matrix, MatrixFilters(principal=wanted)).rows] == [wanted]
    assert {row.principal for row in filter_matrix(matrix, MatrixFilters(principal='aws_iam_role.team[*]')).rows} \
        == {wanted, 'aws_iam_role.team["b"]'}
