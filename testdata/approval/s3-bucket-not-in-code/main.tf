# Positive for SOD203 where the state bucket is not defined in the scanned code; negative for
# SOD201/SOD205 on it.
#
# Proves: when no aws_s3_bucket of the scan has the backend's bucket name, nothing is said
# about the bucket's own settings (versioning, public access, encryption: they are not in
# the code). Who can write the state object is still known from identity policies: both the
# CI role (s3:PutObject on every object of the bucket) and the ops user (s3:* on *) can
# replace or delete s3://acme-external-tfstate/platform/terraform.tfstate, one more than the
# default allowance of one writer.
# plan.json beside this file is the same code as `terraform show -json` gives it (values
# computed at apply are unknown and linked through `configuration`): both inputs must agree.
terraform {
  backend "s3" {
    bucket       = "acme-external-tfstate"
    key          = "platform/terraform.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
    encrypt      = true
  }
}

resource "aws_iam_role" "ci" {
  name = "platform-ci"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codebuild.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "ci_state" {
  name = "state"
  role = aws_iam_role.ci.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:PutObject"]
      Resource = "arn:aws:s3:::acme-external-tfstate/*"
    }]
  })
}

resource "aws_iam_user" "ops" {
  name = "ops"
}

resource "aws_iam_user_policy" "ops" {
  name = "everything-s3"
  user = aws_iam_user.ops.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }]
  })
}
