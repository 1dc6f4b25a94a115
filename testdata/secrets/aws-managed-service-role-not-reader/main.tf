# Negative (SOD301 on the token) and positive (SOD301 on the webhook secret): an AWS-managed
# policy attached by ARN is judged by its real document, not as unknown access.
#
# Proves: AWSBackupServiceRolePolicyForBackup (AWS Managed Policy Reference) lets AWS Backup
# snapshot and restore resources; it grants no ssm:GetParameter* (its only SSM actions run the
# VSS snapshot command) and no secretsmanager:GetSecretValue. So aws_iam_role.backup reads
# neither parameter. Had the policy been unknown, the backup role would be a *possible* reader
# of both ("unknown means possible") and the token would have two readers.
# - /pipeline/token: read by aws_iam_role.app only: one reader, no SOD301.
# - /pipeline/webhook: read by aws_iam_role.app and aws_iam_role.ops: two readers, SOD301.

resource "aws_ssm_parameter" "token" {
  name  = "/pipeline/token"
  type  = "SecureString"
  value = "placeholder"
}

resource "aws_ssm_parameter" "webhook" {
  name  = "/pipeline/webhook"
  type  = "SecureString"
  value = "placeholder"
}

resource "aws_iam_role" "app" {
  name = "pipeline-app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "app" {
  name = "read-pipeline"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "ssm:GetParameter"
      Resource = [aws_ssm_parameter.token.arn, aws_ssm_parameter.webhook.arn]
    }]
  })
}

resource "aws_iam_role" "ops" {
  name = "pipeline-ops"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "ops" {
  name = "read-webhook"
  role = aws_iam_role.ops.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ssm:GetParameter", Resource = aws_ssm_parameter.webhook.arn }]
  })
}

resource "aws_iam_role" "backup" {
  name = "pipeline-backup"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "backup.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "backup" {
  role       = aws_iam_role.backup.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"
}
