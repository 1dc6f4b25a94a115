# Catalog coverage: escalation through CodeBuild service roles.
#
# Proves: build commands run with the project's service role, and a build may be started with
# a buildspec given by the caller. A principal that may create a project with a more privileged
# role (iam:PassRole, role trusting codebuild.amazonaws.com) and start it, or may start a build
# of a project that already has one, runs its commands with that role. The catalog path each
# principal demonstrates is named above it.
#
# `build_watcher` may only read builds: quiet. The service role is an administrator: SOD111.

# The privileged service role: a full administrator (Action "*" on "*").
resource "aws_iam_role" "codebuild_data" {
  name = "codebuild-data"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "codebuild.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "codebuild_data" {
  name = "data-admin"
  role = aws_iam_role.codebuild_data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*" # AdministratorAccess: greater power, not just different (DESIGN)
      Resource = "*"
    }]
  })
}

# An existing project that runs with it.
resource "aws_codebuild_project" "migrations" {
  name         = "migrations"
  service_role = aws_iam_role.codebuild_data.arn

  artifacts {
    type = "NO_ARTIFACTS"
  }

  environment {
    compute_type = "BUILD_GENERAL1_SMALL"
    image        = "aws/codebuild/standard:7.0"
    type         = "LINUX_CONTAINER"
  }

  source {
    type      = "NO_SOURCE"
    buildspec = "version: 0.2\nphases:\n  build:\n    commands:\n      - ./migrate.sh\n"
  }
}

# path: codebuild-create-project-start-build
resource "aws_iam_user" "project_creator" {
  name = "project-creator"
}

resource "aws_iam_user_policy" "project_creator" {
  name = "create-projects"
  user = aws_iam_user.project_creator.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.codebuild_data.arn
      },
      {
        Effect   = "Allow"
        Action   = ["codebuild:CreateProject", "codebuild:StartBuild"]
        Resource = "*"
      }
    ]
  })
}

# path: codebuild-create-project-start-build-batch
resource "aws_iam_user" "batch_project_creator" {
  name = "batch-project-creator"
}

resource "aws_iam_user_policy" "batch_project_creator" {
  name = "create-batch-projects"
  user = aws_iam_user.batch_project_creator.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.codebuild_data.arn
      },
      {
        Effect   = "Allow"
        Action   = ["codebuild:CreateProject", "codebuild:StartBuildBatch"]
        Resource = "*"
      }
    ]
  })
}

# path: codebuild-start-build
resource "aws_iam_user" "build_starter" {
  name = "build-starter"
}

resource "aws_iam_user_policy" "build_starter" {
  name = "run-migrations"
  user = aws_iam_user.build_starter.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "codebuild:StartBuild"
      Resource = aws_codebuild_project.migrations.arn
    }]
  })
}

# path: codebuild-start-build-batch
resource "aws_iam_user" "batch_starter" {
  name = "batch-starter"
}

resource "aws_iam_user_policy" "batch_starter" {
  name = "run-migrations-batch"
  user = aws_iam_user.batch_starter.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "codebuild:StartBuildBatch"
      Resource = "arn:aws:codebuild:*:111122223333:project/migrations"
    }]
  })
}

# Quiet: reads builds only.
resource "aws_iam_user" "build_watcher" {
  name = "build-watcher"
}

resource "aws_iam_user_policy" "build_watcher" {
  name = "watch-builds"
  user = aws_iam_user.build_watcher.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["codebuild:BatchGetBuilds", "codebuild:BatchGetProjects", "codebuild:ListBuilds"]
      Resource = "*"
    }]
  })
}
