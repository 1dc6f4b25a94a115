# Positive a per-policy check misses: the path is split across two policies.
#
# Proves: AWS grants a principal the union of the Allows in all its policies, so a path whose
# permissions sit in different policies is as real as one written in a single policy.
# `builder` has `pass-lambda-data` (iam:PassRole on the privileged Lambda role) attached as a
# managed policy and lambda:CreateFunction + lambda:InvokeFunction in an inline policy; neither
# document escalates alone, together they do (path: lambda-create-function-invoke).
#
# `half_builder` has only the managed policy: it can pass the role to nothing. Quiet.

# The privileged Lambda role: a full administrator (Action "*" on "*").
resource "aws_iam_role" "lambda_data" {
  name = "lambda-data"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
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

data "aws_iam_policy_document" "pass_lambda_data" {
  statement {
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.lambda_data.arn]
  }
}

resource "aws_iam_policy" "pass_lambda_data" {
  name   = "pass-lambda-data"
  policy = data.aws_iam_policy_document.pass_lambda_data.json
}

locals {
  ci_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codepipeline.amazonaws.com" }
    }]
  })
}

# path: lambda-create-function-invoke
resource "aws_iam_role" "builder" {
  name               = "builder"
  assume_role_policy = local.ci_trust
}

resource "aws_iam_role_policy_attachment" "builder_pass" {
  role       = aws_iam_role.builder.name
  policy_arn = aws_iam_policy.pass_lambda_data.arn
}

resource "aws_iam_role_policy" "builder_lambda" {
  name = "deploy-functions"
  role = aws_iam_role.builder.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["lambda:CreateFunction", "lambda:InvokeFunction"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role" "half_builder" {
  name               = "half-builder"
  assume_role_policy = local.ci_trust
}

resource "aws_iam_role_policy_attachment" "half_builder_pass" {
  role       = aws_iam_role.half_builder.name
  policy_arn = aws_iam_policy.pass_lambda_data.arn
}
