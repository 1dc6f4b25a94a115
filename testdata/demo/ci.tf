# The CI deploy role, assumed by GitHub Actions through OIDC. Planted: the trust policy
# accepts any ref of the repository (`repo:acme/platform:*`), so an unreviewed branch can
# deploy; and the role may create new versions of its own policy (privilege escalation).
resource "aws_iam_openid_connect_provider" "github" {
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

data "aws_iam_policy_document" "ci_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }
    condition {
      test     = "StringLike"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:${var.github_repository}:*"]
    }
  }
}

resource "aws_iam_role" "ci_deploy" {
  name               = "ci-deploy"
  assume_role_policy = data.aws_iam_policy_document.ci_trust.json
}

data "aws_iam_policy_document" "ci_deploy" {
  statement {
    sid       = "Deploy"
    actions   = ["ec2:*", "ecs:*", "s3:*", "iam:PassRole"]
    resources = ["*"]
  }
  statement {
    sid       = "ManageOwnPolicy"
    actions   = ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"]
    resources = ["arn:aws:iam::${var.account_id}:policy/ci-deploy"]
  }
  statement {
    sid       = "ReadDbSecret"
    actions   = ["secretsmanager:GetSecretValue", "kms:Decrypt"]
    resources = [aws_secretsmanager_secret.db.arn, aws_kms_key.data.arn]
  }
}

resource "aws_iam_policy" "ci_deploy" {
  name   = "ci-deploy"
  policy = data.aws_iam_policy_document.ci_deploy.json
}

resource "aws_iam_role_policy_attachment" "ci_deploy" {
  role       = aws_iam_role.ci_deploy.name
  policy_arn = aws_iam_policy.ci_deploy.arn
}
