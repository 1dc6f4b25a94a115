# Catalog coverage: escalation through App Runner instance roles and Data Pipeline roles.
#
# Proves: an App Runner service runs its image with the service's instance role, and a Data
# Pipeline runs its activities with the pipeline role. A principal that may hand a more
# privileged role to a new service or pipeline (iam:PassRole, role trusting
# tasks.apprunner.amazonaws.com or datapipeline.amazonaws.com), or may change the image of a
# service that already has one, runs its code with that role. The catalog path each principal
# demonstrates is named above it.
#
# The two roles are full administrators: SOD111, not SOD110 (nothing to escalate to).

# The privileged App Runner instance role: a full administrator (Action "*" on "*").
resource "aws_iam_role" "apprunner_data" {
  name = "apprunner-data"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "tasks.apprunner.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "apprunner_data" {
  name = "data-admin"
  role = aws_iam_role.apprunner_data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*" # AdministratorAccess: greater power, not just different (DESIGN)
      Resource = "*"
    }]
  })
}

# An existing service that runs with it.
resource "aws_apprunner_service" "web" {
  service_name = "web"

  source_configuration {
    auto_deployments_enabled = false
    image_repository {
      image_identifier      = "public.ecr.aws/nginx/nginx:latest"
      image_repository_type = "ECR_PUBLIC"
      image_configuration {
        port = "80"
      }
    }
  }

  instance_configuration {
    instance_role_arn = aws_iam_role.apprunner_data.arn
  }
}

# The privileged pipeline role: a full administrator (Action "*" on "*").
resource "aws_iam_role" "pipeline_data" {
  name = "pipeline-data"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "datapipeline.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "pipeline_data" {
  name = "data-admin"
  role = aws_iam_role.pipeline_data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*" # AdministratorAccess: greater power, not just different (DESIGN)
      Resource = "*"
    }]
  })
}

# path: apprunner-create-service
resource "aws_iam_user" "service_launcher" {
  name = "service-launcher"
}

resource "aws_iam_user_policy" "service_launcher" {
  name = "launch-services"
  user = aws_iam_user.service_launcher.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.apprunner_data.arn
      },
      {
        Effect   = "Allow"
        Action   = "apprunner:CreateService"
        Resource = "*"
      }
    ]
  })
}

# path: apprunner-update-service
resource "aws_iam_user" "service_updater" {
  name = "service-updater"
}

resource "aws_iam_user_policy" "service_updater" {
  name = "release-web"
  user = aws_iam_user.service_updater.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "apprunner:UpdateService"
      Resource = aws_apprunner_service.web.arn
    }]
  })
}

# path: datapipeline-create-pipeline
resource "aws_iam_user" "pipeline_builder" {
  name = "pipeline-builder"
}

resource "aws_iam_user_policy" "pipeline_builder" {
  name = "build-pipelines"
  user = aws_iam_user.pipeline_builder.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.pipeline_data.arn
      },
      {
        Effect = "Allow"
        Action = [
          "datapipeline:CreatePipeline",
          "datapipeline:PutPipelineDefinition",
          "datapipeline:ActivatePipeline"
        ]
        Resource = "*"
      }
    ]
  })
}
