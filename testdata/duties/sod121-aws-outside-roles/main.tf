# Proves: SOD121 sees environments through roles outside the code. A CodeBuild role whose
# policy lets it sts:AssumeRole the deployer roles of two accounts can act with either role
# (AWS: a session has the assumed role's permissions; cross-account, the identity-policy Allow
# is the caller's half and the role's trust policy, not in this code, the other, so it counts as
# possible). The roles' names say which environment each deploys: staging-deployer and
# production-deployer. So:
#   - `release` may assume staging-deployer (account 222222222222) and production-deployer
#     (account 333333333333): it changes two environments. SOD121;
#   - `nightly` may assume two roles of one environment (production-deployer and
#     production/reporting-deployer, a path that names production): one environment, quiet;
#   - `lint` may assume a role whose name names no environment: quiet.

resource "aws_iam_role" "release" {
  name = "release"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "release" {
  name = "assume-deployers"
  role = aws_iam_role.release.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = "sts:AssumeRole"
      Resource = [
        "arn:aws:iam::222222222222:role/staging-deployer",
        "arn:aws:iam::333333333333:role/production-deployer",
      ]
    }]
  })
}

resource "aws_iam_role" "nightly" {
  name = "nightly"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "nightly" {
  name = "assume-production-roles"
  role = aws_iam_role.nightly.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = "sts:AssumeRole"
      Resource = [
        "arn:aws:iam::333333333333:role/production-deployer",
        "arn:aws:iam::333333333333:role/production/reporting-deployer",
      ]
    }]
  })
}

resource "aws_iam_role" "lint" {
  name = "lint"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "lint" {
  name = "assume-linter"
  role = aws_iam_role.lint.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::222222222222:role/linter" }]
  })
}
