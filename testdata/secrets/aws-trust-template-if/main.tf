# Positive and negative (SOD301): a trust policy rendered by templatefile() with a `%{ if }`.
#
# Proves: a template directive on an unknown value renders one of its two branches, so what
# either branch states is possible (DESIGN.md: unknown means possible; reader sets are
# over-approximations). Terraform renders `%{ if c }A%{ else }B%{ endif }` as A when c is true,
# else B (Terraform docs, "Strings and Templates", directives). AWS: a role's trust policy that
# names an IAM user's ARN lets that user call sts:AssumeRole without an identity policy of its
# own (same account), and the user then acts with the role's permissions.
#   - `app` renders its trust with `var.operators_may_assume` (no default: unknown): the
#     operator user may be trusted, so `aws_iam_user.operator` is a possible reader of
#     `db` besides `app` itself: two readers, SOD301.
#   - `batch` renders the same template with `false`: only ECS tasks are trusted, `batch` is
#     the one reader of `reports`: no SOD301.
#   - `audit` renders it with `true`: the auditor user is trusted for certain, it and `audit`
#     read `audit_log`: SOD301 (the chosen branch counts).

variable "operators_may_assume" {
  type = bool
}

resource "aws_iam_user" "operator" {
  name = "operator"
}

resource "aws_iam_user" "auditor" {
  name = "auditor"
}

resource "aws_iam_user" "analyst" {
  name = "analyst"
}

resource "aws_secretsmanager_secret" "db" {
  name = "prod/db/password"
}

resource "aws_secretsmanager_secret" "reports" {
  name = "prod/reports/token"
}

resource "aws_secretsmanager_secret" "audit_log" {
  name = "prod/audit/token"
}

resource "aws_iam_role" "app" {
  name = "app"
  assume_role_policy = templatefile("${path.module}/trust.json.tpl", {
    operators_may_assume = var.operators_may_assume
    operator_arn         = aws_iam_user.operator.arn
  })
}

resource "aws_iam_role" "batch" {
  name = "batch"
  assume_role_policy = templatefile("${path.module}/trust.json.tpl", {
    operators_may_assume = false
    operator_arn         = aws_iam_user.analyst.arn
  })
}

resource "aws_iam_role" "audit" {
  name = "audit"
  assume_role_policy = templatefile("${path.module}/trust.json.tpl", {
    operators_may_assume = true
    operator_arn         = aws_iam_user.auditor.arn
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

resource "aws_iam_role_policy" "batch" {
  name = "read-reports"
  role = aws_iam_role.batch.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.reports.arn }]
  })
}

resource "aws_iam_role_policy" "audit" {
  name = "read-audit"
  role = aws_iam_role.audit.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.audit_log.arn }]
  })
}
