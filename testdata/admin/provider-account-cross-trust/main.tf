# The provider configuration states the account (issue 17): `allowed_account_ids` holds one id,
# so every IAM principal below is created in account 111111111111 and its ARN says so.
# IAM's evaluation: a trust policy that names an account's root lets in that account's
# principals whose own policies allow sts:AssumeRole on the role; principals of any other
# account are not named at all.
#   - `admin` (AdministratorAccess) trusts the root of account 222222222222: `deployer`, a user
#     of 111111111111, is not let in, whatever its own policy allows: no SOD111 for `deployer`.
#   - `ops` (AdministratorAccess) trusts the root of 111111111111, the account the provider
#     states: `operator`, whose policy allows sts:AssumeRole on it, becomes a full
#     administrator through it (SOD111).
#   - both roles hold everything themselves (SOD111).

provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["111111111111"]
}

resource "aws_iam_role" "admin" {
  name = "admin"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::222222222222:root" } }]
  })
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "ops" {
  name = "ops"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111111111111:root" } }]
  })
}

resource "aws_iam_role_policy_attachment" "ops" {
  role       = aws_iam_role.ops.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_user" "deployer" {
  name = "deployer"
}

resource "aws_iam_user_policy" "deployer" {
  name = "assume-admin"
  user = aws_iam_user.deployer.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.admin.arn }]
  })
}

resource "aws_iam_user" "operator" {
  name = "operator"
}

resource "aws_iam_user_policy" "operator" {
  name = "assume-ops"
  user = aws_iam_user.operator.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = aws_iam_role.ops.arn }]
  })
}
