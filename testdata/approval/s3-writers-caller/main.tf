# Positive for SOD203: the identity running Terraform, named in the state bucket's policy,
# is a state writer.
#
# Proves: a bucket policy grants what it grants to the principals its Principal element names
# (S3 User Guide, "Bucket policies"; same account: either the identity or the resource policy
# suffices, IAM "Policy evaluation logic"). It names `data.aws_caller_identity.current.arn`,
# the identity whose credentials apply this code (AWS provider, aws_caller_identity), for
# s3:*: it can put and delete the state object. With the deploy role (identity policy) that
# is two writers, more than the default one allowed.
terraform {
  backend "s3" {
    bucket       = "acme-caller-state"
    key          = "state/prod.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
  }
}

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "state" {
  bucket = "acme-caller-state"
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = "alias/state"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_iam_role" "deployer" {
  name = "deployer"
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
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "${aws_s3_bucket.state.arn}/state/*" }]
  })
}

data "aws_iam_policy_document" "state" {
  statement {
    sid       = "TerraformCaller"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.state.arn, "${aws_s3_bucket.state.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = [data.aws_caller_identity.current.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = data.aws_iam_policy_document.state.json
}
