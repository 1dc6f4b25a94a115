# A possible escalation through a role chain is not restated as duty pairs (issue 16, AFT).
#
# AWS: sts:AssumeRole into a role whose trust policy trusts an account (`:root`) needs an Allow
# in the caller's own policies for that role's ARN; a role session then holds exactly the
# role's permissions (IAM User Guide, "Switching to an IAM role"). The Lambda roles below are
# allowed sts:AssumeRole on `arn:aws:iam::${var.account_id}:role/admin` (account 111122223333 by
# the variable's default), while the account the roles themselves live in is not stated (no
# provider names one): that ARN is `admin` only if `admin` lives in 111122223333, so each may
# *possibly* become `admin` (AdministratorAccess), as AFT's roles may become AWSAFTAdmin. (A
# default, not an unset variable: Checkov renders defaults, so both entry points read the same.)
#
# Proves:
#   - `worker` holds nothing itself but sts:AssumeRole on `admin`: SOD110 (possible: the
#     account is not stated). Every duty it would hold comes from an `admin` session, so every
#     conflict is true exactly when that escalation is: SOD101-105 are absent (SOD110 names
#     them). Not SOD111: a possible chain is not full administration. (Were the role named for
#     certain, the chain would be too and `worker` a full administrator: SOD111, nothing else.)
#   - `keyholder` may also do kms:* on the key `data` itself: it administers and uses that key
#     whatever the escalation, so SOD101 is reported, with its own statement as evidence (line
#     of the kms statement). Its other conflicts need `admin`'s session (audit-control, identity,
#     approve, secret): SOD102-105 are absent, even SOD103 whose "write" side kms:* gives.
#   - `hopper` may become `key_ops` for certain (its trust names `hopper`), a role with kms:* on
#     `data` and no power over IAM: lateral access, not part of the escalation. Through it
#     `hopper` administers and uses the key whatever the escalation: SOD101 is reported (key_ops'
#     statement as evidence); its other conflicts need `admin`: SOD102-105 absent.
#   - `admin` (end of the chain) keeps its own finding: SOD111; `key_ops` its SOD101.
variable "account_id" {
  type    = string
  default = "111122223333"
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
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::${var.account_id}:root" }
    }]
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

resource "aws_secretsmanager_secret" "token" {
  name = "token"
}

resource "aws_kms_key" "data" {
  description = "data key"
}

resource "aws_iam_role" "keyholder" {
  name               = "keyholder"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role_policy" "keyholder" {
  name = "assume-admin-and-key"
  role = aws_iam_role.keyholder.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::${var.account_id}:role/admin" },
      { Effect = "Allow", Action = "kms:*", Resource = aws_kms_key.data.arn },
    ]
  })
}

resource "aws_iam_role" "hopper" {
  name               = "hopper"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role_policy" "hopper" {
  name = "assume-admin-and-key-ops"
  role = aws_iam_role.hopper.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::${var.account_id}:role/admin" },
      { Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.key_ops.arn },
    ]
  })
}

resource "aws_iam_role" "key_ops" {
  name = "key-ops"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = aws_iam_role.hopper.arn } }]
  })
}

resource "aws_iam_role_policy" "key_ops" {
  name = "key"
  role = aws_iam_role.key_ops.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "kms:*", Resource = aws_kms_key.data.arn }]
  })
}
