# Catalog coverage: escalation through AWS Glue.
#
# Proves: Glue jobs and development endpoints run the principal's code with the role they are
# given (the role's trust policy admits glue.amazonaws.com; handing it over needs iam:PassRole).
# A principal that may give a more privileged role to a job or endpoint and get its code run,
# or may add its SSH key to an endpoint that already has such a role, acts with that role. The
# catalog path each principal demonstrates is named above it.
#
# The Glue role is a full administrator: SOD111, not SOD110 (nothing to escalate to).

# The privileged Glue role: a full administrator (Action "*" on "*").
resource "aws_iam_role" "glue_data" {
  name = "glue-data"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "glue.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "glue_data" {
  name = "data-admin"
  role = aws_iam_role.glue_data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*" # AdministratorAccess: greater power, not just different (DESIGN)
      Resource = "*"
    }]
  })
}

# An existing development endpoint and an existing job, both running with it.
resource "aws_glue_dev_endpoint" "notebooks" {
  name     = "notebooks"
  role_arn = aws_iam_role.glue_data.arn
}

resource "aws_glue_job" "etl" {
  name     = "etl"
  role_arn = aws_iam_role.glue_data.arn

  command {
    script_location = "s3://example-glue-scripts/etl.py"
  }
}

# Passing the Glue role, shared by the new-job principals below.
resource "aws_iam_policy" "pass_glue_role" {
  name = "pass-glue-role"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "iam:PassRole"
      Resource = aws_iam_role.glue_data.arn
    }]
  })
}

# path: glue-create-dev-endpoint
resource "aws_iam_user" "endpoint_creator" {
  name = "endpoint-creator"
}

resource "aws_iam_user_policy_attachment" "endpoint_creator" {
  user       = aws_iam_user.endpoint_creator.name
  policy_arn = aws_iam_policy.pass_glue_role.arn
}

resource "aws_iam_user_policy" "endpoint_creator" {
  name = "create-endpoints"
  user = aws_iam_user.endpoint_creator.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "glue:CreateDevEndpoint"
      Resource = "*"
    }]
  })
}

# path: glue-update-dev-endpoint
resource "aws_iam_user" "endpoint_updater" {
  name = "endpoint-updater"
}

resource "aws_iam_user_policy" "endpoint_updater" {
  name = "maintain-endpoints"
  user = aws_iam_user.endpoint_updater.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["glue:UpdateDevEndpoint", "glue:GetDevEndpoint"]
      Resource = aws_glue_dev_endpoint.notebooks.arn
    }]
  })
}

# path: glue-create-job-start-run
resource "aws_iam_user" "job_creator" {
  name = "job-creator"
}

resource "aws_iam_user_policy_attachment" "job_creator" {
  user       = aws_iam_user.job_creator.name
  policy_arn = aws_iam_policy.pass_glue_role.arn
}

resource "aws_iam_user_policy" "job_creator" {
  name = "create-jobs"
  user = aws_iam_user.job_creator.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["glue:CreateJob", "glue:StartJobRun"]
      Resource = "*"
    }]
  })
}

# path: glue-create-job-trigger
resource "aws_iam_user" "job_scheduler" {
  name = "job-scheduler"
}

resource "aws_iam_user_policy_attachment" "job_scheduler" {
  user       = aws_iam_user.job_scheduler.name
  policy_arn = aws_iam_policy.pass_glue_role.arn
}

resource "aws_iam_user_policy" "job_scheduler" {
  name = "schedule-jobs"
  user = aws_iam_user.job_scheduler.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["glue:CreateJob", "glue:CreateTrigger"]
      Resource = "*"
    }]
  })
}

# path: glue-update-job-start-run
resource "aws_iam_user" "job_editor" {
  name = "job-editor"
}

resource "aws_iam_user_policy_attachment" "job_editor" {
  user       = aws_iam_user.job_editor.name
  policy_arn = aws_iam_policy.pass_glue_role.arn
}

resource "aws_iam_user_policy" "job_editor" {
  name = "maintain-etl"
  user = aws_iam_user.job_editor.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["glue:UpdateJob", "glue:StartJobRun"]
      Resource = aws_glue_job.etl.arn
    }]
  })
}

# path: glue-update-job-trigger
resource "aws_iam_user" "job_retriggerer" {
  name = "job-retriggerer"
}

resource "aws_iam_user_policy_attachment" "job_retriggerer" {
  user       = aws_iam_user.job_retriggerer.name
  policy_arn = aws_iam_policy.pass_glue_role.arn
}

resource "aws_iam_user_policy" "job_retriggerer" {
  name = "reschedule-etl"
  user = aws_iam_user.job_retriggerer.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["glue:UpdateJob", "glue:CreateTrigger"]
      Resource = "*"
    }]
  })
}
