# Catalog coverage: escalation through ECS task roles.
#
# Proves: containers of an ECS task receive the credentials of the task role. A principal that
# may register a task definition naming a more privileged role (iam:PassRole, role trusting
# ecs-tasks.amazonaws.com) and get it run, or may open a shell in a running task that has one,
# acts with that role. The catalog path each principal demonstrates is named above it.
#
# `task_registrar` may register task definitions and pass the role, but may not run them:
# quiet. The task role is a full administrator: SOD111, not SOD110 (nothing to escalate to).

# The privileged task role: a full administrator (Action "*" on "*").
resource "aws_iam_role" "ecs_task_data" {
  name = "ecs-task-data"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ecs-tasks.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "ecs_task_data" {
  name = "data-admin"
  role = aws_iam_role.ecs_task_data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*" # AdministratorAccess: greater power, not just different (DESIGN)
      Resource = "*"
    }]
  })
}

# A running service whose tasks use it, with ECS Exec enabled.
resource "aws_ecs_cluster" "main" {
  name = "main"
}

resource "aws_ecs_task_definition" "api" {
  family        = "api"
  task_role_arn = aws_iam_role.ecs_task_data.arn
  container_definitions = jsonencode([{
    name      = "api"
    image     = "public.ecr.aws/docker/library/python:3.12-slim"
    essential = true
    memory    = 512
  }])
}

resource "aws_ecs_service" "api" {
  name                   = "api"
  cluster                = aws_ecs_cluster.main.id
  task_definition        = aws_ecs_task_definition.api.arn
  desired_count          = 1
  enable_execute_command = true
}

# path: ecs-register-task-definition-run-task
resource "aws_iam_user" "task_runner" {
  name = "task-runner"
}

resource "aws_iam_user_policy" "task_runner" {
  name = "run-tasks"
  user = aws_iam_user.task_runner.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.ecs_task_data.arn
      },
      {
        Effect   = "Allow"
        Action   = ["ecs:RegisterTaskDefinition", "ecs:RunTask"]
        Resource = "*"
      }
    ]
  })
}

# path: ecs-register-task-definition-create-service
resource "aws_iam_user" "service_creator" {
  name = "service-creator"
}

resource "aws_iam_user_policy" "service_creator" {
  name = "create-services"
  user = aws_iam_user.service_creator.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.ecs_task_data.arn
      },
      {
        Effect   = "Allow"
        Action   = ["ecs:RegisterTaskDefinition", "ecs:CreateService"]
        Resource = "*"
      }
    ]
  })
}

# path: ecs-register-task-definition-start-task
resource "aws_iam_user" "task_starter" {
  name = "task-starter"
}

resource "aws_iam_user_policy" "task_starter" {
  name = "start-tasks"
  user = aws_iam_user.task_starter.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.ecs_task_data.arn
      },
      {
        Effect   = "Allow"
        Action   = ["ecs:RegisterTaskDefinition", "ecs:StartTask"]
        Resource = "*"
      }
    ]
  })
}

# path: ecs-execute-command
resource "aws_iam_user" "task_shell" {
  name = "task-shell"
}

resource "aws_iam_user_policy" "task_shell" {
  name = "debug-tasks"
  user = aws_iam_user.task_shell.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "ecs:ExecuteCommand"
      Resource = "*"
    }]
  })
}

# Quiet: registers task definitions with the role but cannot run them.
resource "aws_iam_user" "task_registrar" {
  name = "task-registrar"
}

resource "aws_iam_user_policy" "task_registrar" {
  name = "register-tasks"
  user = aws_iam_user.task_registrar.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.ecs_task_data.arn
      },
      {
        Effect   = "Allow"
        Action   = ["ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"]
        Resource = "*"
      }
    ]
  })
}
