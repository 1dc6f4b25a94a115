# Catalog coverage: escalation through CloudFormation service roles.
#
# Proves: a stack (or stack set) with a service role creates and changes resources with that
# role's permissions, not the caller's. A principal that may hand a more privileged role to a
# new stack or stack set (iam:PassRole, role trusting cloudformation.amazonaws.com), or may
# change the template of a stack that already has one, acts with that role. The catalog path
# each principal demonstrates is named above it.
#
# `self_deployer` may create stacks but pass no role, so its stacks run with its own
# permissions: quiet. The service role is a full administrator: SOD111, not SOD110.

locals {
  account_id = "111122223333"
}

# The privileged service role: a full administrator (Action "*" on "*").
resource "aws_iam_role" "cfn_service" {
  name = "cfn-service"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "cloudformation.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "cfn_service" {
  name = "data-admin"
  role = aws_iam_role.cfn_service.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*" # AdministratorAccess: greater power, not just different (DESIGN)
      Resource = "*"
    }]
  })
}

# An existing stack that runs with it.
resource "aws_cloudformation_stack" "tables" {
  name         = "tables"
  iam_role_arn = aws_iam_role.cfn_service.arn
  template_body = jsonencode({
    Resources = {
      Orders = {
        Type = "AWS::DynamoDB::Table"
        Properties = {
          BillingMode          = "PAY_PER_REQUEST"
          AttributeDefinitions = [{ AttributeName = "id", AttributeType = "S" }]
          KeySchema            = [{ AttributeName = "id", KeyType = "HASH" }]
        }
      }
    }
  })
}

# path: cloudformation-create-stack
resource "aws_iam_user" "stack_creator" {
  name = "stack-creator"
}

resource "aws_iam_user_policy" "stack_creator" {
  name = "create-stacks"
  user = aws_iam_user.stack_creator.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.cfn_service.arn
      },
      {
        Effect   = "Allow"
        Action   = "cloudformation:CreateStack"
        Resource = "*"
      }
    ]
  })
}

# path: cloudformation-update-stack
resource "aws_iam_user" "stack_updater" {
  name = "stack-updater"
}

resource "aws_iam_user_policy" "stack_updater" {
  name = "update-tables-stack"
  user = aws_iam_user.stack_updater.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["cloudformation:UpdateStack", "cloudformation:DescribeStacks"]
      Resource = "arn:aws:cloudformation:*:${local.account_id}:stack/tables/*"
    }]
  })
}

# path: cloudformation-change-set
resource "aws_iam_user" "change_setter" {
  name = "change-setter"
}

resource "aws_iam_user_policy" "change_setter" {
  name = "change-tables-stack"
  user = aws_iam_user.change_setter.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"]
      Resource = "arn:aws:cloudformation:*:${local.account_id}:stack/tables/*"
    }]
  })
}

# path: cloudformation-create-stack-set
resource "aws_iam_user" "stack_set_creator" {
  name = "stack-set-creator"
}

resource "aws_iam_user_policy" "stack_set_creator" {
  name = "create-stack-sets"
  user = aws_iam_user.stack_set_creator.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.cfn_service.arn
      },
      {
        Effect   = "Allow"
        Action   = ["cloudformation:CreateStackSet", "cloudformation:CreateStackInstances"]
        Resource = "*"
      }
    ]
  })
}

# path: cloudformation-update-stack-set
resource "aws_iam_user" "stack_set_updater" {
  name = "stack-set-updater"
}

resource "aws_iam_user_policy" "stack_set_updater" {
  name = "update-stack-sets"
  user = aws_iam_user.stack_set_updater.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.cfn_service.arn
      },
      {
        Effect   = "Allow"
        Action   = "cloudformation:UpdateStackSet"
        Resource = "*"
      }
    ]
  })
}

# Quiet: creates stacks with its own permissions only.
resource "aws_iam_user" "self_deployer" {
  name = "self-deployer"
}

resource "aws_iam_user_policy" "self_deployer" {
  name = "create-stacks"
  user = aws_iam_user.self_deployer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["cloudformation:CreateStack", "cloudformation:DescribeStacks"]
      Resource = "*"
    }]
  })
}
