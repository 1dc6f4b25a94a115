# Catalog coverage: escalation through Amazon Bedrock AgentCore code interpreters.
#
# Proves: a custom code interpreter runs the Python it is sent with its execution role. A
# principal that may hand a more privileged role to a new interpreter (iam:PassRole, role
# trusting bedrock-agentcore.amazonaws.com) and run code in it, or may run code in an
# interpreter that already has one, acts with that role. The catalog path each principal
# demonstrates is named above it.
#
# Needs hashicorp/aws >= 6.18 (first release with aws_bedrockagentcore_code_interpreter).
# The execution role is a full administrator: SOD111, not SOD110 (nothing to escalate to).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.18"
    }
  }
}

# The privileged execution role: a full administrator (Action "*" on "*").
resource "aws_iam_role" "agentcore_data" {
  name = "agentcore-data"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "bedrock-agentcore.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "agentcore_data" {
  name = "data-admin"
  role = aws_iam_role.agentcore_data.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*" # AdministratorAccess: greater power, not just different (DESIGN)
      Resource = "*"
    }]
  })
}

# An existing interpreter that runs with it.
resource "aws_bedrockagentcore_code_interpreter" "analysis" {
  name               = "analysis_sandbox"
  execution_role_arn = aws_iam_role.agentcore_data.arn

  network_configuration {
    network_mode = "SANDBOX"
  }
}

# path: bedrock-agentcore-create-code-interpreter
resource "aws_iam_user" "interpreter_creator" {
  name = "interpreter-creator"
}

resource "aws_iam_user_policy" "interpreter_creator" {
  name = "build-agents"
  user = aws_iam_user.interpreter_creator.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.agentcore_data.arn
      },
      {
        Effect = "Allow"
        Action = [
          "bedrock-agentcore:CreateCodeInterpreter",
          "bedrock-agentcore:StartCodeInterpreterSession",
          "bedrock-agentcore:InvokeCodeInterpreter"
        ]
        Resource = "*"
      }
    ]
  })
}

# path: bedrock-agentcore-invoke-code-interpreter
resource "aws_iam_user" "interpreter_user" {
  name = "interpreter-user"
}

resource "aws_iam_user_policy" "interpreter_user" {
  name = "use-analysis-sandbox"
  user = aws_iam_user.interpreter_user.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = [
        "bedrock-agentcore:StartCodeInterpreterSession",
        "bedrock-agentcore:InvokeCodeInterpreter"
      ]
      Resource = "arn:aws:bedrock-agentcore:*:111122223333:code-interpreter/analysis_sandbox-*"
    }]
  })
}
