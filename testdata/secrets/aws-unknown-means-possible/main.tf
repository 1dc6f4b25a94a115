# Positive (SOD301): readers the code cannot rule out count as possible.
#
# Proves: sod-iac's contract "unknown means possible" (DESIGN.md): reader sets are
# over-approximations. The secret is encrypted with a KMS key given by a variable: its key
# policy is not in the code, so whether a principal may decrypt is unknown and reads count as
# possible. aws_iam_role.legacy has a managed policy whose ARN is a variable: its document is
# unknown, so it possibly allows GetSecretValue. Both aws_iam_role.app (GetSecretValue stated,
# decryption unknown) and aws_iam_role.legacy are possible readers: two, more than one.
# aws_iam_role.web has only a known S3 policy: not a reader.

variable "kms_key_arn" {
  type = string
}

variable "extra_policy_arn" {
  type = string
}

resource "aws_secretsmanager_secret" "db" {
  name       = "prod/db/password"
  kms_key_id = var.kms_key_arn
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
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.db.arn }]
  })
}

resource "aws_iam_role" "legacy" {
  name = "legacy"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "legacy" {
  role       = aws_iam_role.legacy.name
  policy_arn = var.extra_policy_arn
}

resource "aws_iam_role" "web" {
  name = "web"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "web" {
  name = "assets"
  role = aws_iam_role.web.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::assets/*" }]
  })
}
