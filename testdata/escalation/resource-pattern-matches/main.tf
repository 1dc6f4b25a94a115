# Positive a per-policy check misses: resource constraints that still match a privileged target.
#
# Proves: a Resource element restricts a grant only to what it matches; wildcards in ARNs
# match any characters (AWS: `*` and `?` in resource ARNs), and an ARN taken from a role
# defined in the code names exactly that role. When what matches is privileged, the path
# stays open.
#   - `wildcard_passer` may pass `arn:aws:iam::*:role/*`, which matches the privileged
#     `worker` role, and may launch instances (path: ec2-run-instances). Flagged.
#   - `named_passer` may pass only `aws_iam_role.etl.arn`, but `etl` is privileged and trusts
#     Glue (path: glue-create-dev-endpoint). Flagged.
#   - `prefix_editor` may create versions of `policy/team-*`, which matches `team-tools`,
#     the policy attached to itself (path: iam-create-policy-version). Flagged.
#
# `sandbox_passer` may pass only `role/sandbox-*` and launch instances; the only role that
# matches, `sandbox-runner`, holds nothing `sandbox_passer` lacks. Quiet.

locals {
  data_admin = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*" # AdministratorAccess: greater power, not just different (DESIGN)
      Resource = "*"
    }]
  })
}

# The privileged instance role.
resource "aws_iam_role" "worker" {
  name = "worker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "worker" {
  name   = "data-admin"
  role   = aws_iam_role.worker.id
  policy = local.data_admin
}

resource "aws_iam_instance_profile" "worker" {
  name = "worker"
  role = aws_iam_role.worker.name
}

# The privileged Glue role.
resource "aws_iam_role" "etl" {
  name = "etl"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "glue.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "etl" {
  name   = "data-admin"
  role   = aws_iam_role.etl.id
  policy = local.data_admin
}

# A harmless instance role: it only describes instances.
resource "aws_iam_role" "sandbox_runner" {
  name = "sandbox-runner"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "sandbox_runner" {
  name = "describe"
  role = aws_iam_role.sandbox_runner.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "ec2:DescribeInstances"
      Resource = "*"
    }]
  })
}

resource "aws_iam_instance_profile" "sandbox_runner" {
  name = "sandbox-runner"
  role = aws_iam_role.sandbox_runner.name
}

# path: ec2-run-instances
resource "aws_iam_user" "wildcard_passer" {
  name = "wildcard-passer"
}

resource "aws_iam_user_policy" "wildcard_passer" {
  name = "launch-with-any-role"
  user = aws_iam_user.wildcard_passer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:PassRole", "ec2:RunInstances"]
      Resource = ["arn:aws:iam::*:role/*", "arn:aws:ec2:*:*:*"]
    }]
  })
}

# path: glue-create-dev-endpoint
resource "aws_iam_user" "named_passer" {
  name = "named-passer"
}

resource "aws_iam_user_policy" "named_passer" {
  name = "etl-endpoints"
  user = aws_iam_user.named_passer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.etl.arn
      },
      {
        Effect   = "Allow"
        Action   = "glue:CreateDevEndpoint"
        Resource = "*"
      }
    ]
  })
}

# path: iam-create-policy-version
resource "aws_iam_user" "prefix_editor" {
  name = "prefix-editor"
}

resource "aws_iam_policy" "team_tools" {
  name = "team-tools"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:CreatePolicyVersion"
      Resource = "arn:aws:iam::111122223333:policy/team-*"
    }]
  })
}

resource "aws_iam_user_policy_attachment" "prefix_editor" {
  user       = aws_iam_user.prefix_editor.name
  policy_arn = aws_iam_policy.team_tools.arn
}

resource "aws_iam_user" "sandbox_passer" {
  name = "sandbox-passer"
}

resource "aws_iam_user_policy" "sandbox_passer" {
  name = "launch-sandboxes"
  user = aws_iam_user.sandbox_passer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = "arn:aws:iam::111122223333:role/sandbox-*"
      },
      {
        Effect   = "Allow"
        Action   = ["ec2:RunInstances", "ec2:DescribeInstances"]
        Resource = "*"
      }
    ]
  })
}
