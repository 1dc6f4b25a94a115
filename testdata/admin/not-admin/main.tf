# SOD111 negatives, per AWS policy evaluation logic:
#   - `power_user` has PowerUserAccess: everything except IAM/Organizations/Account
#     management (NotAction), so not every duty.
#   - `denied_admin` has "*" on "*" but an explicit Deny of iam:* on "*": explicit Deny wins.
#   - `bounded_admin` has AdministratorAccess but a permissions boundary that allows only
#     s3:*: effective permissions are the intersection.
#   - `scoped_admin` has Action "*" only on one bucket: not every resource.
#   - `readonly` has ReadOnlyAccess.
# SOD110 does fire on `power_user` and `denied_admin`: with lambda:UpdateFunctionCode,
# ssm:SendCommand and friends on "*" they can run code as roles already in use (outside
# the code too), which is privilege escalation, not full administration. That escalation is
# only possible (no role in use is in the code), and a possible escalation never hides a
# certain conflict (DESIGN.md "Certain beats possible"): both hold kms:*, cloudtrail:* with
# every other write, codepipeline:* and secretsmanager:* for certain, so SOD101, SOD103,
# SOD104 and SOD105 are reported too, and SOD106 (identitystore:* and sso:* are not iam:*).

resource "aws_iam_user" "power_user" {
  name = "power-user"
}

resource "aws_iam_user_policy_attachment" "power_user" {
  user       = aws_iam_user.power_user.name
  policy_arn = "arn:aws:iam::aws:policy/PowerUserAccess"
}

resource "aws_iam_user" "denied_admin" {
  name = "denied-admin"
}

resource "aws_iam_user_policy" "denied_admin" {
  name = "all-but-iam"
  user = aws_iam_user.denied_admin.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "*", Resource = "*" },
      { Effect = "Deny", Action = "iam:*", Resource = "*" }
    ]
  })
}

resource "aws_iam_policy" "s3_only" {
  name = "s3-only-boundary"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }]
  })
}

resource "aws_iam_role" "bounded_admin" {
  name                 = "bounded-admin"
  permissions_boundary = aws_iam_policy.s3_only.arn
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "bounded_admin" {
  role       = aws_iam_role.bounded_admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_user" "scoped_admin" {
  name = "scoped-admin"
}

resource "aws_iam_user_policy" "scoped_admin" {
  name = "one-bucket"
  user = aws_iam_user.scoped_admin.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"] }]
  })
}

resource "aws_iam_user" "readonly" {
  name = "readonly"
}

resource "aws_iam_user_policy_attachment" "readonly" {
  user       = aws_iam_user.readonly.name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
