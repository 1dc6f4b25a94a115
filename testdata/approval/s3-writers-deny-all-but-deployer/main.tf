# Negative for SOD203: a bucket policy that denies state writes to everyone but the deployer.
#
# Proves: an explicit Deny wins over any Allow (AWS "Policy evaluation logic"). The
# developers group and the platform admin role hold s3:* on every resource, but the bucket
# policy denies s3:PutObject and s3:DeleteObject on the state objects unless
# aws:PrincipalArn is the deploy role's ARN (ArnNotEquals). For every principal that is
# certainly not the deploy role (users of the group, the admin role) the Deny applies, so the
# deploy role is the only writer: no SOD203. (The bucket has no versioning and no public
# access block: SOD201 and SOD205 are expected and are not what this case is about.)
terraform {
  backend "s3" {
    bucket       = "acme-guarded-tfstate"
    key          = "prod/terraform.tfstate"
    region       = "eu-west-1"
    use_lockfile = true
  }
}

resource "aws_s3_bucket" "state" {
  bucket = "acme-guarded-tfstate"
}

resource "aws_iam_role" "deployer" {
  name = "tf-deployer"
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
    Statement = [{ Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource = "${aws_s3_bucket.state.arn}/*" }]
  })
}

resource "aws_iam_group" "developers" {
  name = "developers"
}

resource "aws_iam_group_policy" "developers" {
  name  = "s3"
  group = aws_iam_group.developers.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }]
  })
}

resource "aws_iam_role" "platform_admin" {
  name = "platform-admin"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "platform_admin" {
  name = "s3"
  role = aws_iam_role.platform_admin.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }]
  })
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OnlyTheDeployerWritesState"
      Effect    = "Deny"
      Principal = "*"
      Action    = ["s3:PutObject", "s3:DeleteObject"]
      Resource  = "${aws_s3_bucket.state.arn}/*"
      Condition = { ArnNotEquals = { "aws:PrincipalArn" = aws_iam_role.deployer.arn } }
    }]
  })
}
