# Positive for SOD203: writers granted by the bucket policy, including principals the code
# does not define.
#
# Proves: the state object's writers are the union of identity-policy grants and
# bucket-policy grants (same-account: either side suffices, AWS "Policy evaluation logic").
# The deploy role writes through its identity policy; the bucket policy also lets a role of
# another account (named only by ARN, reported as written) put objects under state/, and
# lets the break-glass user delete them. A bucket-policy grant on the bucket ARN alone
# (s3:PutObject on "arn:aws:s3:::bucket", not "/*") covers no object and adds no writer:
# the auditor user stays out.
terraform {
  backend "s3" {
    bucket       = "acme-shared-state"
    key          = "state/prod.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
  }
}

resource "aws_s3_bucket" "state" {
  bucket = "acme-shared-state"
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

resource "aws_iam_user" "breakglass" {
  name = "breakglass"
}

resource "aws_iam_user" "auditor" {
  name = "auditor"
}

data "aws_iam_policy_document" "state" {
  statement {
    sid       = "PartnerPipeline"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.state.arn}/state/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::999988887777:role/partner-pipeline"]
    }
  }
  statement {
    sid       = "BreakGlass"
    actions   = ["s3:DeleteObject"]
    resources = ["${aws_s3_bucket.state.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_user.breakglass.arn]
    }
  }
  statement {
    sid       = "AuditorBucketOnly"
    actions   = ["s3:PutObject", "s3:ListBucket"]
    resources = [aws_s3_bucket.state.arn]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_user.auditor.arn]
    }
  }
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = data.aws_iam_policy_document.state.json
}
