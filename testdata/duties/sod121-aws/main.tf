# SOD121 on AWS: one role that can change resources of two environments, recognised from the
# resources' names and tags.
#
# Proves:
#   - `shared_deployer` can write the production bucket (name `acme-prod-data`) and the
#     staging bucket (tag Environment = staging): flagged.
#   - `prod_deployer` writes two production buckets: quiet (one environment).
#   - `auditor` reads both environments: quiet (reading is not changing).
locals {
  trust = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }] })
}

resource "aws_s3_bucket" "prod" {
  bucket = "acme-prod-data"
}

resource "aws_s3_bucket" "prod_logs" {
  bucket = "acme-prod-logs"
}

resource "aws_s3_bucket" "staging" {
  bucket = "acme-web-assets-2"
  tags = {
    Environment = "staging"
  }
}

resource "aws_iam_role" "shared_deployer" {
  name               = "shared-deployer"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "shared_deployer" {
  name = "deploy"
  role = aws_iam_role.shared_deployer.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:PutObject", Resource = ["${aws_s3_bucket.prod.arn}/*", "${aws_s3_bucket.staging.arn}/*"] }]
  })
}

resource "aws_iam_role" "prod_deployer" {
  name               = "prod-deployer"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "prod_deployer" {
  name = "deploy"
  role = aws_iam_role.prod_deployer.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:PutObject", Resource = ["${aws_s3_bucket.prod.arn}/*", "${aws_s3_bucket.prod_logs.arn}/*"] }]
  })
}

resource "aws_iam_role" "auditor" {
  name               = "auditor"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "auditor" {
  name = "read"
  role = aws_iam_role.auditor.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:ListBucket"], Resource = "*" }]
  })
}
