# Proves: passing a role to a service is escalation only when the role gives power the principal
# lacks, as for assuming one (DESIGN.md: escalation is about power, not difference). Code that a
# service runs with a passed role acts with exactly that role's permissions (IAM User Guide,
# "Granting a user permissions to pass a role to an AWS service"), so
#   - `table_deployer` may pass `table_role` (every DynamoDB action: different from its own
#     S3 access, not greater: no admin, no escalation path, no IAM permission administration)
#     to new Lambda functions and invoke them. Lateral access, not SOD110;
#   - `runner_a` and `runner_b` (Lambda roles) may each pass the other to a new function and
#     invoke it; each holds ordinary data permissions (reading objects, sending messages), so neither gains
#     power from the other. No SOD110 for either (a cycle grants no power of its own);
#   - `chain_deployer` may pass `launcher`, a Lambda role that may itself pass `admin`
#     (AdministratorAccess) to a new function and invoke it: `launcher` holds an escalation
#     path of its own, so passing it escalates. SOD110 for both; `admin` gets SOD111.

locals {
  lambda_trust = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
  create_and_invoke = { Effect = "Allow", Action = ["lambda:CreateFunction", "lambda:InvokeFunction"], Resource = "*" }
}

# ------------------------------------------------------------------ a role of different power

resource "aws_iam_role" "table_role" {
  name               = "table-role"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role_policy" "table_role" {
  name = "tables"
  role = aws_iam_role.table_role.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "dynamodb:*", Resource = "*" }]
  })
}

resource "aws_iam_user" "table_deployer" {
  name = "table-deployer"
}

resource "aws_iam_user_policy" "table_deployer" {
  name = "deploy-table-functions"
  user = aws_iam_user.table_deployer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.table_role.arn },
      local.create_and_invoke,
      { Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::reports/*" },
    ]
  })
}

# ------------------------------------------------------------------ two roles passing each other

resource "aws_iam_role" "runner_a" {
  name               = "runner-a"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role_policy" "runner_a" {
  name = "pass-b"
  role = aws_iam_role.runner_a.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.runner_b.arn },
      local.create_and_invoke,
      { Effect = "Allow", Action = "s3:GetObject", Resource = "*" },
    ]
  })
}

resource "aws_iam_role" "runner_b" {
  name               = "runner-b"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role_policy" "runner_b" {
  name = "pass-a"
  role = aws_iam_role.runner_b.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.runner_a.arn },
      local.create_and_invoke,
      { Effect = "Allow", Action = "sqs:SendMessage", Resource = "*" },
    ]
  })
}

# ------------------------------------------------------------------ a role with a path of its own

resource "aws_iam_role" "admin" {
  name               = "admin"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "launcher" {
  name               = "launcher"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role_policy" "launcher" {
  name = "pass-admin"
  role = aws_iam_role.launcher.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.admin.arn },
      local.create_and_invoke,
    ]
  })
}

resource "aws_iam_user" "chain_deployer" {
  name = "chain-deployer"
}

resource "aws_iam_user_policy" "chain_deployer" {
  name = "deploy-launcher-functions"
  user = aws_iam_user.chain_deployer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "iam:PassRole", Resource = aws_iam_role.launcher.arn },
      local.create_and_invoke,
    ]
  })
}
