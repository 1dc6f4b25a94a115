# Negative for escalation and duties on a role whose name the code does not state, when a
# trust policy names another role of the code by reference.
#
# Proves: a trust policy's Principal names exactly the principals it lists (IAM User Guide,
# "AWS JSON policy elements: Principal"). Role `admin` (AdministratorAccess: SOD111) trusts
# `aws_iam_role.deployer.arn`: that reference is the deployer role (which may therefore
# assume admin: SOD111 on it too), never `aws_iam_role.ops`, another resource of the code and
# so another identity, even though ops's name (a variable without a default) and so its ARN
# are unknown. Nothing lets ops become admin: no SOD110/SOD111 and no duty conflict on it.

variable "ops_name" {
  type = string
}

resource "aws_iam_role" "ops" {
  name = var.ops_name
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "deployer" {
  name = "deployer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "admin" {
  name = "admin"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = aws_iam_role.deployer.arn } }]
  })
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
