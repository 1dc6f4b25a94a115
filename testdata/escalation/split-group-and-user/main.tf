# Positive a per-policy check misses: the path is split between a group and a user.
#
# Proves: AWS evaluates a user's own policies together with the policies of every group it
# belongs to. The group `data_eng` may pass the privileged instance role; the user `analyst`
# may launch instances through its own policy and is a member of `data_eng`, so it holds the
# whole path (path: ec2-run-instances).
#
# `viewer` is in the same group without RunInstances: quiet. The group alone holds only
# PassRole: quiet.

# The privileged instance role: a full administrator (Action "*" on "*").
resource "aws_iam_role" "worker" {
  name = "worker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "worker" {
  name = "data-admin"
  role = aws_iam_role.worker.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*" # AdministratorAccess: greater power, not just different (DESIGN)
      Resource = "*"
    }]
  })
}

resource "aws_iam_instance_profile" "worker" {
  name = "worker"
  role = aws_iam_role.worker.name
}

resource "aws_iam_group" "data_eng" {
  name = "data-eng"
}

resource "aws_iam_group_policy" "data_eng" {
  name  = "pass-worker"
  group = aws_iam_group.data_eng.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:PassRole", "iam:GetRole"]
      Resource = aws_iam_role.worker.arn
    }]
  })
}

resource "aws_iam_group_membership" "data_eng" {
  name  = "data-eng"
  group = aws_iam_group.data_eng.name
  users = [aws_iam_user.analyst.name, aws_iam_user.viewer.name]
}

# path: ec2-run-instances
resource "aws_iam_user" "analyst" {
  name = "analyst"
}

resource "aws_iam_user_policy" "analyst" {
  name = "launch-instances"
  user = aws_iam_user.analyst.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ec2:RunInstances", "ec2:DescribeInstances"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_user" "viewer" {
  name = "viewer"
}

resource "aws_iam_user_policy" "viewer" {
  name = "describe-instances"
  user = aws_iam_user.viewer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "ec2:DescribeInstances"
      Resource = "*"
    }]
  })
}
