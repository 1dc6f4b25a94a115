# Positive (SOD303) and negative: a principal that reads every secret.
#
# Proves: Resource "*" covers every resource the action applies to (IAM JSON policy elements:
# Resource), so GetSecretValue on "*" without a condition reads every secret of the account,
# including ones created later. aws_iam_role.ops holds it (through a group-free managed
# policy): SOD303. aws_iam_role.prod_reader is limited to "secret:prod/*": not every secret.
# aws_iam_role.guarded holds GetSecretValue on "*" but a Deny on "secret:break-glass/*":
# not every secret either.

resource "aws_iam_role" "ops" {
  name = "ops"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_policy" "all_secrets" {
  name = "all-secrets"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["secretsmanager:GetSecretValue", "secretsmanager:ListSecrets"], Resource = "*" }]
  })
}

resource "aws_iam_role_policy_attachment" "ops" {
  role       = aws_iam_role.ops.name
  policy_arn = aws_iam_policy.all_secrets.arn
}

resource "aws_iam_role" "prod_reader" {
  name = "prod-reader"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "prod_reader" {
  name = "prod-secrets"
  role = aws_iam_role.prod_reader.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "arn:aws:secretsmanager:*:*:secret:prod/*" }]
  })
}

resource "aws_iam_role" "guarded" {
  name = "guarded"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "guarded" {
  name = "secrets-but-break-glass"
  role = aws_iam_role.guarded.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "*" },
      { Effect = "Deny", Action = "secretsmanager:GetSecretValue", Resource = "arn:aws:secretsmanager:*:*:secret:break-glass/*" }
    ]
  })
}
