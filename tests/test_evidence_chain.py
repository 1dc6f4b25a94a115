"""Evidence a reviewer can act on (issue 17): the chain ends at the statement as written, with
its lines, and the permission a holding names is the most telling one, not the alphabetically
first expansion of a wildcard.

Expected values come from reading the HCL below (line numbers are the files' own) and from
AWS's documented semantics (`ec2:*` allows every EC2 action, RunInstances among them).
"""

from __future__ import annotations

from scenarios import TESTDATA

from sod_iac.access import build_access
from sod_iac.access.duties.service import Duties
from sod_iac.load import load_project

CI = '''
resource "aws_iam_role" "ci" {
  name               = "ci"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}

data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.ops.arn]
    }
  }
}

data "aws_iam_policy_document" "deploy" {
  statement {
    sid       = "ReadBuckets"
    actions   = ["s3:GetObject"]
    resources = ["*"]
  }
  statement {
    sid       = "Deploy"
    actions   = ["ec2:*"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "deploy" {
  name   = "deploy"
  policy = data.aws_iam_policy_document.deploy.json
}

resource "aws_iam_role_policy_attachment" "deploy" {
  role       = aws_iam_role.ci.name
  policy_arn = aws_iam_policy.deploy.arn
}

resource "aws_iam_role" "ops" {
  name               = "ops"
  assume_role_policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Principal = {Service = "ec2.amazonaws.com"}}]})
}

resource "aws_iam_role_policy" "ops" {
  role   = aws_iam_role.ops.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.ci.arn}]
  })
}
'''


def _duties(write_tree) -> Duties:
    root = write_tree({"main.tf": CI})
    project = load_project([str(root)])
    assert project.errors == []
    return Duties(build_access(project))


def test_a_wildcard_grant_is_quoted_as_written_at_its_statement_block(write_tree) -> None:
    holding = _duties(write_tree).holdings("aws_iam_role.ci", "write")[0]
    statement = holding.evidence[1]
    assert statement.kind == "statement"
    assert statement.address == "data.aws_iam_policy_document.deploy"
    assert (statement.location.start_line, statement.location.end_line) == (22, 26)  # the "Deploy" block
    assert statement.detail == 'statement "Deploy": Allow ec2:* on *'
    # then the policy resource and the attachment
    assert [e.address for e in holding.evidence[2:]] == ["aws_iam_policy.deploy", "aws_iam_role_policy_attachment.deploy"]


def test_the_named_permission_changes_something_not_the_first_in_the_alphabet(write_tree) -> None:
    holding = _duties(write_tree).holdings("aws_iam_role.ci", "write")[0]
    # ec2:* sorts ec2:AcceptAddressTransfer first; a reviewer is told about running instances
    assert holding.permission == "ec2:RunInstances"
    assert holding.explain() == 'statement "Deploy": Allow ec2:* on * (main.tf:22), which includes ec2:RunInstances'


def test_an_action_written_literally_explains_its_holding(write_tree) -> None:
    root = write_tree({"main.tf": '''
        resource "aws_iam_role" "fn" {
          name                = "fn"
          assume_role_policy  = "{}"
          managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
        }
        resource "aws_iam_role_policy" "fn" {
          role   = aws_iam_role.fn.id
          policy = jsonencode({Version = "2012-10-17", Statement = [
            {Effect = "Allow", Action = ["lambda:*"], Resource = "*"},
            {Sid = "Ship", Effect = "Allow", Action = ["lambda:UpdateFunctionCode"], Resource = "*"}]})
        }
    '''})
    duties = Duties(build_access(load_project([str(root)])))
    holding = duties.holdings("aws_iam_role.fn", "write")[0]
    assert holding.permission == "lambda:UpdateFunctionCode"  # lambda:* sorts lambda:AddLayerVersionPermission first


def test_an_assume_path_shows_the_trust_statement_that_admits_the_principal(write_tree) -> None:
    duties = _duties(write_tree)
    holding = duties.holdings("aws_iam_role.ops", "write")[0]
    trust = [e for e in holding.evidence if e.address == "data.aws_iam_policy_document.trust"]
    assert trust and trust[0].kind == "statement"
    assert (trust[0].location.start_line, trust[0].location.end_line) == (7, 13)


def test_a_jsonencode_statement_points_at_its_policy_argument(write_tree) -> None:
    project = load_project([str(write_tree({"main.tf": CI}))])
    sites = project.resource("aws_iam_role_policy.ops").statement_sites
    assert [(s.argument, s.location.start_line, s.location.end_line) for s in sites] == [("policy", 48, 48)]  # the one statement object of the jsonencode



def _statements(holdings) -> list[tuple[str, int, int]]:
    """(address, first line, last line) of each statement hop."""
    return [(e.address, e.location.start_line, e.location.end_line)
            for h in holdings for e in h.evidence if e.kind == "statement"]


def _scenario(name: str) -> Duties:
    return Duties(build_access(load_project([str(TESTDATA / name)])))


def test_gcp_kubernetes_and_azure_grants_are_statement_hops_at_their_own_lines() -> None:
    """The binding block of a google_iam_policy (not the whole data source), the rule block of a
    Kubernetes role that allows the permission (not the role), the Azure role assignment: lines
    read from the scenarios' main.tf."""
    gcp = _scenario("duties/sod101-gcp")
    assert _statements(gcp.holdings("group:crypto@example.com", "key-admin")) == [("data.google_iam_policy.keys", 84, 87)]
    assert _statements(gcp.holdings("group:crypto@example.com", "key-use")) == [("data.google_iam_policy.keys", 88, 91)]
    k8s = _scenario("duties/sod102-kubernetes")
    assert _statements(k8s.holdings("User:alice", "identity-admin")) == [("kubernetes_role_v1.sa_full", 14, 18)]
    azure = _scenario("duties/sod101-azure-client-config")
    assert _statements(azure.holdings("data.azurerm_client_config.current", "key-admin")) == [
        ("azurerm_role_assignment.me_kv_admin", 10, 14)]


LOCALS = {
    "locals.tf": '''locals {
  trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
  send = { Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" }
}
''',
    "main.tf": '''resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "app" {
  name = "app"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "s3:GetObject", Resource = "*" },
      local.send,
    ]
  })
}
''',
}


def test_a_policy_or_statement_written_in_a_local_is_quoted_at_the_local(write_tree) -> None:
    """`assume_role_policy = local.trust` and `Statement = [..., local.send]`: the statement is
    written in the local (locals.tf), so that is where a reviewer changes it."""
    project = load_project([str(write_tree(LOCALS))])
    trust = project.resource("aws_iam_role.app").statement_sites
    assert [(s.location.path, s.location.start_line) for s in trust] == [("locals.tf", 4)]
    policy = project.resource("aws_iam_role_policy.app").statement_sites
    assert [(s.location.path, s.location.start_line) for s in policy] == [("main.tf", 12), ("locals.tf", 6)]


def test_statements_alike_are_quoted_each_at_its_own_lines() -> None:
    """Two trust statements with the same effect and action and no Sid (secrets/
    aws-assumed-role-reader main.tf:26 and :27): the second one admits aws_iam_user.sre."""
    access = build_access(load_project([str(TESTDATA / "secrets/aws-assumed-role-reader")]))
    hops = [st.hop for st in access.aws.model.trust["aws_iam_role.app"].statements]
    assert [h.location.start_line for h in hops] == [26, 27]


def test_a_duty_hop_is_a_sentence_with_the_pattern_written_and_the_resource_named() -> None:
    """The demo's CI role holds `ec2:*` on `*` (testdata/demo/ci.tf): its write hop says what it
    can do with the duty's title, the written pattern that covers the action, and a resource
    kind, never a raw ARN format; a role whose statement names its function
    (duties/read-only-aws main.tf:86) is said to act on that function."""
    demo = _scenario("demo").holdings("aws_iam_role.ci_deploy", "write")[0]
    head = demo.evidence[0].detail
    assert head.startswith("can change infrastructure: ec2:") and "(in ec2:*) on any ec2 " in head
    assert "arn:" not in head
    named = _scenario("duties/read-only-aws").holdings("aws_iam_role.pr_plan_deployer", "write")[0]
    assert named.evidence[0].detail == ("can change infrastructure: lambda:UpdateFunctionCode on "
                                        "arn:aws:lambda:eu-west-1:111122223333:function:pr-preview")


def test_a_statement_that_reaches_two_environments_is_one_hop() -> None:
    """duties/sod121-aws: one statement (main.tf:38) lets shared_deployer write the production and
    the staging bucket; the SOD121 finding shows it once, not once per environment."""
    from sod_iac.pipeline.scan import ScanOptions, run_scan

    folder = TESTDATA / "duties/sod121-aws"
    report = run_scan([folder], ScanOptions(repo_root=folder, jobs=1))
    finding = next(f for f in report.findings if f.rule_id == "SOD121")
    hops = [(e.address, e.detail, str(e.location)) for e in finding.evidence]
    assert len(hops) == len(set(hops))
    assert [h for h in hops if h[2] == "main.tf:38"] != []


def test_a_reader_hop_names_its_policy_once() -> None:
    """secrets/aws-action-wildcard: reporting reads through its one inline policy
    (aws_iam_role_policy.reporting, main.tf:36); the reader hop names it once."""
    from sod_iac.pipeline.scan import ScanOptions, run_scan

    folder = TESTDATA / "secrets/aws-action-wildcard"
    finding = next(f for f in run_scan([folder], ScanOptions(repo_root=folder, jobs=1)).findings
                   if f.rule_id == "SOD301")
    head = next(e for e in finding.evidence if e.address == "aws_iam_role.reporting")
    assert "(aws_iam_role_policy.reporting);" in head.detail


KEY_PICKED = '''
variable "policy" {
  type    = string
  default = null
}

data "aws_caller_identity" "current" {}

resource "aws_kms_key" "this" {
  description = "picked policy"
  policy      = coalesce(var.policy, data.aws_iam_policy_document.this.json)
}

data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = [data.aws_caller_identity.current.arn]
    content {
      sid       = "KeyOwner"
      actions   = ["kms:*"]
      resources = ["*"]
      principals {
        type        = "AWS"
        identifiers = [statement.value]
      }
    }
  }
}
'''


def test_a_policy_picked_by_coalesce_is_quoted_at_the_statement_it_picks(write_tree) -> None:
    """`policy = coalesce(var.policy, data.X.json)` returns one of its arguments unchanged:
    with var.policy null, Terraform uses the document, so statement "KeyOwner" is written in its
    `dynamic "statement"` block (lines 14-25), not at the key's `policy` line (10)."""
    project = load_project([str(write_tree({"main.tf": KEY_PICKED}))])
    assert project.errors == []
    holding = Duties(build_access(project)).holdings("data.aws_caller_identity.current", "key-admin")[0]
    [statement] = [h for h in holding.evidence if h.kind == "statement"]
    assert "KeyOwner" in statement.detail
    assert (statement.address, statement.location.start_line, statement.location.end_line) == \
        ("data.aws_iam_policy_document.this", 14, 25)


KEY_TWO_DYNAMIC = KEY_PICKED.replace('''data "aws_iam_policy_document" "this" {
''', '''data "aws_iam_policy_document" "this" {
  dynamic "statement" {
    for_each = []
    content {
      sid       = "Default"
      actions   = ["kms:*"]
      resources = ["*"]
    }
  }
''')


def test_entries_of_several_dynamic_statements_are_told_apart_by_their_literal_sid(write_tree) -> None:
    """Two `dynamic "statement"` blocks: how many entries each renders is known only after
    evaluation, but each content states its sid, so "KeyOwner" is quoted at its own block
    (lines 22-33), not at the whole data block (13-34)."""
    project = load_project([str(write_tree({"main.tf": KEY_TWO_DYNAMIC}))])
    assert project.errors == []
    holding = Duties(build_access(project)).holdings("data.aws_caller_identity.current", "key-admin")[0]
    [statement] = [h for h in holding.evidence if h.kind == "statement"]
    assert "KeyOwner" in statement.detail
    assert (statement.location.start_line, statement.location.end_line) == (22, 33)
