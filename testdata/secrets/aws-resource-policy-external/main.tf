# Positive (SOD301): a reader named only by ARN in the secret's resource policy.
#
# Proves: a resource-based policy grants access to the principals its Principal element names
# (IAM User Guide, "Identity-based policies and resource-based policies"; Secrets Manager
# User Guide, "Resource-based policies"). The policy names aws_iam_role.app (defined here)
# and a partner role by ARN that the code does not define: both read. The partner is listed
# as written. The secret uses the AWS managed key, which decrypts only for the secret's own
# account, and the partner's account is not stated: its read is "possible", and counted.
# The identity running Terraform (`data.aws_caller_identity.current`) is no reader: nothing
# names its `.arn`, its own identity policies are not in the code, and the partner's ARN names
# role partner-sync (counted once, as written), not "possibly" the caller; nor is the partner
# dropped as "possibly a principal of the code" because the caller's ARN is unknown.

data "aws_caller_identity" "current" {}

resource "aws_secretsmanager_secret" "api" {
  name = "prod/partner/api-key"
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

data "aws_iam_policy_document" "api" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.app.arn, "arn:aws:iam::444455556666:role/partner-sync"]
    }
  }
}

resource "aws_secretsmanager_secret_policy" "api" {
  secret_arn = aws_secretsmanager_secret.api.arn
  policy     = data.aws_iam_policy_document.api.json
}
