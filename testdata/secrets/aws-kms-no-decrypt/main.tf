# Negative (SOD301): GetSecretValue without kms:Decrypt on the secret's customer key.
#
# Proves: to read a secret encrypted with a customer managed key, the caller needs
# kms:Decrypt on that key (Secrets Manager User Guide, "Secret encryption and decryption").
# The key has no key policy in the code, so AWS gives it the default key policy, which only
# enables IAM policies ("Key policies in AWS KMS", "Default key policy"). aws_iam_role.reporting
# may call GetSecretValue but no IAM policy gives it kms:Decrypt: it cannot read the value.
# aws_iam_role.app has both. One reader.

resource "aws_kms_key" "data" {
  description = "Customer data"
}

resource "aws_secretsmanager_secret" "db" {
  name       = "prod/db/password"
  kms_key_id = aws_kms_key.data.arn
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "app" {
  name = "read-db"
  role = aws_iam_role.app.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn },
      { Effect = "Allow", Action = "kms:Decrypt", Resource = aws_kms_key.data.arn }
    ]
  })
}

resource "aws_iam_role" "reporting" {
  name = "reporting"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "reporting" {
  name = "read-db"
  role = aws_iam_role.reporting.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn }]
  })
}
