# Certain beats possible (DESIGN.md): a principal that a *certain* SOD110 reports is left to
# SOD110, but a merely possible escalation never hides a certain conflict.
#
# Proves:
#   - `operator` may stop the CloudTrail trail and run EC2 instances: it holds both sides of
#     SOD103 for certain. It may also replace the code of any Lambda function. The code defines
#     no function, so whether some function of the account runs with a more privileged role
#     is not stated: the escalation is only possible (SOD110, possible). SOD103 is reported.
#   - `escalator` holds the same audit and EC2 rights, and may create a new version of the
#     customer-managed policy attached to itself (iam:CreatePolicyVersion): it can write any
#     permission into its own policy, for certain (SOD110). It effectively holds every duty,
#     so SOD110 speaks for it and SOD103 stays quiet.
locals {
  ec2_trust = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}

resource "aws_iam_role" "operator" {
  name               = "operator"
  assume_role_policy = local.ec2_trust
  inline_policy {
    name = "trail-ec2-lambda"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [
        { Effect = "Allow", Action = ["cloudtrail:StopLogging", "ec2:RunInstances"], Resource = "*" },
        { Effect = "Allow", Action = "lambda:UpdateFunctionCode", Resource = "*" }
      ]
    })
  }
}

resource "aws_iam_role" "escalator" {
  name               = "escalator"
  assume_role_policy = local.ec2_trust
}

resource "aws_iam_policy" "escalator" {
  name = "escalator"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["cloudtrail:StopLogging", "ec2:RunInstances"], Resource = "*" },
      { Effect = "Allow", Action = "iam:CreatePolicyVersion", Resource = "*" }
    ]
  })
}

resource "aws_iam_role_policy_attachment" "escalator" {
  role       = aws_iam_role.escalator.name
  policy_arn = aws_iam_policy.escalator.arn
}
