# Negative: resource constraints that leave nothing to gain.
#
# Proves: an Allow applies only to the resources its Resource element matches (AWS evaluates
# the request's resource against it), so a dangerous action confined to a harmless resource
# raises nobody's power.
#   - `log_deployer` may pass only `log_writer`, a Lambda role whose sole permissions (writing
#     CloudWatch Logs) `log_deployer` already holds itself: passing it gains nothing. Quiet.
#   - `orphan_editor` may create versions only of `orphan`, a policy attached to nobody; the
#     policy attached to itself it cannot touch. Quiet.
#   - `wrong_service_passer` may pass the privileged Lambda role and launch EC2 instances, but
#     that role trusts only lambda.amazonaws.com, so no instance can carry it. Quiet.
#
# Controls are flagged:
#   - `data_deployer` may pass the privileged `lambda_data` role (path: lambda-create-function-invoke)
#   - `own_editor` may create versions of the policy attached to itself
#     (path: iam-create-policy-version)

locals {
  lambda_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  write_logs = {
    Effect   = "Allow"
    Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    Resource = "*"
  }
}

# ------------------------------------------------------------------ PassRole on a harmless role

resource "aws_iam_role" "log_writer" {
  name               = "log-writer"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role_policy" "log_writer" {
  name = "write-logs"
  role = aws_iam_role.log_writer.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [local.write_logs]
  })
}

resource "aws_iam_user" "log_deployer" {
  name = "log-deployer"
}

resource "aws_iam_user_policy" "log_deployer" {
  name = "deploy-log-functions"
  user = aws_iam_user.log_deployer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.log_writer.arn
      },
      {
        Effect   = "Allow"
        Action   = ["lambda:CreateFunction", "lambda:InvokeFunction"]
        Resource = "*"
      },
      local.write_logs
    ]
  })
}

# The privileged Lambda role: a full administrator (Action "*" on "*").
resource "aws_iam_role" "lambda_data" {
  name               = "lambda-data"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role_policy" "lambda_data" {
  name = "data-admin"
  role = aws_iam_role.lambda_data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*" # AdministratorAccess: greater power, not just different (DESIGN)
      Resource = "*"
    }]
  })
}

# path: lambda-create-function-invoke
resource "aws_iam_user" "data_deployer" {
  name = "data-deployer"
}

resource "aws_iam_user_policy" "data_deployer" {
  name = "deploy-data-functions"
  user = aws_iam_user.data_deployer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.lambda_data.arn
      },
      {
        Effect   = "Allow"
        Action   = ["lambda:CreateFunction", "lambda:InvokeFunction"]
        Resource = "*"
      },
      local.write_logs
    ]
  })
}

# The privileged role cannot be put on an instance: it does not trust EC2.
resource "aws_iam_user" "wrong_service_passer" {
  name = "wrong-service-passer"
}

resource "aws_iam_user_policy" "wrong_service_passer" {
  name = "launch-instances"
  user = aws_iam_user.wrong_service_passer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.lambda_data.arn
      },
      {
        Effect   = "Allow"
        Action   = "ec2:RunInstances"
        Resource = "*"
      }
    ]
  })
}

# ------------------------------------------------------------------ CreatePolicyVersion on an orphan

resource "aws_iam_policy" "orphan" {
  name = "orphan"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [local.write_logs]
  })
}

resource "aws_iam_user" "orphan_editor" {
  name = "orphan-editor"
}

resource "aws_iam_policy" "orphan_editor" {
  name = "orphan-editor"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"]
      Resource = aws_iam_policy.orphan.arn
    }]
  })
}

resource "aws_iam_user_policy_attachment" "orphan_editor" {
  user       = aws_iam_user.orphan_editor.name
  policy_arn = aws_iam_policy.orphan_editor.arn
}

# path: iam-create-policy-version
resource "aws_iam_user" "own_editor" {
  name = "own-editor"
}

resource "aws_iam_policy" "own_editor" {
  name = "own-editor"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:CreatePolicyVersion"
      Resource = "arn:aws:iam::111122223333:policy/own-editor"
    }]
  })
}

resource "aws_iam_user_policy_attachment" "own_editor" {
  user       = aws_iam_user.own_editor.name
  policy_arn = aws_iam_policy.own_editor.arn
}
