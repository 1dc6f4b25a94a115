# SOD103 on AWS: controlling the audit trail (CloudTrail, CloudWatch Logs retention, AWS
# Config recorders, GuardDuty, and the trail's S3 bucket) while also changing resources.
#
# Proves:
#   - `operator` can stop and delete the trail and run EC2 instances: flagged.
#   - `bucket_janitor` can delete objects and rewrite the policy of the bucket the trail writes
#     to (the trail's bucket is part of the trail), and can change DynamoDB tables: flagged.
#   - `log_admin` can manage the trail and log retention, and nothing outside logging: quiet
#     (the change must be outside audit control itself).
#   - `guarded_operator` is allowed cloudtrail:* and ec2:*, but an explicit Deny on every
#     CloudTrail action removes the audit side: quiet.
#   - `reports_writer` writes objects of another bucket: quiet (no audit control).
locals {
  trust = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }] })
}

resource "aws_s3_bucket" "trail" {
  bucket = "acme-org-trail"
}

resource "aws_s3_bucket" "reports" {
  bucket = "acme-reports"
}

resource "aws_cloudtrail" "org" {
  name           = "org-trail"
  s3_bucket_name = aws_s3_bucket.trail.id
}

resource "aws_iam_role" "operator" {
  name               = "operator"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "operator" {
  name = "ops"
  role = aws_iam_role.operator.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["ec2:RunInstances", "ec2:TerminateInstances"], Resource = "*" },
      { Effect = "Allow", Action = ["cloudtrail:StopLogging", "cloudtrail:DeleteTrail"], Resource = aws_cloudtrail.org.arn }
    ]
  })
}

resource "aws_iam_role" "bucket_janitor" {
  name               = "bucket-janitor"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "bucket_janitor" {
  name = "janitor"
  role = aws_iam_role.bucket_janitor.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["s3:DeleteObject", "s3:PutBucketPolicy"], Resource = [aws_s3_bucket.trail.arn, "${aws_s3_bucket.trail.arn}/*"] },
      { Effect = "Allow", Action = ["dynamodb:PutItem", "dynamodb:DeleteItem"], Resource = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders" }
    ]
  })
}

resource "aws_iam_role" "log_admin" {
  name               = "log-admin"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "log_admin" {
  name = "logging-only"
  role = aws_iam_role.log_admin.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["cloudtrail:UpdateTrail", "cloudtrail:StopLogging", "cloudtrail:StartLogging", "logs:PutRetentionPolicy", "logs:DeleteLogGroup"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role" "guarded_operator" {
  name               = "guarded-operator"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "guarded_operator" {
  name = "ops-without-trail"
  role = aws_iam_role.guarded_operator.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["cloudtrail:*", "ec2:RunInstances"], Resource = "*" },
      { Effect = "Deny", Action = "cloudtrail:*", Resource = "*" }
    ]
  })
}

resource "aws_iam_role" "reports_writer" {
  name               = "reports-writer"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "reports_writer" {
  name = "reports"
  role = aws_iam_role.reports_writer.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["s3:PutObject", "s3:DeleteObject"], Resource = "${aws_s3_bucket.reports.arn}/*" }]
  })
}
