# Catalog coverage: escalation through AWS Lambda.
#
# Proves: code in a Lambda function runs with the function's execution role. A principal that
# may pass a more privileged role to a new function and get it invoked, or may change the code
# or configuration of an existing function that runs with such a role, acts with that role's
# permissions. iam:PassRole is what AWS checks when a role is handed to a service; the role's
# trust policy must admit lambda.amazonaws.com. The catalog path each principal demonstrates is
# named above it.
#
# `deployer_without_pass` may create and invoke functions but pass no role: its functions can
# only run with a role it cannot choose, so it stays quiet. The execution role is a full
# administrator: SOD111, not SOD110 (nothing to escalate to).

# The privileged execution role: Lambda may assume it; it is a full administrator (Action "*" on "*").
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

# An existing function that runs with it.
resource "aws_lambda_function" "nightly" {
  function_name = "nightly-export"
  role          = aws_iam_role.lambda_data.arn
  handler       = "index.handler"
  runtime       = "python3.12"
  filename      = "nightly.zip"
}

# path: lambda-create-function-invoke
resource "aws_iam_user" "fn_invoker" {
  name = "fn-invoker"
}

resource "aws_iam_user_policy" "fn_invoker" {
  name = "deploy-functions"
  user = aws_iam_user.fn_invoker.name
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
      }
    ]
  })
}

# path: lambda-create-function-event-source
resource "aws_iam_user" "fn_streamer" {
  name = "fn-streamer"
}

resource "aws_iam_user_policy" "fn_streamer" {
  name = "deploy-stream-consumers"
  user = aws_iam_user.fn_streamer.name
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
        Action   = ["lambda:CreateFunction", "lambda:CreateEventSourceMapping"]
        Resource = "*"
      }
    ]
  })
}

# path: lambda-create-function-add-permission
resource "aws_iam_user" "fn_opener" {
  name = "fn-opener"
}

resource "aws_iam_user_policy" "fn_opener" {
  name = "deploy-public-functions"
  user = aws_iam_user.fn_opener.name
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
        Action   = ["lambda:CreateFunction", "lambda:AddPermission"]
        Resource = "*"
      }
    ]
  })
}

# path: lambda-update-function-code
resource "aws_iam_user" "code_pusher" {
  name = "code-pusher"
}

resource "aws_iam_user_policy" "code_pusher" {
  name = "ship-nightly"
  user = aws_iam_user.code_pusher.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "lambda:UpdateFunctionCode"
      Resource = aws_lambda_function.nightly.arn
    }]
  })
}

# path: lambda-update-function-configuration
resource "aws_iam_user" "layer_adder" {
  name = "layer-adder"
}

resource "aws_iam_user_policy" "layer_adder" {
  name = "tune-nightly"
  user = aws_iam_user.layer_adder.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["lambda:UpdateFunctionConfiguration", "lambda:GetFunctionConfiguration"]
      Resource = "arn:aws:lambda:*:111122223333:function:nightly-export"
    }]
  })
}

# Quiet: creates and invokes functions, but may pass no role.
resource "aws_iam_user" "deployer_without_pass" {
  name = "deployer-without-pass"
}

resource "aws_iam_user_policy" "deployer_without_pass" {
  name = "deploy-functions"
  user = aws_iam_user.deployer_without_pass.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["lambda:CreateFunction", "lambda:InvokeFunction"]
      Resource = "*"
    }]
  })
}
