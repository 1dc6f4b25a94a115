# Negative: conditions that can never hold remove the path.
#
# Proves: a statement applies only when all its conditions are true for the request (AWS: the
# condition operators in one Condition block are ANDed). A condition the principal cannot
# satisfy leaves the Allow without effect.
#   - `expired`: allowed to attach policies to itself only while aws:CurrentTime is before
#     2020-01-01, a date long past. Quiet.
#   - `impossible_mfa`: allowed to write its own inline policy only when
#     aws:MultiFactorAuthPresent is present and true (Bool) and also absent (Null = true) at
#     once; no request has both. Quiet.
#
# Control: `open_grant` holds the same permissions without conditions
# (path: iam-attach-user-policy-self): it is flagged.

resource "aws_iam_user" "expired" {
  name = "expired"
}

resource "aws_iam_user_policy" "expired" {
  name = "temporary-self-service"
  user = aws_iam_user.expired.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:AttachUserPolicy"
      Resource = aws_iam_user.expired.arn
      Condition = {
        DateLessThan = { "aws:CurrentTime" = "2020-01-01T00:00:00Z" }
      }
    }]
  })
}

resource "aws_iam_user" "impossible_mfa" {
  name = "impossible-mfa"
}

resource "aws_iam_user_policy" "impossible_mfa" {
  name = "mfa-self-service"
  user = aws_iam_user.impossible_mfa.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:PutUserPolicy"
      Resource = aws_iam_user.impossible_mfa.arn
      Condition = {
        Bool = { "aws:MultiFactorAuthPresent" = "true" }
        Null = { "aws:MultiFactorAuthPresent" = "true" }
      }
    }]
  })
}

# path: iam-attach-user-policy-self
resource "aws_iam_user" "open_grant" {
  name = "open-grant"
}

resource "aws_iam_user_policy" "open_grant" {
  name = "self-service"
  user = aws_iam_user.open_grant.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:AttachUserPolicy", "iam:PutUserPolicy"]
      Resource = aws_iam_user.open_grant.arn
    }]
  })
}
