# Provider configurations passed to modules (issue 17). The default configuration works in
# account 111111111111 (allowed_account_ids), `aws.prod` in 222222222222 (the account of the
# role it assumes, a literal ARN).
#   - `module.prod` is given `providers = { aws = aws.prod }`: its `deployer` user is created
#     in 222222222222. `module.dev` has no `providers` map: it inherits the default
#     configuration, so its `deployer` is created in 111111111111.
#   - `admin` (AdministratorAccess, default configuration) trusts the root of the account that
#     `data.aws_caller_identity.prod` reads, read with `provider = aws.prod`: 222222222222.
# IAM's evaluation of a cross-account trust: the named account's principals get in when their
# own policies allow sts:AssumeRole on the role. Each deployer's policy allows it on `*`, so
# `module.prod.aws_iam_user.deployer` becomes a full administrator (SOD111); the dev
# deployer is in 111111111111, not named: no SOD111.

provider "aws" {
  allowed_account_ids = ["111111111111"]
}

provider "aws" {
  alias = "prod"
  assume_role {
    role_arn = "arn:aws:iam::222222222222:role/terraform"
  }
}

data "aws_caller_identity" "prod" {
  provider = aws.prod
}

resource "aws_iam_role" "admin" {
  name = "admin"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.prod.account_id}:root" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

module "prod" {
  source = "./deployer"
  providers = {
    aws = aws.prod
  }
}

module "dev" {
  source = "./deployer"
}
