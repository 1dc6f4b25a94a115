# Negative for issue 17's stated accounts: `allowed_account_ids` lists two ids, so the code does
# not state which account the principals below are created in (their ARNs keep `*`). `admin`
# trusts the root of 222222222222, which may be the account `deployer` is created in; its
# policy allows sts:AssumeRole on `admin`, so by IAM's evaluation it may become a full
# administrator (SOD111 stays reported: an unknown account is never turned into "no").

provider "aws" {
  allowed_account_ids = ["111111111111", "222222222222"]
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
