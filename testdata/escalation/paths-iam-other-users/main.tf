# Catalog coverage: escalation by taking over another IAM user.
#
# Proves: whoever can create credentials for another user (an access key, a console password)
# can act as that user and use everything it holds; whoever can also change that user's
# policies can first give it more. The catalog path each principal demonstrates is named above
# it.
#
# `self_service` may manage only its own keys and password (the usual self-service policy, with
# its own ARN): quiet. The target users `dba` and `intern` escalate nothing themselves: quiet.

# A user with more power than the principals: full control of every DynamoDB table.
resource "aws_iam_user" "dba" {
  name = "dba"
}

resource "aws_iam_user_policy" "dba" {
  name = "data-admin"
  user = aws_iam_user.dba.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "dynamodb:*"
      Resource = "*"
    }]
  })
}

# A user with no permissions at all.
resource "aws_iam_user" "intern" {
  name = "intern"
}

# path: iam-create-access-key
resource "aws_iam_user" "key_minter" {
  name = "key-minter"
}

resource "aws_iam_user_policy" "key_minter" {
  name = "rotate-dba-keys"
  user = aws_iam_user.key_minter.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:CreateAccessKey", "iam:ListAccessKeys"]
      Resource = aws_iam_user.dba.arn
    }]
  })
}

# path: iam-create-login-profile
resource "aws_iam_user" "console_opener" {
  name = "console-opener"
}

resource "aws_iam_user_policy" "console_opener" {
  name = "console-onboarding"
  user = aws_iam_user.console_opener.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:CreateLoginProfile"
      Resource = "arn:aws:iam::111122223333:user/*"
    }]
  })
}

# path: iam-update-login-profile
resource "aws_iam_user" "password_resetter" {
  name = "password-resetter"
}

resource "aws_iam_user_policy" "password_resetter" {
  name = "helpdesk"
  user = aws_iam_user.password_resetter.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:UpdateLoginProfile"
      Resource = aws_iam_user.dba.arn
    }]
  })
}

# path: iam-attach-user-policy-create-access-key
resource "aws_iam_user" "grant_and_mint" {
  name = "grant-and-mint"
}

resource "aws_iam_user_policy" "grant_and_mint" {
  name = "onboard-intern"
  user = aws_iam_user.grant_and_mint.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:AttachUserPolicy", "iam:CreateAccessKey"]
      Resource = aws_iam_user.intern.arn
    }]
  })
}

# path: iam-put-user-policy-create-access-key
resource "aws_iam_user" "write_and_mint" {
  name = "write-and-mint"
}

resource "aws_iam_user_policy" "write_and_mint" {
  name = "onboard-intern"
  user = aws_iam_user.write_and_mint.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:PutUserPolicy", "iam:CreateAccessKey"]
      Resource = aws_iam_user.intern.arn
    }]
  })
}

# Quiet: manages only its own credentials.
resource "aws_iam_user" "self_service" {
  name = "self-service"
}

resource "aws_iam_user_policy" "self_service" {
  name = "own-credentials"
  user = aws_iam_user.self_service.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = [
        "iam:CreateAccessKey",
        "iam:DeleteAccessKey",
        "iam:UpdateAccessKey",
        "iam:UpdateLoginProfile",
        "iam:ChangePassword"
      ]
      Resource = aws_iam_user.self_service.arn
    }]
  })
}
