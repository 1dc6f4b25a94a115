# SOD101 on the identity running Terraform (`data.aws_caller_identity.current`).
#
# Proves: `data.aws_caller_identity.current.arn` is the identity whose credentials apply the
# code (AWS provider: aws_caller_identity returns the caller of sts:GetCallerIdentity), one
# principal of its own, distinct from every principal the code creates: the Lambda role
# `worker` (assumable only by lambda.amazonaws.com) is never it. A key policy that lists the
# caller as key administrator and as key user gives it both duties: SOD101 on it, anchored on
# the key whose policy grants both (a data source only reads who runs Terraform; the grant to
# change is the key policy's "Allow administration of the key" statement), as on
# Azure for azurerm_client_config. `worker`, named only in the use statement, is quiet; the root
# statement (`arn:aws:iam::${account_id}:root`) still only enables IAM policies of the account.

data "aws_caller_identity" "current" {}

resource "aws_iam_role" "worker" {
  name = "worker"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_kms_key" "data" {
  description = "data"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Enable IAM policies"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:DescribeKey"
        Resource  = "*"
      },
      {
        Sid       = "Allow administration of the key"
        Effect    = "Allow"
        Principal = { AWS = data.aws_caller_identity.current.arn }
        Action    = ["kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*", "kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion"]
        Resource  = "*"
      },
      {
        Sid       = "Allow use of the key"
        Effect    = "Allow"
        Principal = { AWS = [data.aws_caller_identity.current.arn, aws_iam_role.worker.arn] }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
        Resource  = "*"
      }
    ]
  })
}
