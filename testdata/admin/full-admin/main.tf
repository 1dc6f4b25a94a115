# SOD111 positives: a principal that may perform every action on every resource holds every
# duty at once. Per AWS policy evaluation, an Allow of "*" on "*" with no Deny and no
# boundary grants everything; the AWS-managed AdministratorAccess policy is exactly that.
#   - `breakglass` has AdministratorAccess attached (AWS-managed, by ARN).
#   - `ops` has an inline policy with Action "*" / Resource "*".
#   - `platform` gets everything through NotAction: Allow NotAction ["iam:PassRole"] plus
#     Allow iam:* on *: together every action on every resource.
#   - `jumper` holds nothing itself but may assume `ops` (trust names it): it can act as a
#     full administrator through the role (role chaining).
# A full administrator also reads every secret, but it is reported once: SOD111, no SOD303
# (DESIGN.md "Certain beats possible"). `secrets_auditor` is no administrator and may
# secretsmanager:GetSecretValue on "*" (every secret of the account, present and future):
# SOD303 still reports it.

resource "aws_iam_role" "breakglass" {
  name = "breakglass"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111122223333:root" } }]
  })
}

resource "aws_iam_role_policy_attachment" "breakglass" {
  role       = aws_iam_role.breakglass.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_user" "jumper" {
  name = "jumper"
}

resource "aws_iam_role" "ops" {
  name = "ops"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = aws_iam_user.jumper.arn } }]
  })
}

resource "aws_iam_role_policy" "ops" {
  name = "everything"
  role = aws_iam_role.ops.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_iam_user" "platform" {
  name = "platform"
}

resource "aws_iam_user_policy" "platform" {
  name = "almost-everything"
  user = aws_iam_user.platform.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", NotAction = ["iam:PassRole"], Resource = "*" },
      { Effect = "Allow", Action = "iam:*", Resource = "*" }
    ]
  })
}

resource "aws_iam_role" "secrets_auditor" {
  name = "secrets-auditor"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
  inline_policy {
    name = "read-all-secrets"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "*" }]
    })
  }
}
