# SOD112: a grant on service-linked roles only reaches nobody; one on a customer path does.
#
# Proves: iam:PutRolePolicy / iam:AttachRolePolicy on `role/aws-service-role/...` (as the EKS
# FSx CSI driver policies write them) cannot hand permissions to any role: the path is reserved
# to service-linked roles, whose policies and trust no customer may change (IAM User Guide,
# "Using service-linked roles"; IAM answers UnmodifiableEntity). So `fsx_csi` is not reported.
# The same actions on `role/app/*` reach any customer role under that path: `app_admin` is.

data "aws_partition" "current" {}

resource "aws_iam_user" "fsx_csi" {
  name = "fsx-csi"
}

resource "aws_iam_user_policy" "fsx_csi" {
  name = "manage-fsx-service-linked-roles"
  user = aws_iam_user.fsx_csi.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["iam:PutRolePolicy", "iam:AttachRolePolicy"]
        Resource = "arn:${data.aws_partition.current.partition}:iam::*:role/aws-service-role/fsx.amazonaws.com/*"
      }
    ]
  })
}

resource "aws_iam_user" "app_admin" {
  name = "app-admin"
}

resource "aws_iam_user_policy" "app_admin" {
  name = "manage-app-roles"
  user = aws_iam_user.app_admin.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["iam:PutRolePolicy", "iam:AttachRolePolicy"]
        Resource = "arn:aws:iam::*:role/app/*"
      }
    ]
  })
}
