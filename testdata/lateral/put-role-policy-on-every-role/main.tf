# SOD112: a user that may write an inline policy on every role.
#
# Proves: iam:PutRolePolicy on arn:aws:iam::*:role/* lets the user write any document into any
# role, the role `app` of the code and any role outside it. The user cannot assume `app` (its trust
# policy admits only Lambda) and a user is never a role, so it cannot use what it writes: no
# escalation (SOD110), but a lateral grant of anything to every role.

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "lambda.amazonaws.com" }
    }]
  })
}

resource "aws_iam_user" "role_writer" {
  name = "role-writer"
}

resource "aws_iam_user_policy" "role_writer" {
  name = "write-role-policies"
  user = aws_iam_user.role_writer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PutRolePolicy"
        Resource = "arn:aws:iam::*:role/*"
      }
    ]
  })
}
