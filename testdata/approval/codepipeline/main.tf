# SOD215 on AWS CodePipeline.
#
# Proves (CodePipeline "Manage approval actions": an action of category Approval, owner AWS,
# provider Manual stops the pipeline until someone approves it with
# codepipeline:PutApprovalResult; stages run in order, and within a stage actions run by
# run_order):
#   - prod_release: Source -> Build -> DeployProd (category Deploy), no approval anywhere ->
#     finding (high: the stage is named like production);
#   - gated: an Approval/Manual action in the stage before the deploy; its approvers (the
#     release-managers group) cannot change the pipeline -> quiet;
#   - same_stage: the approval has run_order 1 and the deploy run_order 2 in the same stage ->
#     quiet;
#   - tf_apply: a CodeBuild action in a stage named "Apply" (a Build action that runs
#     terraform apply deploys as surely as a Deploy action) with no approval -> finding;
#   - self_gated: gated, but the pipeline admin role can both approve
#     (codepipeline:PutApprovalResult) and change the pipeline (codepipeline:UpdatePipeline):
#     it can remove the gate it is meant to operate -> finding naming the role (see SOD104).
resource "aws_iam_role" "pipeline" {
  name = "codepipeline"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "codepipeline.amazonaws.com" } }]
  })
}

resource "aws_codepipeline" "prod_release" {
  name     = "app-release"
  role_arn = aws_iam_role.pipeline.arn
  artifact_store {
    location = "acme-artifacts"
    type     = "S3"
  }
  stage {
    name = "Source"
    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "CodeStarSourceConnection"
      version          = "1"
      output_artifacts = ["src"]
    }
  }
  stage {
    name = "Build"
    action {
      name             = "Build"
      category         = "Build"
      owner            = "AWS"
      provider         = "CodeBuild"
      version          = "1"
      input_artifacts  = ["src"]
      output_artifacts = ["build"]
    }
  }
  stage {
    name = "DeployProd"
    action {
      name            = "Deploy"
      category        = "Deploy"
      owner           = "AWS"
      provider        = "ECS"
      version         = "1"
      input_artifacts = ["build"]
    }
  }
}

resource "aws_codepipeline" "gated" {
  name     = "billing-release"
  role_arn = aws_iam_role.pipeline.arn
  artifact_store {
    location = "acme-artifacts"
    type     = "S3"
  }
  stage {
    name = "Source"
    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "CodeStarSourceConnection"
      version          = "1"
      output_artifacts = ["src"]
    }
  }
  stage {
    name = "Approve"
    action {
      name     = "ReleaseManager"
      category = "Approval"
      owner    = "AWS"
      provider = "Manual"
      version  = "1"
    }
  }
  stage {
    name = "DeployProd"
    action {
      name            = "Deploy"
      category        = "Deploy"
      owner           = "AWS"
      provider        = "CloudFormation"
      version         = "1"
      input_artifacts = ["src"]
    }
  }
}

resource "aws_codepipeline" "same_stage" {
  name     = "docs-release"
  role_arn = aws_iam_role.pipeline.arn
  artifact_store {
    location = "acme-artifacts"
    type     = "S3"
  }
  stage {
    name = "Source"
    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "S3"
      version          = "1"
      output_artifacts = ["src"]
    }
  }
  stage {
    name = "Release"
    action {
      name      = "Approve"
      category  = "Approval"
      owner     = "AWS"
      provider  = "Manual"
      version   = "1"
      run_order = 1
    }
    action {
      name            = "Deploy"
      category        = "Deploy"
      owner           = "AWS"
      provider        = "S3"
      version         = "1"
      input_artifacts = ["src"]
      run_order       = 2
    }
  }
}

resource "aws_codepipeline" "tf_apply" {
  name     = "infra-apply"
  role_arn = aws_iam_role.pipeline.arn
  artifact_store {
    location = "acme-artifacts"
    type     = "S3"
  }
  stage {
    name = "Source"
    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "CodeStarSourceConnection"
      version          = "1"
      output_artifacts = ["src"]
    }
  }
  stage {
    name = "Plan"
    action {
      name             = "TerraformPlan"
      category         = "Build"
      owner            = "AWS"
      provider         = "CodeBuild"
      version          = "1"
      input_artifacts  = ["src"]
      output_artifacts = ["plan"]
    }
  }
  stage {
    name = "Apply"
    action {
      name            = "TerraformApply"
      category        = "Build"
      owner           = "AWS"
      provider        = "CodeBuild"
      version         = "1"
      input_artifacts = ["plan"]
    }
  }
}

resource "aws_codepipeline" "self_gated" {
  name     = "ledger-release"
  role_arn = aws_iam_role.pipeline.arn
  artifact_store {
    location = "acme-artifacts"
    type     = "S3"
  }
  stage {
    name = "Source"
    action {
      name             = "Source"
      category         = "Source"
      owner            = "AWS"
      provider         = "CodeStarSourceConnection"
      version          = "1"
      output_artifacts = ["src"]
    }
  }
  stage {
    name = "Approve"
    action {
      name     = "Approve"
      category = "Approval"
      owner    = "AWS"
      provider = "Manual"
      version  = "1"
    }
  }
  stage {
    name = "Deploy"
    action {
      name            = "Deploy"
      category        = "Deploy"
      owner           = "AWS"
      provider        = "ECS"
      version         = "1"
      input_artifacts = ["src"]
    }
  }
}

resource "aws_iam_group" "release_managers" {
  name = "release-managers"
}

resource "aws_iam_group_policy" "release_managers" {
  name  = "approve"
  group = aws_iam_group.release_managers.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["codepipeline:PutApprovalResult", "codepipeline:GetPipelineState"]
      Resource = "arn:aws:codepipeline:eu-west-1:111122223333:billing-release/Approve/*"
    }]
  })
}

resource "aws_iam_role" "pipeline_admin" {
  name = "pipeline-admin"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111122223333:root" } }]
  })
}

resource "aws_iam_role_policy" "pipeline_admin" {
  name = "ledger"
  role = aws_iam_role.pipeline_admin.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["codepipeline:PutApprovalResult", "codepipeline:UpdatePipeline", "codepipeline:GetPipeline"]
      Resource = ["arn:aws:codepipeline:*:*:ledger-release", "arn:aws:codepipeline:*:*:ledger-release/*"]
    }]
  })
}
