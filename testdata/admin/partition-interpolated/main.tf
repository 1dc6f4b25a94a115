# SOD111 positive and negative: AWS-managed policies attached by an ARN whose partition is
# interpolated.
#
# Proves: `arn:${data.aws_partition.current.partition}:iam::aws:policy/X` is the AWS-managed
# policy X: the partition is one of aws, aws-cn, aws-us-gov, and each holds the same managed
# policies (IAM User Guide, "AWS managed policies"; "IAM identifiers": the account field `aws`
# marks them). AWS Control Tower Account Factory for Terraform writes its execution roles so.
#   - `execution` gets AdministratorAccess (every action on every resource): SOD111.
#   - `auditor` gets ReadOnlyAccess (through a local): not an administrator. Before, an
#     unresolved ARN was an unknown document ("possibly anything").

data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
}

resource "aws_iam_role" "execution" {
  name = "AWSAFTExecution"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111122223333:root" } }]
  })
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "auditor" {
  name = "auditor"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "auditor" {
  role       = aws_iam_role.auditor.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/ReadOnlyAccess"
}
