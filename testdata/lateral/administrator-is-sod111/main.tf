# SOD112 leaves a full administrator to SOD111.
#
# Proves: `admin` holds AdministratorAccess, so it may attach any policy to any user, but it holds
# every permission itself: there is nothing it can grant that it does not hold, and SOD111 already
# reports it (DESIGN.md "Certain beats possible"): no SOD112.

resource "aws_iam_user" "alice" {
  name = "alice"
}

resource "aws_iam_role" "admin" {
  name = "admin"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codebuild.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "admin" {
  role       = aws_iam_role.admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
