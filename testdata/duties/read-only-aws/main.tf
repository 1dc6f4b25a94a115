# Read-only means read-only (DESIGN.md): what AWS's own read-only job policies grant never
# counts toward a changing duty (write, permissions-admin, deploy), whatever access level the
# AWS Service Authorization Reference prints next to an individual action.
#
# Proves, for GitHub Actions pull-request plan roles (trust pinned to
# `repo:acme/infra:pull_request`: anyone who opens a pull request can assume them):
#   - `pr_plan_readonly` holds only ReadOnlyAccess. It grants athena:GetSessionEndpoint
#     (labelled Write) and backup:ListIndexedRecoveryPointsForSearch (labelled Permissions
#     management), but AWS ships it as the read-only job policy: quiet (no SOD120).
#   - `pr_plan_viewonly` holds only job-function/ViewOnlyAccess: quiet.
#   - `pr_plan_audit` holds only SecurityAudit, which grants quicksight:DescribeDataSetPermissions
#     (labelled Permissions management): quiet.
#   - `pr_plan_deployer` holds ReadOnlyAccess plus lambda:UpdateFunctionCode on one function:
#     replacing a function's code changes what runs in the account, from an unreviewed pull
#     request: SOD120.
# And for the duty conflicts (SOD103: control the audit trail and change resources):
#   - `trail_auditor` may stop and update the CloudTrail trail and holds SecurityAudit: reading
#     the account's configuration is not changing it: quiet.
#   - `trail_operator` may stop the trail and run EC2 instances (a change): SOD103.
resource "aws_iam_openid_connect_provider" "github" {
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

data "aws_iam_policy_document" "pull_requests" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:acme/infra:pull_request"]
    }
  }
}

resource "aws_iam_role" "pr_plan_readonly" {
  name               = "pr-plan-readonly"
  assume_role_policy = data.aws_iam_policy_document.pull_requests.json
}

resource "aws_iam_role_policy_attachment" "pr_plan_readonly" {
  role       = aws_iam_role.pr_plan_readonly.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role" "pr_plan_viewonly" {
  name               = "pr-plan-viewonly"
  assume_role_policy = data.aws_iam_policy_document.pull_requests.json
}

resource "aws_iam_role_policy_attachment" "pr_plan_viewonly" {
  role       = aws_iam_role.pr_plan_viewonly.name
  policy_arn = "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
}

resource "aws_iam_role" "pr_plan_audit" {
  name               = "pr-plan-audit"
  assume_role_policy = data.aws_iam_policy_document.pull_requests.json
}

resource "aws_iam_role_policy_attachment" "pr_plan_audit" {
  role       = aws_iam_role.pr_plan_audit.name
  policy_arn = "arn:aws:iam::aws:policy/SecurityAudit"
}

resource "aws_iam_role" "pr_plan_deployer" {
  name               = "pr-plan-deployer"
  assume_role_policy = data.aws_iam_policy_document.pull_requests.json
  inline_policy {
    name = "update-preview"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect   = "Allow"
        Action   = "lambda:UpdateFunctionCode"
        Resource = "arn:aws:lambda:eu-west-1:111122223333:function:pr-preview"
      }]
    })
  }
}

resource "aws_iam_role_policy_attachment" "pr_plan_deployer" {
  role       = aws_iam_role.pr_plan_deployer.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

locals {
  ec2_trust = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}

resource "aws_iam_role" "trail_auditor" {
  name               = "trail-auditor"
  assume_role_policy = local.ec2_trust
  inline_policy {
    name = "trail"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = ["cloudtrail:StopLogging", "cloudtrail:UpdateTrail"], Resource = "*" }]
    })
  }
}

resource "aws_iam_role_policy_attachment" "trail_auditor" {
  role       = aws_iam_role.trail_auditor.name
  policy_arn = "arn:aws:iam::aws:policy/SecurityAudit"
}

resource "aws_iam_role" "trail_operator" {
  name               = "trail-operator"
  assume_role_policy = local.ec2_trust
  inline_policy {
    name = "trail-and-ec2"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = ["cloudtrail:StopLogging", "ec2:RunInstances"], Resource = "*" }]
    })
  }
}
