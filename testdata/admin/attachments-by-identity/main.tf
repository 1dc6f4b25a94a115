# Proves: a policy attachment belongs to the role it refers to, not to every role of the
# same name. IAM role names are unique only within one account, so two instances of one
# module (each deploying to its own account) and two provider aliases may each create a role
# called "deployer" / "billing". `role = aws_iam_role.x.name` evaluates to the bare name;
# the reference says which resource is meant (Terraform attaches the policy to that role,
# in that role's account).
#   - module.prod's role gets AdministratorAccess: SOD111;
#   - module.staging's role of the same name gets only ReadOnlyAccess: no SOD111;
#   - aws_iam_role.billing_east (provider aws.east) gets AdministratorAccess: SOD111;
#   - aws_iam_role.billing_west (provider aws.west), same name, ReadOnlyAccess: no SOD111.

provider "aws" {
  alias  = "east"
  region = "us-east-1"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

module "prod" {
  source     = "./modules/deployer"
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

module "staging" {
  source     = "./modules/deployer"
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}

resource "aws_iam_role" "billing_east" {
  provider = aws.east
  name     = "billing"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "billing_east" {
  provider   = aws.east
  role       = aws_iam_role.billing_east.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "billing_west" {
  provider = aws.west
  name     = "billing"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "billing_west" {
  provider   = aws.west
  role       = aws_iam_role.billing_west.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
