# Negative (SOD301): roles created with name_prefix are not "any role".
#
# Proves: a role created with `name_prefix` gets a name that starts with the prefix (the AWS
# provider appends a unique suffix) and, without `path`, the path `/` (IAM User Guide, "IAM
# identifiers": a role ARN is arn:PARTITION:iam::ACCOUNT:role/PATH/NAME, path `/` by default).
# So neither team role can be the FSx service-linked role, whose ARN has the path
# /aws-service-role/fsx.amazonaws.com/ and the name AWSServiceRoleForAmazonFSx; nor can
# either be the other team's role (`team-a-...` is never `team-b-...`). Each secret's
# resource policy names one role: one reader each, not two (a role named by ARN that may be
# team_b is team_b, counted once).

resource "aws_iam_role" "team_a" {
  name_prefix = "team-a-"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role" "team_b" {
  name_prefix = "team-b-"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_secretsmanager_secret" "fsx_admin" {
  name = "fsx/admin"
}

resource "aws_secretsmanager_secret_policy" "fsx_admin" {
  secret_arn = aws_secretsmanager_secret.fsx_admin.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:role/aws-service-role/fsx.amazonaws.com/AWSServiceRoleForAmazonFSx" }
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
    }]
  })
}

resource "aws_secretsmanager_secret" "team_b" {
  name = "team-b/db"
}

resource "aws_secretsmanager_secret_policy" "team_b" {
  secret_arn = aws_secretsmanager_secret.team_b.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:role/team-b-20240501093000000000000001" }
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
    }]
  })
}
