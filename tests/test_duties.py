"""The duty catalog (rulesets/default.yaml), its validation, and user duties/conflicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sod_iac.access.aws_actions import expand_action, is_known
from sod_iac.access.duties.catalog import RulesetError, load_ruleset
from sod_iac.access.duties.service import Duties
from sod_iac.access.gcp import predefined_role
from sod_iac.cli import cli


def test_default_catalog_loads_and_every_conflict_names_known_duties() -> None:
    ruleset = load_ruleset()
    assert {"key-admin", "key-use", "identity-admin", "identity-use", "audit-control", "write",
            "permissions-admin", "approve", "deploy", "secret-admin", "secret-read"} <= set(ruleset.duties)
    assert [c.rule for c in ruleset.conflicts] == ["SOD101", "SOD102", "SOD103", "SOD104", "SOD105", "SOD106"]
    sod105 = ruleset.conflicts_of("SOD105")[0]
    assert sod105.same_resource and sod105.duties == ["secret-admin", "secret-read"]


def test_every_aws_action_of_the_catalog_is_in_the_iam_database() -> None:
    for duty in load_ruleset().duties.values():
        for clause in duty.aws:
            for action in clause.actions:
                if "*" in action:
                    assert expand_action(action), f"{duty.name}: {action} expands to nothing"
                else:
                    assert is_known(action), f"{duty.name}: {action} is not a known IAM action"


def test_gcp_use_roles_hold_no_key_administration() -> None:
    """The inverted logic public checks shipped: use-only roles must not count as admin."""
    admin = load_ruleset().duties["key-admin"].gcp["permissions"]
    for role in ("roles/cloudkms.cryptoKeyEncrypterDecrypter", "roles/cloudkms.cryptoKeyEncrypter",
                 "roles/cloudkms.cryptoKeyDecrypter"):
        assert not set(predefined_role(role)["permissions"]) & set(admin)
    assert "cloudkms.cryptoKeyVersions.useToDecrypt" not in predefined_role("roles/cloudkms.admin")["permissions"]


def test_invalid_catalog_points_at_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.yaml"
    bad.write_text("duties:\n  x:\n    title: X\n    gcp:\n      permisions: [a.b.c]\nconflicts: []\n")
    with pytest.raises(RulesetError, match=r"catalog\.yaml:5: .*unknown gcp key\(s\) permisions"):
        load_ruleset(path=bad)


def test_user_conflict_must_name_known_duties() -> None:
    with pytest.raises(RulesetError, match="unknown duty 'dns-admin'"):
        load_ruleset(None, [{"id": "x", "rule": "SOD104", "duties": ["dns-admin", "deploy"]}])
    with pytest.raises(RulesetError, match="rule must be one of SOD101-SOD106"):
        load_ruleset(None, [{"rule": "SOD301", "duties": ["approve", "deploy"]}])


def test_user_duty_replaces_a_default_one() -> None:
    ruleset = load_ruleset({"approve": {"title": "Approve", "aws": [{"actions": ["ssm:SendCommand"]}]}}, None)
    assert ruleset.duties["approve"].aws[0].actions == ("ssm:SendCommand",)


TF = """
resource "aws_iam_role" "dns_ops" {
  name = "dns-ops"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",
    Action = "sts:AssumeRole", Principal = {Service = "ec2.amazonaws.com"}}]})
}
resource "aws_iam_role_policy" "dns_ops" {
  name = "dns-and-certs"
  role = aws_iam_role.dns_ops.id
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",
    Action = ["route53:ChangeResourceRecordSets", "acm:RequestCertificate"], Resource = "*"}]})
}
resource "aws_iam_role" "dns_only" {
  name = "dns-only"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",
    Action = "sts:AssumeRole", Principal = {Service = "ec2.amazonaws.com"}}]})
}
resource "aws_iam_role_policy" "dns_only" {
  name = "dns"
  role = aws_iam_role.dns_only.id
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",
    Action = ["route53:ChangeResourceRecordSets"], Resource = "*"}]})
}
"""

CONFIG = """
duties:
  dns-admin:
    title: Change DNS
    aws:
      - actions: [route53:ChangeResourceRecordSets]
  cert-issue:
    title: Issue certificates
    aws:
      - actions: [acm:RequestCertificate]
conflicts:
  - id: dns-and-certificates
    rule: SOD104
    duties: [dns-admin, cert-issue]
    severity: critical
    rationale: Whoever controls DNS must not also issue certificates for it.
"""


def test_user_defined_conflict_from_a_config_file(write_tree) -> None:
    root = write_tree({"main.tf": TF, ".sod-iac.yaml": CONFIG})
    result = CliRunner().invoke(cli, ["scan", str(root), "--format", "json"])
    report = json.loads(result.output)
    found = [f for f in report["findings"] if f["rule_id"] == "SOD104"]
    assert [(f["resource"], f["severity"]) for f in found] == [("aws_iam_role.dns_ops", "critical")]
    assert found[0]["duties"] == ["cert-issue", "dns-admin"]
    assert "dns-and-certificates" in found[0]["message"]
    assert {e["duty"] for e in found[0]["evidence"]} == {"dns-admin", "cert-issue"}


def test_broken_user_conflict_is_an_error_not_a_crash(write_tree) -> None:
    root = write_tree({"main.tf": TF, ".sod-iac.yaml": "conflicts:\n  - rule: SOD104\n    duties: [nope, deploy]\n"})
    result = CliRunner().invoke(cli, ["scan", str(root), "--format", "json"])
    assert result.exit_code == 2
    assert f"{root / '.sod-iac.yaml'}:2: conflict SOD104: unknown duty 'nope'" in result.stderr  # a config error
    assert "internal error" not in result.output and "Traceback" not in result.output


def test_held_returns_duty_tagged_evidence(write_tree) -> None:
    from sod_iac.access import build_access
    from sod_iac.load import load_project

    root = write_tree({"main.tf": TF})
    duties = Duties(build_access(load_project([str(root)])))
    assert duties.held("aws_iam_role.dns_only", "approve") == []
    ruleset = load_ruleset({"dns-admin": {"aws": [{"actions": ["route53:Change*"]}]}}, None)
    duties = Duties(duties.access, ruleset)
    evidence = duties.held("aws_iam_role.dns_only", "dns-admin")
    assert evidence and {e.duty for e in evidence} == {"dns-admin"}
    assert any(e.address == "aws_iam_role_policy.dns_only" for e in evidence)


ACCOUNTS_TF = """
resource "aws_iam_role" "replicator" {
  name = "replicator"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",
    Action = "sts:AssumeRole", Principal = {Service = "lambda.amazonaws.com"}}]})
}
resource "aws_iam_role_policy" "replicator" {
  name = "tables"
  role = aws_iam_role.replicator.id
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "dynamodb:PutItem",
    Resource = ["arn:aws:dynamodb:eu-west-1:111111111111:table/orders",
                "arn:aws:dynamodb:eu-west-1:222222222222:table/orders"]}]})
}
"""


def test_sod121_knows_environments_by_account_id(write_tree) -> None:
    from sod_iac.pipeline.scan import ScanOptions, run_scan

    root = write_tree({"main.tf": ACCOUNTS_TF})
    plain = run_scan([root], ScanOptions(repo_root=root, jobs=1))
    assert not [f for f in plain.findings if f.rule_id == "SOD121"]  # the code names no environment
    config = {"rules": {"SOD121": {"accounts": {"111111111111": "production", "222222222222": "staging"}}}}
    report = run_scan([root], ScanOptions(repo_root=root, jobs=1, config=config))
    found = [f for f in report.findings if f.rule_id == "SOD121"]
    assert [f.resource for f in found] == ["aws_iam_role.replicator"]
    assert found[0].duties == ["change-production", "change-staging"]


OUTSIDE_ROLES_TF = """
resource "aws_iam_role" "release" {
  name = "release"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow",
    Action = "sts:AssumeRole", Principal = {Service = "codebuild.amazonaws.com"}}]})
}
resource "aws_iam_role_policy" "release" {
  name = "assume-deployers"
  role = aws_iam_role.release.id
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole",
    Resource = ["arn:aws:iam::222222222222:role/deployer", "arn:aws:iam::333333333333:role/deployer"]}]})
}
"""


def test_sod121_knows_outside_roles_by_account_id(write_tree) -> None:
    """A role that may assume a deployer role in two accounts (roles not in the code, whose
    names say nothing) changes the environments the `accounts` option gives those accounts."""
    from sod_iac.pipeline.scan import ScanOptions, run_scan

    root = write_tree({"main.tf": OUTSIDE_ROLES_TF})

    def sod121(accounts: dict[str, str]) -> list:
        config = {"rules": {"SOD121": {"accounts": accounts}}}
        report = run_scan([root], ScanOptions(repo_root=root, jobs=1, config=config))
        return [f for f in report.findings if f.rule_id == "SOD121"]

    found = sod121({"222222222222": "staging", "333333333333": "production"})
    assert [(f.resource, f.duties) for f in found] == [("aws_iam_role.release", ["change-production", "change-staging"])]
    assert sod121({"222222222222": "production", "333333333333": "production"}) == []


def test_demo_estate_plants_sod101_and_sod120() -> None:
    from sod_iac.pipeline.scan import ScanOptions, run_scan

    demo = Path(__file__).resolve().parent.parent / "testdata" / "demo"
    report = run_scan([demo], ScanOptions(repo_root=demo, jobs=1))
    found = {(f.rule_id, f.resource) for f in report.findings}
    assert ("SOD101", "aws_iam_role.security_ops") in found     # kms.tf: key admin that decrypts
    assert ("SOD120", "aws_iam_role.ci_deploy") in found         # ci.tf: repo:acme/platform:*
    assert ("SOD101", "aws_iam_role.app") not in found           # decrypt only


# --------------------------------------------------------------------------- read-only means read-only

CHANGING_DUTIES = ("write", "permissions-admin", "deploy", "approve", "key-admin", "identity-admin",
                   "audit-control", "secret-admin")
READ_ONLY_POLICIES = ("ReadOnlyAccess", "job-function/ViewOnlyAccess", "SecurityAudit")


def _granted_by(policy: str) -> frozenset[str]:
    from sod_iac.access.aws_managed import managed_policy

    document = managed_policy(f"arn:aws:iam::aws:policy/{policy}")
    assert document is not None, f"{policy} is not bundled"
    return frozenset(a for st in document["Statement"] if st["Effect"] == "Allow"
                     for pattern in st["Action"] for a in expand_action(pattern))


@pytest.mark.parametrize("policy", READ_ONLY_POLICIES)
def test_aws_read_only_job_policies_give_no_changing_duty(policy: str) -> None:
    """DESIGN.md "Read-only means read-only": AWS ships these as its read-only job policies, so
    nothing they grant changes anything, whatever the service reference labels an action."""
    ruleset = load_ruleset()
    granted = _granted_by(policy)
    for duty in CHANGING_DUTIES:
        assert not granted & ruleset.aws_actions(duty), f"{policy} gives {duty}"


def test_mislabelled_reads_do_not_count_but_real_changes_still_do() -> None:
    ruleset = load_ruleset()
    write, perms = ruleset.aws_actions("write"), ruleset.aws_actions("permissions-admin")
    # labelled Write / Permissions management, granted by ReadOnlyAccess / SecurityAudit
    assert "athena:GetSessionEndpoint" not in write
    assert "backup:ListIndexedRecoveryPointsForSearch" not in perms
    assert "quicksight:DescribeDataSetPermissions" not in perms
    # starting a query runs it (and writes its results); an inline role policy changes access
    assert "athena:StartQueryExecution" in write
    assert "iam:PutRolePolicy" in perms
    # a Get* that mints database credentials is left out of ReadOnlyAccess by AWS: still a change
    assert "redshift:GetClusterCredentials" in write
    assert "cloudshell:GetFileUploadUrls" in write


def test_read_duties_keep_sensitive_reads() -> None:
    """Only a changing use of a label is corrected: reading a secret or an object is still a read."""
    ruleset = load_ruleset({"data-read": {"aws": [{"access_levels": ["Read"], "on": "any"}]}}, None)
    assert "secretsmanager:GetSecretValue" in ruleset.aws_actions("secret-read")
    assert "s3:GetObject" in ruleset.aws_actions("data-read")  # ReadOnlyAccess grants s3:Get*
    assert "s3:GetObject" in _granted_by("ReadOnlyAccess")


def test_read_only_policy_must_be_bundled(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.yaml"
    bad.write_text("read_only:\n  aws:\n    policies: [ReadOnlyAcess]\nduties:\n  x:\n    aws:\n"
                   "      - access_levels: [Write]\nconflicts: []\n")
    with pytest.raises(RulesetError, match=r"catalog\.yaml:3: read_only\.aws: ReadOnlyAcess not among"):
        load_ruleset(path=bad)


# --------------------------------------------------------------------------- possible escalation chains (issue 16)

CHAIN = Path(__file__).resolve().parent.parent / "testdata" / "duties" / "possible-escalation-chain-restated"


def test_possible_sod110_names_the_conflicts_its_chain_would_give() -> None:
    """A role that may (possibly) become an AdministratorAccess role holds, in that role's
    session, every duty: SOD101-105 leave those conflicts to its SOD110, which names them; a
    conflict it holds without that session (kms:* on a key of its own, or through a role that
    gives no power) is not named there and keeps its own finding, with only that evidence."""
    from sod_iac.pipeline.scan import ScanOptions, run_scan

    report = run_scan([CHAIN], ScanOptions(repo_root=CHAIN, jobs=1))
    sod110 = {f.resource: f.message for f in report.findings if f.rule_id == "SOD110"}
    chain = ("identity-admin + identity-use (SOD102), audit-control + write (SOD103), approve + deploy (SOD104), "
             "secret-admin + secret-read (SOD105), identity-provisioning + entitlement-assignment (SOD106)")
    assert sod110["aws_iam_role.worker"].count(f"would also hold key-admin + key-use (SOD101), {chain}") == 1
    for principal in ("aws_iam_role.keyholder", "aws_iam_role.hopper"):
        assert f"would also hold {chain} (possible" in sod110[principal]
    sod101 = next(f for f in report.findings if (f.rule_id, f.resource) == ("SOD101", "aws_iam_role.keyholder"))
    assert sod101.message.endswith("which includes kms:Decrypt")  # certain: held without the chain
    assert not [hop for hop in sod101.evidence if hop.address == "aws_iam_role.admin"
                or (hop.location and hop.location.start_line == 86)]  # not the assume statement
