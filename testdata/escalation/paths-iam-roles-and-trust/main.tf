# Catalog coverage: escalation through roles: assuming them, changing them, changing who
# they trust.
#
# Proves: a principal can act as a role when the role's trust policy admits it (AWS: within one
# account a trust policy that names the principal is enough; a trust policy that names the
# account root also needs an Allow for sts:AssumeRole in the principal's own policies). So a
# principal that can assume a role giving power it lacks (here: IAM permission administration;
# a role that merely holds other permissions, like data-admin, is lateral access), or give a
# role it can reach more permissions, or rewrite a role's trust policy, can raise its own power.
# The catalog path each user demonstrates is named above it.
#
# `bystander` may call sts:AssumeRole on any role, but no trust policy here admits it: quiet.
# The roles hold nothing that lets them escalate: quiet.

# What the privileged roles hold and the users lack: full control of every DynamoDB table.
resource "aws_iam_policy" "data_admin" {
  name = "data-admin"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "dynamodb:*"
      Resource = "*"
    }]
  })
}

# ------------------------------------------------------------------ assume a privileged role

# A privileged role that trusts one user by name.
resource "aws_iam_role" "data_admin" {
  name = "data-admin"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = [aws_iam_user.assumer.arn] }
    }]
  })
}

resource "aws_iam_role_policy_attachment" "data_admin" {
  role       = aws_iam_role.data_admin.name
  policy_arn = aws_iam_policy.data_admin.arn
}

# A role that administers permissions: it writes the policies of the application users. It
# holds no escalation path of its own (no access keys, no policy on itself).
resource "aws_iam_role" "user_admin" {
  name = "user-admin"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = [aws_iam_user.assumer.arn] }
    }]
  })
}

resource "aws_iam_role_policy" "user_admin" {
  name = "write-app-user-policies"
  role = aws_iam_role.user_admin.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:PutUserPolicy"
      Resource = "arn:aws:iam::111122223333:user/app/*"
    }]
  })
}

# (assumer may assume both roles: through user-admin it escalates; data-admin alone would be
# lateral access)
# path: sts-assume-role
resource "aws_iam_user" "assumer" {
  name = "assumer"
}

resource "aws_iam_user_policy" "assumer" {
  name = "assume-data-and-user-admin"
  user = aws_iam_user.assumer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = [aws_iam_role.data_admin.arn, aws_iam_role.user_admin.arn]
    }]
  })
}

# path: iam-update-assume-role-policy
resource "aws_iam_user" "trust_editor" {
  name = "trust-editor"
}

resource "aws_iam_user_policy" "trust_editor" {
  name = "edit-trust"
  user = aws_iam_user.trust_editor.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:UpdateAssumeRolePolicy"
      Resource = aws_iam_role.data_admin.arn
    }]
  })
}

# ------------------------------------------------------------------ change a role it can assume

# Sandbox roles hold nothing yet; each trusts one user by name.
resource "aws_iam_role" "sandbox_attach" {
  name = "sandbox-attach"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = aws_iam_user.attach_then_assume.arn }
    }]
  })
}

resource "aws_iam_role" "sandbox_put" {
  name = "sandbox-put"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = aws_iam_user.put_then_assume.arn }
    }]
  })
}

resource "aws_iam_role" "sandbox_rewrite" {
  name = "sandbox-rewrite"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = aws_iam_user.rewrite_then_assume.arn }
    }]
  })
}

resource "aws_iam_policy" "sandbox_rewrite" {
  name = "sandbox-rewrite"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "logs:CreateLogStream"
      Resource = "*"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "sandbox_rewrite" {
  role       = aws_iam_role.sandbox_rewrite.name
  policy_arn = aws_iam_policy.sandbox_rewrite.arn
}

# path: iam-attach-role-policy-assume
resource "aws_iam_user" "attach_then_assume" {
  name = "attach-then-assume"
}

resource "aws_iam_user_policy" "attach_then_assume" {
  name = "sandbox"
  user = aws_iam_user.attach_then_assume.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:AttachRolePolicy", "sts:AssumeRole"]
      Resource = "arn:aws:iam::111122223333:role/sandbox-attach"
    }]
  })
}

# path: iam-put-role-policy-assume
resource "aws_iam_user" "put_then_assume" {
  name = "put-then-assume"
}

resource "aws_iam_user_policy" "put_then_assume" {
  name = "sandbox"
  user = aws_iam_user.put_then_assume.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:PutRolePolicy", "sts:AssumeRole"]
      Resource = "arn:aws:iam::111122223333:role/sandbox-put"
    }]
  })
}

# path: iam-create-policy-version-assume
resource "aws_iam_user" "rewrite_then_assume" {
  name = "rewrite-then-assume"
}

resource "aws_iam_user_policy" "rewrite_then_assume" {
  name = "sandbox"
  user = aws_iam_user.rewrite_then_assume.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:CreatePolicyVersion"
        Resource = "arn:aws:iam::111122223333:policy/sandbox-rewrite"
      },
      {
        Effect   = "Allow"
        Action   = "sts:AssumeRole"
        Resource = "arn:aws:iam::111122223333:role/sandbox-rewrite"
      }
    ]
  })
}

# ------------------------------------------------------------------ change a role and its trust

# A role that nobody can assume yet (only EC2 may) and that holds little.
resource "aws_iam_role" "idle" {
  name = "idle"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_policy" "idle" {
  name = "idle"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "logs:CreateLogStream"
      Resource = "*"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "idle" {
  role       = aws_iam_role.idle.name
  policy_arn = aws_iam_policy.idle.arn
}

# path: iam-attach-role-policy-update-trust
resource "aws_iam_user" "attach_and_retrust" {
  name = "attach-and-retrust"
}

resource "aws_iam_user_policy" "attach_and_retrust" {
  name = "idle-role"
  user = aws_iam_user.attach_and_retrust.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:AttachRolePolicy", "iam:UpdateAssumeRolePolicy"]
      Resource = aws_iam_role.idle.arn
    }]
  })
}

# path: iam-put-role-policy-update-trust
resource "aws_iam_user" "put_and_retrust" {
  name = "put-and-retrust"
}

resource "aws_iam_user_policy" "put_and_retrust" {
  name = "idle-role"
  user = aws_iam_user.put_and_retrust.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"]
      Resource = aws_iam_role.idle.arn
    }]
  })
}

# path: iam-create-policy-version-update-trust
resource "aws_iam_user" "rewrite_and_retrust" {
  name = "rewrite-and-retrust"
}

resource "aws_iam_user_policy" "rewrite_and_retrust" {
  name = "idle-role"
  user = aws_iam_user.rewrite_and_retrust.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:CreatePolicyVersion"
        Resource = aws_iam_policy.idle.arn
      },
      {
        Effect   = "Allow"
        Action   = "iam:UpdateAssumeRolePolicy"
        Resource = aws_iam_role.idle.arn
      }
    ]
  })
}

# ------------------------------------------------------------------ quiet

# May assume any role, but no trust policy here names it or the account root.
resource "aws_iam_user" "bystander" {
  name = "bystander"
}

resource "aws_iam_user_policy" "bystander" {
  name = "assume-anything"
  user = aws_iam_user.bystander.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = "*"
    }]
  })
}
