"""The small scenario every golden file in this folder renders.

Three findings (a combined-duties one whose two statements reach the principal through one
policy, with a backtick-quoted pattern in its message, a secret-readers one in a
folder with a space, an approval one without a location), one input error, one warning,
one suppressed finding; and a tiny catalog for the rules they name, so the golden files do
not move when the real catalog's wording is refined.
"""

from __future__ import annotations

from sod_iac.core.model import Evidence, Finding, LoadError, Location, Notice, Report, Summary
from sod_iac.rules.registry import Reference, Rule


def _check(ctx):
    return iter(())


RULES = {
    "SOD101": Rule(
        id="SOD101", family="combined-duties", severity="high",
        title="Principal both administers and uses encryption keys",
        rationale="Whoever guards a key must not also use it.",
        remediation="Give key administration and key use to different principals.",
        example='resource "aws_iam_role_policy" "both" {}',
        good_example='resource "aws_iam_role_policy" "admin_only" {}',
        references=(Reference("NIST SP 800-53 AC-5", "https://csrc.nist.gov/pubs/sp/800/53/r5/upd1/final"),),
        check=_check,
    ),
    "SOD210": Rule(
        id="SOD210", family="approval", severity="high",
        title="Workspace applies without human approval",
        rationale="An auto-applied plan reaches production unreviewed.",
        remediation="Turn off auto-apply for production workspaces.",
        example='resource "tfe_workspace" "prod" {\n  auto_apply = true\n}',
        references=(Reference("Terraform Cloud workspace settings"),),
        check=_check,
    ),
    "SOD301": Rule(
        id="SOD301", family="secret-readers", severity="medium",
        title="Secret is readable by more principals than allowed",
        rationale="Every extra reader is another way to leak it.",
        remediation="Grant secretsmanager:GetSecretValue to one role.",
        example='data "aws_iam_policy_document" "read" {}',
        references=(Reference("AWS Secrets Manager access",
                              "https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access.html"),),
        check=_check,
    ),
    "SOD303": Rule(
        id="SOD303", family="secret-readers", severity="high", title="Principal can read every secret",
        rationale="One identity that reads everything defeats per-secret access.",
        remediation="Scope secret reads to named secrets.", example='data "aws_iam_policy_document" "all" {}',
        check=_check,
    ),
}
"""SOD303 has no finding: it is the passing JUnit case."""


def report() -> Report:
    keys = Finding(
        rule_id="SOD101", family="combined-duties", severity="high", title=RULES["SOD101"].title,
        message='aws_iam_role.ops administers and uses aws_kms_key.main: statement "Admin" allows `kms:Put*`',
        resource="aws_iam_role.ops", principal="aws_iam_role.ops", duties=["key-admin", "key-use"],
        location=Location(path="iam.tf", start_line=3, end_line=6),
        evidence=[  # two statements of one inline policy: the policy hop is shown once
            Evidence(address="aws_iam_role_policy.keys", detail='statement "Admin": Allow kms:Put* on aws_kms_key.main',
                     location=Location(path="iam.tf", start_line=10, end_line=13), duty="key-admin", kind="statement"),
            Evidence(address="aws_iam_role_policy.keys", detail="inline policy on aws_iam_role.ops",
                     location=Location(path="iam.tf", start_line=8, end_line=20), duty="key-admin"),
            Evidence(address="aws_iam_role_policy.keys", detail='statement "Use": Allow kms:Decrypt on *',
                     location=Location(path="iam.tf", start_line=14, end_line=18), duty="key-use", kind="statement"),
            Evidence(address="aws_iam_role_policy.keys", detail="inline policy on aws_iam_role.ops",
                     location=Location(path="iam.tf", start_line=8, end_line=20), duty="key-use"),
        ],
    )
    readers = Finding(
        rule_id="SOD301", family="secret-readers", severity="medium", title=RULES["SOD301"].title,
        message="aws_secretsmanager_secret.db is readable by 2 principals, more than the 1 allowed",
        resource="aws_secretsmanager_secret.db", principals=["aws_iam_role.app", "aws_iam_role.reporting"],
        secret="aws_secretsmanager_secret.db", duties=["secret-read"],
        location=Location(path="envs/prod 1/secrets.tf", start_line=1, end_line=4),
    )
    workspace = Finding(
        rule_id="SOD210", family="approval", severity="medium", title=RULES["SOD210"].title,
        message="tfe_workspace.prod applies without approval: auto_apply = true",
        resource="tfe_workspace.prod",
    )
    return Report(
        findings=[keys, readers, workspace],
        errors=[LoadError(path="broken.tf", message="line 3: unexpected '}'", line=3)],
        warnings=[Notice(path="iam.tf", line=2,
                         message="`# sod-iac:ignore SOD101` has no reason, so it suppresses nothing")],
        summary=Summary(files=4, resources=9, principals=3, findings=3, suppressed=1),
    )
