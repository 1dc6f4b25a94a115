# The IAM root module: the deploy pipeline's role and a support role, both allowed to write the
# application's state object.
data "aws_region" "current" {}

resource "random_id" "suffix" {
  byte_length = 4
}

resource "aws_iam_role" "deployer" {
  name = "deployer-${random_id.suffix.hex}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "deployer" {
  name = "state"
  role = aws_iam_role.deployer.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "arn:aws:s3:::acme-app-state/app/*" }]
  })
}

resource "aws_iam_role" "support" {
  name = "support"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "support" {
  name = "state-fix"
  role = aws_iam_role.support.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:PutObject", Resource = "arn:aws:s3:::acme-app-state/*" }]
  })
}
