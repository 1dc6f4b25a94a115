# The state bucket. Planted: versioning is not enabled, and besides the deploy role the
# developers group can write state objects directly (bypassing review). No default
# encryption is configured, so state is encrypted only with S3-managed keys (SSE-S3), not a
# customer-managed KMS key whose use would be a separate, reviewable grant.
resource "aws_s3_bucket" "state" {
  bucket = "acme-prod-tfstate"
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket                  = aws_s3_bucket.state.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_iam_group" "developers" {
  name = "developers"
}

resource "aws_iam_group_policy" "developers_state" {
  name  = "state-access"
  group = aws_iam_group.developers.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "StateReadWrite"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
      Resource = "${aws_s3_bucket.state.arn}/*"
    }]
  })
}
