# Catalog coverage: escalation through SageMaker execution roles.
#
# Proves: notebooks, training jobs and processing jobs run the principal's code with their
# execution role. A principal that may hand a more privileged role to a new notebook or job
# (iam:PassRole, role trusting sagemaker.amazonaws.com), or may open or re-script a notebook
# that already has one, acts with that role. The catalog path each principal demonstrates is
# named above it.
#
# The execution role is a full administrator: SOD111, not SOD110 (nothing to escalate to).

# The privileged execution role: a full administrator (Action "*" on "*").
resource "aws_iam_role" "sagemaker_data" {
  name = "sagemaker-data"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "sagemaker.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "sagemaker_data" {
  name = "data-admin"
  role = aws_iam_role.sagemaker_data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*" # AdministratorAccess: greater power, not just different (DESIGN)
      Resource = "*"
    }]
  })
}

# An existing notebook instance that runs with it.
resource "aws_sagemaker_notebook_instance" "research" {
  name          = "research"
  role_arn      = aws_iam_role.sagemaker_data.arn
  instance_type = "ml.t3.medium"
}

# path: sagemaker-create-notebook-instance
resource "aws_iam_user" "notebook_creator" {
  name = "notebook-creator"
}

resource "aws_iam_user_policy" "notebook_creator" {
  name = "create-notebooks"
  user = aws_iam_user.notebook_creator.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.sagemaker_data.arn
      },
      {
        Effect   = "Allow"
        Action   = "sagemaker:CreateNotebookInstance"
        Resource = "*"
      }
    ]
  })
}

# path: sagemaker-create-training-job
resource "aws_iam_user" "trainer" {
  name = "trainer"
}

resource "aws_iam_user_policy" "trainer" {
  name = "train-models"
  user = aws_iam_user.trainer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.sagemaker_data.arn
      },
      {
        Effect   = "Allow"
        Action   = "sagemaker:CreateTrainingJob"
        Resource = "*"
      }
    ]
  })
}

# path: sagemaker-create-processing-job
resource "aws_iam_user" "processor" {
  name = "processor"
}

resource "aws_iam_user_policy" "processor" {
  name = "process-data"
  user = aws_iam_user.processor.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.sagemaker_data.arn
      },
      {
        Effect   = "Allow"
        Action   = "sagemaker:CreateProcessingJob"
        Resource = "*"
      }
    ]
  })
}

# path: sagemaker-presigned-notebook-url
resource "aws_iam_user" "notebook_opener" {
  name = "notebook-opener"
}

resource "aws_iam_user_policy" "notebook_opener" {
  name = "open-research"
  user = aws_iam_user.notebook_opener.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "sagemaker:CreatePresignedNotebookInstanceUrl"
      Resource = aws_sagemaker_notebook_instance.research.arn
    }]
  })
}

# path: sagemaker-notebook-lifecycle-config
resource "aws_iam_user" "lifecycle_editor" {
  name = "lifecycle-editor"
}

resource "aws_iam_user_policy" "lifecycle_editor" {
  name = "maintain-research"
  user = aws_iam_user.lifecycle_editor.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "sagemaker:CreateNotebookInstanceLifecycleConfig"
        Resource = "*"
      },
      {
        Effect = "Allow"
        Action = [
          "sagemaker:StopNotebookInstance",
          "sagemaker:UpdateNotebookInstance",
          "sagemaker:StartNotebookInstance"
        ]
        Resource = aws_sagemaker_notebook_instance.research.arn
      }
    ]
  })
}
