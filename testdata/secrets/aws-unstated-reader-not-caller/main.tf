# Negative (SOD301, SOD105): a secret policy naming one principal the code does not state.
#
# Proves: the secret's resource policy grants GetSecretValue to the principals its Principal
# element names (Secrets Manager User Guide, "Resource-based policies"); here one value, a
# variable without a default. It is one reader, listed as written. The identity running
# Terraform is not a second, "possible" reader: nothing names its `.arn`, and its own identity
# policies are not in the code. One reader, within the default limit of 1: no SOD301; the
# caller neither manages nor reads the secret: no SOD105 on it.

variable "reader_arn" {
  type = string
}

data "aws_caller_identity" "current" {}

resource "aws_secretsmanager_secret" "api" {
  name = "prod/api-key"
}

resource "aws_secretsmanager_secret_policy" "api" {
  secret_arn = aws_secretsmanager_secret.api.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = var.reader_arn }
      Action    = ["secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue"]
      Resource  = "*"
    }]
  })
}
