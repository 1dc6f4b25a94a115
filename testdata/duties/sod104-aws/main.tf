# SOD104 on AWS: recording the approval a pipeline waits for (codepipeline:PutApprovalResult)
# and also changing or starting that pipeline, or pushing the code it ships.
#
# Proves:
#   - `release_manager` can approve, push to CodeCommit and start the pipeline: flagged.
#   - `approver` can only approve, `developer` can only push and start: quiet.
locals {
  trust = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::111122223333:root" } }] })
}

resource "aws_iam_role" "release_manager" {
  name               = "release-manager"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "release_manager" {
  name = "release"
  role = aws_iam_role.release_manager.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["codecommit:GitPush", "codepipeline:StartPipelineExecution", "codepipeline:PutApprovalResult"]
      Resource = "*"
    }]
  })
}

resource "aws_iam_role" "approver" {
  name               = "approver"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "approver" {
  name = "approve"
  role = aws_iam_role.approver.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["codepipeline:PutApprovalResult", "codepipeline:GetPipelineState"], Resource = "*" }]
  })
}

resource "aws_iam_role" "developer" {
  name               = "developer"
  assume_role_policy = local.trust
}

resource "aws_iam_role_policy" "developer" {
  name = "ship"
  role = aws_iam_role.developer.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["codecommit:GitPush", "codepipeline:StartPipelineExecution"], Resource = "*" }]
  })
}
