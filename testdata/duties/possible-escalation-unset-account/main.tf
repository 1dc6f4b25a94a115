# A role chain through an account the code leaves to the caller: `var.account_id` has no
# default and no variables file sets it.
#
# AWS: sts:AssumeRole into a role whose trust policy trusts an account (`:root`) needs an Allow
# in the caller's own policies for that role's ARN (IAM User Guide, "Switching to an IAM
# role"); a role session then holds exactly the role's permissions. `worker` may assume
# `arn:aws:iam::${var.account_id}:role/admin`, and `admin` (AdministratorAccess) trusts
# `arn:aws:iam::${var.account_id}:root`: with the account unknown, that ARN is `admin` whenever
# the variable names the account `admin` lives in, so `worker` may *possibly* become `admin`.
#
# `terraform plan` would ask for the variable; Checkov's graph keeps the unset reference as
# the text `var.account_id` inside the rendered JSON. Both entry points must read it as
# unknown (not as a literal account named "var.account_id", which matches nothing).
#
# Proves:
#   - `worker`: SOD110 (possibly escalates through `admin`), evidence at its statement.
#   - `admin`: SOD111 (AdministratorAccess).
#   - `auditor` may assume `arn:aws:iam::${var.account_id}:role/reports` only: whatever the
#     account, that ARN names no role with more power (there is none called `reports` in the
#     code), so no SOD110 for it.
variable "account_id" {
  type = string
}

locals {
  lambda_trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "admin" {
  name = "admin"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::${var.account_id}:root" } }]
  })
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "worker" {
  name               = "worker"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role_policy" "worker" {
  name = "assume-admin"
  role = aws_iam_role.worker.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::${var.account_id}:role/admin" }]
  })
}

resource "aws_iam_role" "auditor" {
  name               = "auditor"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role_policy" "auditor" {
  name = "assume-reports"
  role = aws_iam_role.auditor.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::${var.account_id}:role/reports" }]
  })
}
