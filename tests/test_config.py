"""Configuration: discovery, validation errors that point at file:line:key, and how settings
reach rules (`ctx.option`) and the finding list (selection, severities, excluded paths)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_duties import TF as USER_DUTY_TF  # tests/ is on sys.path; dns_ops: DNS + certificates

from sod_iac.cli import cli
from sod_iac.core.model import Finding, Location, Project
from sod_iac.pipeline.config import Config, ConfigError, find_config, load_config, parse_config
from sod_iac.rules.context import Context
from sod_iac.rules.registry import all_rules

RULE_IDS = [r.id for r in all_rules()]


@pytest.fixture
def fake_rules(monkeypatch):
    """Run only the given checks, whatever rules are registered for real."""
    from sod_iac.rules import registry

    def use(**checks):
        rules = [dataclasses.replace(registry.get_rule(rule_id), check=check) for rule_id, check in checks.items()]
        monkeypatch.setattr(registry, "all_rules", lambda: rules)

    use()
    return use


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- lowering to ctx.option

FULL = """\
fail_on: medium
check: [SOD1*, SOD3*]
skip_check: SOD111
exclude_paths: [examples, legacy/**]
max_readers: 2
production: [prod, ".*-production"]
environments:
  production: [prod, prd]
  staging: [stg, staging]
rules:
  SOD3*:
    severity: high
  SOD301:
    max_readers: 3
  sod203:
    allowed_writers: [aws_iam_role.deployer]
  SOD110:
    enabled: false
resources:
  aws_secretsmanager_secret.db:
    max_readers: 4
  module.app.aws_secretsmanager_secret.*:
    max_readers: 5
duties:
  - id: billing-admin
    aws: {actions: ["aws-portal:ModifyBilling"]}
conflicts:
  - duties: [billing-admin, key-use]
    rule: SOD101
"""


def test_settings_reach_rules_through_ctx_option(tmp_path):
    config = load_config(write(tmp_path / ".sod-iac.yaml", FULL), RULE_IDS)
    ctx = Context(project=Project(), config=config.rule_config(RULE_IDS))
    assert ctx.option("SOD301", "max_readers") == 3          # per rule wins over global
    assert ctx.config["rules"]["SOD302"] == {}               # SOD302 reads no setting
    assert ctx.option("SOD203", "allowed_writers") == ["aws_iam_role.deployer"]  # ids are case-insensitive
    assert ctx.option("SOD121", "environments") == {"production": ["prod", "prd"], "staging": ["stg", "staging"]}
    assert ctx.option("SOD210", "production") == ["prod", ".*-production"]
    with pytest.raises(KeyError):
        ctx.option("SOD301", "severity")                     # selection keys are not rule settings
    assert ctx.option("SOD301", "max_readers", address="aws_secretsmanager_secret.db") == 4
    assert ctx.option("SOD301", "max_readers", address="module.app.aws_secretsmanager_secret.x") == 5
    assert ctx.option("SOD301", "max_readers", address='aws_secretsmanager_secret.other["k"]') == 3
    assert ctx.config["duties"] == [{"id": "billing-admin", "aws": {"actions": ["aws-portal:ModifyBilling"]}}]
    assert ctx.config["conflicts"][0]["rule"] == "SOD101"


def test_selection_and_severity_lowering(tmp_path):
    config = load_config(write(tmp_path / ".sod-iac.yaml", FULL), RULE_IDS)
    assert config.fail_on == "medium"
    assert config.check == ["SOD1*", "SOD3*"] and config.skip_check == ["SOD111"]
    assert config.disabled(RULE_IDS) == ["SOD110"]
    assert config.severities(RULE_IDS) == {"SOD301": "high", "SOD302": "high", "SOD303": "high"}


def test_unset_settings_leave_rule_defaults():
    ctx = Context(project=Project(), config=Config().rule_config(RULE_IDS))
    assert ctx.option("SOD301", "max_readers") == 1
    assert ctx.option("SOD301", "max_readers", address="aws_secretsmanager_secret.db") == 1
    assert ctx.option("SOD210", "production") == ["prod", "production", "prd", "live"]


# --------------------------------------------------------------------------- errors point at the line


@pytest.mark.parametrize(("text", "expected"), [
    ("fail_on: urgent\n", ".sod-iac.yaml:1: fail_on: Input should be"),
    ("check: [SOD1*]\nmax_reader: 2\n", ".sod-iac.yaml:2: max_reader: unknown key; did you mean max_readers?"),
    ("rules:\n  SOD301:\n    max_reader: 2\n", ".sod-iac.yaml:3: rules.SOD301.max_reader: unknown key; did you mean max_readers?"),
    ("resources:\n  a.b:\n    max_writer: 2\n", ".sod-iac.yaml:3: resources.a.b.max_writer: unknown key; did you mean max_writers?"),
    ("resources:\n  a.b:\n    environments: {}\n", ".sod-iac.yaml:3: resources.a.b.environments: unknown key (environments is read for the whole scan"),
    ("rules:\n  SOD301:\n    max_writers: 2\n", ".sod-iac.yaml:3: rules.SOD301.max_writers: SOD301 does not read max_writers (read by SOD203)"),
    ("rules:\n  SOD3*:\n    production: [prod]\n", ".sod-iac.yaml:3: rules.SOD3*.production: SOD3* does not read production"),
    ("production: [prod, '*-prod']\n", ".sod-iac.yaml:1: production.1: Value error, '*-prod' is not a regular expression"),
    ("a: 1\na: 2\n", ".sod-iac.yaml:2: invalid YAML: found duplicate key 'a'"),
    ("duties:\n  dns:\n    aws:\n      - actions: [route53]\n", ".sod-iac.yaml:4: duty 'dns': 'route53' is not an IAM action"),
    ("conflicts:\n  - rule: SOD104\n    duties: [approve, dns-admin]\n", ".sod-iac.yaml:2: conflict SOD104: unknown duty 'dns-admin'"),
    ("rules:\n  SOD301:\n    max_readers: two\n", ".sod-iac.yaml:3: rules.SOD301.max_readers: Input should be a valid integer"),
    ("rules:\n  SOD301:\n    max_readers: -1\n", ".sod-iac.yaml:3: rules.SOD301.max_readers: Input should be greater than or equal to 0"),
    ("rules:\n  SOD999:\n    enabled: false\n", ".sod-iac.yaml:2: rules: 'SOD999' matches no rule"),
    ("skip_check:\n  - SOD1*\n  - SDO2*\n", ".sod-iac.yaml:3: skip_check: 'SDO2*' matches no rule"),
    ("skip_check: [SOD1*,\n  SDO2*]\n", ".sod-iac.yaml:2: skip_check: 'SDO2*' matches no rule"),
    ("rules:\n  SOD301:\n    severity: huge\n", ".sod-iac.yaml:3: rules.SOD301.severity: Input should be"),
    ("environments:\n  prod: prod\n", ".sod-iac.yaml:2: environments.prod: Input should be a valid list"),
    ("- a\n- b\n", ".sod-iac.yaml:1: the configuration must be a mapping"),
    ("rules: [\n", ".sod-iac.yaml:2: invalid YAML"),
])
def test_yaml_errors_name_line_and_key(tmp_path, text, expected):
    path = write(tmp_path / ".sod-iac.yaml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, RULE_IDS)
    assert str(caught.value).startswith(f"{tmp_path}/{expected}"), str(caught.value)


def test_pyproject_table_and_its_error_lines(tmp_path):
    write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n\n[tool.sod-iac]\nfail_on = "high"\n'
                                       '[tool.sod-iac.rules.SOD301]\nmax_readers = 2\n')
    config = load_config(tmp_path / "pyproject.toml", RULE_IDS)
    assert config.fail_on == "high"
    assert Context(project=Project(), config=config.rule_config(RULE_IDS)).option("SOD301", "max_readers") == 2
    write(tmp_path / "pyproject.toml", '[tool.sod-iac]\nfail_on = "high"\n\n[tool.sod-iac.rules.SOD301]\n'
                                       'max_readers = "two"\n')
    with pytest.raises(ConfigError, match=r"pyproject.toml:5: rules.SOD301.max_readers: Input should be a valid integer"):
        load_config(tmp_path / "pyproject.toml", RULE_IDS)


def test_empty_file_is_an_empty_config(tmp_path):
    loaded = load_config(write(tmp_path / ".sod-iac.yaml", "# nothing yet\n"), RULE_IDS)
    assert loaded.model_dump() == Config().model_dump()
    assert loaded.source == str(tmp_path / ".sod-iac.yaml")
    assert parse_config(None, RULE_IDS).model_dump() == Config().model_dump()


# --------------------------------------------------------------------------- discovery


def test_find_config_walks_up_to_the_repository_root(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    deep = repo / "infra" / "prod"
    deep.mkdir(parents=True)
    assert find_config(deep) is None
    write(tmp_path / ".sod-iac.yaml", "fail_on: low\n")  # above the repository: never used
    assert find_config(deep) is None
    write(repo / "pyproject.toml", "[project]\nname = 'x'\n")  # no [tool.sod-iac]: skipped
    assert find_config(deep) is None
    write(repo / "pyproject.toml", "[tool.sod-iac]\nfail_on = 'low'\n")
    assert find_config(deep) == repo / "pyproject.toml"
    write(repo / "infra" / ".sod-iac.yml", "fail_on: low\n")
    assert find_config(deep) == repo / "infra" / ".sod-iac.yml"
    write(deep / ".sod-iac.yaml", "fail_on: low\n")
    assert find_config(deep) == deep / ".sod-iac.yaml"


# --------------------------------------------------------------------------- through the CLI

TF = """\
resource "aws_iam_role" "ci" {
  name = "ci"
}

resource "aws_iam_role" "other" {
  name = "other"
}
"""


@pytest.fixture
def tree(tmp_path, fake_rules):
    root = tmp_path / "infra"
    write(root / "main.tf", TF)
    write(root / "examples" / "ex.tf", 'resource "aws_iam_role" "ex" {\n  name = "ex"\n}\n')

    def escalation(ctx):
        limit = ctx.option("SOD301", "max_readers")
        for address in ("aws_iam_role.ci", "aws_iam_role.other", "aws_iam_role.ex"):
            yield ctx.finding("SOD110", address, f"{address} (limit {limit})", principal=address,
                              duties=["permissions-admin"])

    def admin(ctx):
        yield ctx.finding("SOD111", "aws_iam_role.ci", "admin", principal="aws_iam_role.ci", duties=["all"])

    fake_rules(SOD110=escalation, SOD111=admin)
    return root


def _scan(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["scan", *args, "--format", "json"])
    return result.exit_code, (json.loads(result.stdout) if result.stdout else {"stderr": result.stderr})


def test_cli_discovers_config_and_applies_it(tree):
    write(tree / ".sod-iac.yaml", "fail_on: critical\nexclude_paths: [examples]\nmax_readers: 7\n"
                                  "rules:\n  SOD110: {severity: low}\n  SOD111: {enabled: false}\n")
    code, data = _scan(str(tree))
    assert code == 0  # fail_on: critical from the config
    assert [(f["rule_id"], f["resource"], f["severity"]) for f in data["findings"]] == [
        ("SOD110", "aws_iam_role.ci", "low"), ("SOD110", "aws_iam_role.other", "low")]
    assert data["findings"][0]["message"].endswith("(limit 7)")
    code, _ = _scan(str(tree), "--fail-on", "low")  # the command line wins
    assert code == 1


def test_cli_check_and_skip_check_wildcards(tree):
    code, data = _scan(str(tree), "--check", "SOD11*", "--skip-check", "sod110")
    assert {f["rule_id"] for f in data["findings"]} == {"SOD111"}
    code, data = _scan(str(tree), "--check", "SOD110,SOD111", "--skip-check", "SOD1*")
    assert data["findings"] == [] and code == 0
    code, data = _scan(str(tree), "--check", "SOD9*")
    assert code == 2 and "--check SOD9*: matches no rule" in data["stderr"]


def test_cli_explicit_config_and_its_errors(tree, tmp_path):
    other = write(tmp_path / "elsewhere.yaml", "skip_check: [SOD110]\n")
    _, data = _scan(str(tree), "--config", str(other))
    assert {f["rule_id"] for f in data["findings"]} == {"SOD111"}
    broken = write(tmp_path / "broken.yaml", "rules:\n  SOD110:\n    severity: huge\n")
    code, data = _scan(str(tree), "--config", str(broken))
    assert code == 2
    assert data["stderr"].startswith(f"sod-iac: {broken}:3: rules.SOD110.severity: ")
    assert "Traceback" not in data["stderr"]
    code, data = _scan(str(tree), "--config", str(tmp_path / "missing.yaml"))
    assert code == 2 and "--config not found" in data["stderr"]


def test_excluded_paths_drop_findings_and_errors(tree):
    write(tree / "examples" / "broken.tf", "resource {\n")
    code, data = _scan(str(tree))
    assert code == 2
    write(tree / ".sod-iac.yaml", "exclude_paths: ['examples/**']\n")
    code, data = _scan(str(tree))
    assert code == 1 and data["errors"] == []
    assert all(not f["location"]["path"].startswith("examples/") for f in data["findings"])


def test_wildcard_paths():
    from sod_iac.util.wildcard import matches, path_matches

    assert path_matches("examples", "a/examples/x.tf") and path_matches("examples", "examples/x.tf")
    assert not path_matches("examples", "my-examples/x.tf")
    assert path_matches("legacy/**", "legacy/a/b.tf") and not path_matches("legacy/**", "x/legacy/a.tf")
    assert path_matches("*.tf.json", "a/b/c.tf.json")
    assert path_matches("modules/old", "modules/old/main.tf")
    # gitignore: a slash at the start or in the middle anchors the pattern at the root; a
    # trailing slash matches folders only; [...] is a character class (git's gitignore docs)
    assert path_matches("/examples", "examples/x.tf") and not path_matches("/examples", "a/examples/x.tf")
    assert path_matches("examples/", "examples/x.tf") and not path_matches("examples/", "examples")
    assert path_matches("env[12]", "env1/main.tf") and not path_matches("env[12]", "env3/main.tf")
    assert matches('aws_iam_role.app["*"]', 'aws_iam_role.app["k"]')
    assert not matches('aws_iam_role.app["k"]', "aws_iam_role.appk")  # brackets are literal


def test_severity_override_keeps_fingerprint():
    from sod_iac.pipeline.selection import override_severity

    f = Finding(rule_id="SOD110", family="combined-duties", severity="high", title="t", message="m",
                resource="r", location=Location(path="a.tf", start_line=1, end_line=1))
    (changed,) = override_severity([f], {"SOD110": "low"})
    assert changed.severity == "low" and changed.fingerprint == f.fingerprint


def test_aliases_and_bridges_for_rule_readers():
    config = parse_config({"production": ["prod*"], "max_writers": 2, "reviewed_refs": ["refs/heads/main"],
                           "resources": {"aws_secretsmanager_secret.db": {"max_readers": 3},
                                         "aws_secretsmanager_secret.x*": {"max_readers": 9}},
                           "rules": {"SOD301": {"secrets": {"aws_secretsmanager_secret.other": 2}}}}, RULE_IDS)
    ctx = Context(project=Project(), config=config.rule_config(RULE_IDS))
    assert ctx.option("SOD213", "production") == ["prod*"]
    assert ctx.option("SOD203", "max_writers") == 2
    assert ctx.option("SOD120", "reviewed_refs") == ["refs/heads/main"]
    assert ctx.option("SOD301", "max_readers", address="aws_secretsmanager_secret.other") == 2  # secrets: sugar
    assert ctx.option("SOD301", "max_readers", address="aws_secretsmanager_secret.xyz") == 9
    with pytest.raises(ConfigError, match="min_approvals: Input should be greater than or equal to 1"):
        parse_config({"min_approvals": 0}, RULE_IDS)


def test_readme_configuration_example_is_valid(tmp_path):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    config = load_config(write(tmp_path / ".sod-iac.yaml", example), RULE_IDS)
    ctx = Context(project=Project(), config=config.rule_config(RULE_IDS))
    assert ctx.option("SOD301", "max_readers") == 2
    assert ctx.option("SOD301", "max_readers", address="aws_secretsmanager_secret.db") == 3
    assert ctx.option("SOD203", "max_writers", address="terraform.backend.s3") == 2
    assert ctx.option("SOD203", "max_writers", address="terraform.backend.gcs") == 1
    assert sorted(ctx.config["duties"]) == ["cert-issue", "dns-admin"]
    assert config.severities(RULE_IDS)["SOD203"] == "medium"
    assert config.disabled(RULE_IDS) == ["SOD111"]


# --------------------------------------------------------------------------- per-resource settings, end to end

TESTDATA = Path(__file__).resolve().parent.parent / "testdata"

GCP_TWO_READERS = """\
resource "google_service_account" "app" {
  project    = "acme-prod"
  account_id = "app"
}

resource "google_service_account" "batch" {
  project    = "acme-prod"
  account_id = "batch"
}

resource "google_secret_manager_secret" "db" {
  project   = "acme-prod"
  secret_id = "db-password"
  replication {
    auto {}
  }
}

resource "google_secret_manager_secret_iam_binding" "db" {
  project   = "acme-prod"
  secret_id = google_secret_manager_secret.db.secret_id
  role      = "roles/secretmanager.secretAccessor"
  members   = ["serviceAccount:${google_service_account.app.email}",
               "serviceAccount:${google_service_account.batch.email}"]
}
"""


def _real_scan(root: Path, *args: str) -> tuple[int, set[tuple[str, str]], dict]:
    result = CliRunner().invoke(cli, ["scan", str(root), "--no-cache", "--format", "json", *args])
    data = json.loads(result.stdout) if result.stdout.startswith("{") else {"stderr": result.stderr, "findings": []}
    return result.exit_code, {(f["rule_id"], f["resource"]) for f in data["findings"]}, data


def test_wildcard_resource_setting_reaches_sod301(tmp_path):
    """Issue 15: `resources: {"google_secret_manager_secret.*": {max_readers: 3}}` used to change nothing.
    secretAccessor grants secretmanager.versions.access (GCP IAM), so both accounts read the payload."""
    write(tmp_path / "main.tf", GCP_TWO_READERS)
    _, found, _ = _real_scan(tmp_path, "--check", "SOD301")
    assert ("SOD301", "google_secret_manager_secret.db") in found  # two readers, default limit 1
    write(tmp_path / ".sod-iac.yaml", 'max_readers: 1\nresources:\n  "google_secret_manager_secret.*":\n'
                                      '    max_readers: 3\n')
    code, found, data = _real_scan(tmp_path, "--check", "SOD301")
    assert found == set() and code == 0, data


def test_resource_setting_of_a_backend_reaches_sod203(tmp_path):
    """Issue 15: `resources: {terraform.backend.s3: {max_writers: N}}` used to change nothing. The
    scenario's state object has three writers (identity policy + bucket policy, AWS policy evaluation)."""
    write(tmp_path / "main.tf", (TESTDATA / "approval" / "s3-writers-bucket-policy" / "main.tf").read_text())
    write(tmp_path / ".sod-iac.yaml", "rules:\n  SOD203:\n    max_writers: 1\n"
                                      "resources:\n  terraform.backend.s3:\n    max_writers: 2\n")
    _, found, _ = _real_scan(tmp_path, "--check", "SOD203")
    assert ("SOD203", "terraform.backend.s3") in found  # three writers, two allowed
    write(tmp_path / ".sod-iac.yaml", "rules:\n  SOD203:\n    max_writers: 1\n"
                                      "resources:\n  terraform.backend.s3:\n    max_writers: 3\n")
    _, found, data = _real_scan(tmp_path, "--check", "SOD203")
    assert ("SOD203", "terraform.backend.s3") not in found, data


def test_resource_setting_of_one_branch_protection_reaches_sod212(tmp_path):
    """main_strict requires one approving review: enough by default, not where two are required."""
    write(tmp_path / "main.tf", (TESTDATA / "approval" / "github-branch-protection" / "main.tf").read_text())
    _, found, _ = _real_scan(tmp_path, "--check", "SOD212")
    assert ("SOD212", "github_branch_protection.main_strict") not in found
    write(tmp_path / ".sod-iac.yaml", "resources:\n  github_branch_protection.main_strict:\n    min_approvals: 2\n")
    _, found, _ = _real_scan(tmp_path, "--check", "SOD212")
    assert ("SOD212", "github_branch_protection.main_strict") in found
    assert ("SOD212", "github_branch_protection_v3.v3_strict") not in found  # other resources keep the default


def test_most_specific_wildcard_wins():
    config = parse_config({"resources": {"aws_secretsmanager_secret.*": {"max_readers": 2},
                                         "module.app.*": {"max_readers": 5},
                                         "module.app.aws_secretsmanager_secret.*": {"max_readers": 4}}}, RULE_IDS)
    ctx = Context(project=Project(), config=config.rule_config(RULE_IDS))
    assert ctx.option("SOD301", "max_readers", address="module.app.aws_secretsmanager_secret.x") == 4
    assert ctx.option("SOD301", "max_readers", address="module.app.aws_kms_key.x") == 5
    assert ctx.option("SOD301", "max_readers", address="aws_secretsmanager_secret.x") == 2


# --------------------------------------------------------------------------- user duties, YAML 1.2


USER_DUTY_CONFIG = """\
check: [SOD104]
duties:
  dns-admin:
    title: Change DNS records
    aws:
      - actions: [route53:ChangeResourceRecordSets]
        on: any
  cert-issue:
    title: Issue certificates
    aws:
      - actions: [acm:RequestCertificate]
        on: any
conflicts:
  - id: dns-and-certs
    rule: SOD104
    duties: [dns-admin, cert-issue]
"""


def test_user_duty_with_on_key_works_end_to_end(tmp_path):
    """Issue 15: `on:` (the documented key of a duty clause) was read as YAML 1.1 `True`: five rule
    internal errors and exit 2. Whoever can both change DNS and issue certificates for it can
    impersonate any host (the user's conflict), so the role is a SOD104 finding."""
    write(tmp_path / "main.tf", USER_DUTY_TF)
    write(tmp_path / ".sod-iac.yaml", USER_DUTY_CONFIG)
    code, found, data = _real_scan(tmp_path)
    assert data.get("errors") == [], data
    assert found == {("SOD104", "aws_iam_role.dns_ops")} and code == 1


def test_malformed_user_duty_is_a_config_error_with_line(tmp_path):
    write(tmp_path / "main.tf", USER_DUTY_TF)
    write(tmp_path / ".sod-iac.yaml", USER_DUTY_CONFIG.replace("on: any", "on: somewhere", 1))
    code, _, data = _real_scan(tmp_path)
    assert code == 2
    assert f"{tmp_path / '.sod-iac.yaml'}:6: duty 'dns-admin': `on` is any" in data["stderr"], data
    assert "internal error" not in data["stderr"] and "Traceback" not in data["stderr"]


def test_yaml_1_1_words_stay_strings_in_the_config(tmp_path):
    path = write(tmp_path / ".sod-iac.yaml", "environments:\n  yes: [prod]\n  off: [dev]\n")
    config = load_config(path, RULE_IDS)
    assert config.environments == {"yes": ["prod"], "off": ["dev"]}
