# Catalog coverage: escalation through EC2 instances and their instance profiles.
#
# Proves: software on an instance receives the credentials of the role in its instance
# profile. A principal that may launch an instance with a more privileged role (iam:PassRole on
# a role trusting ec2.amazonaws.com), or may run its own code on an instance that already has
# one (user data, launch template, Run Command, Session Manager, Instance Connect), acts with
# that role. The catalog path each principal demonstrates is named above it.
#
# `plain_operator` may run commands and open sessions only on `aws_instance.plain`, which has
# no instance profile: quiet. The instance role is a full administrator: SOD111, not SOD110.

locals {
  account_id = "111122223333"
}

# The privileged instance role: EC2 may assume it; it is a full administrator (Action "*" on "*").
resource "aws_iam_role" "worker" {
  name = "worker"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { Service = "ec2.amazonaws.com" }
    }]
  })
}

resource "aws_iam_role_policy" "worker" {
  name = "data-admin"
  role = aws_iam_role.worker.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "*" # AdministratorAccess: greater power, not just different (DESIGN)
      Resource = "*"
    }]
  })
}

resource "aws_iam_instance_profile" "worker" {
  name = "worker"
  role = aws_iam_role.worker.name
}

# An instance and a launch template that carry the profile.
resource "aws_instance" "worker" {
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = aws_iam_instance_profile.worker.name
}

resource "aws_launch_template" "workers" {
  name          = "workers"
  image_id      = "ami-0123456789abcdef0"
  instance_type = "t3.micro"

  iam_instance_profile {
    name = aws_iam_instance_profile.worker.name
  }
}

# An instance without a profile.
resource "aws_instance" "plain" {
  ami           = "ami-0123456789abcdef0"
  instance_type = "t3.micro"
}

# path: ec2-run-instances
resource "aws_iam_user" "instance_launcher" {
  name = "instance-launcher"
}

resource "aws_iam_user_policy" "instance_launcher" {
  name = "launch-workers"
  user = aws_iam_user.instance_launcher.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.worker.arn
      },
      {
        Effect   = "Allow"
        Action   = "ec2:RunInstances"
        Resource = "*"
      }
    ]
  })
}

# path: ec2-request-spot-instances
resource "aws_iam_user" "spot_requester" {
  name = "spot-requester"
}

resource "aws_iam_user_policy" "spot_requester" {
  name = "request-spot-workers"
  user = aws_iam_user.spot_requester.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = aws_iam_role.worker.arn
      },
      {
        Effect   = "Allow"
        Action   = "ec2:RequestSpotInstances"
        Resource = "*"
      }
    ]
  })
}

# path: ec2-modify-instance-user-data
resource "aws_iam_user" "user_data_editor" {
  name = "user-data-editor"
}

resource "aws_iam_user_policy" "user_data_editor" {
  name = "maintain-worker"
  user = aws_iam_user.user_data_editor.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"]
      Resource = aws_instance.worker.arn
    }]
  })
}

# path: ec2-launch-template-version
resource "aws_iam_user" "template_editor" {
  name = "template-editor"
}

resource "aws_iam_user_policy" "template_editor" {
  name = "maintain-templates"
  user = aws_iam_user.template_editor.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"]
      Resource = aws_launch_template.workers.arn
    }]
  })
}

# path: ssm-send-command
resource "aws_iam_user" "command_runner" {
  name = "command-runner"
}

resource "aws_iam_user_policy" "command_runner" {
  name = "run-commands"
  user = aws_iam_user.command_runner.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Allow"
      Action = "ssm:SendCommand"
      Resource = [
        aws_instance.worker.arn,
        "arn:aws:ssm:*::document/AWS-RunShellScript"
      ]
    }]
  })
}

# path: ssm-start-session
resource "aws_iam_user" "session_opener" {
  name = "session-opener"
}

resource "aws_iam_user_policy" "session_opener" {
  name = "open-sessions"
  user = aws_iam_user.session_opener.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "ssm:StartSession"
      Resource = "arn:aws:ec2:*:${local.account_id}:instance/*"
    }]
  })
}

# path: ec2-instance-connect-send-ssh-key
resource "aws_iam_user" "ssh_key_pusher" {
  name = "ssh-key-pusher"
}

resource "aws_iam_user_policy" "ssh_key_pusher" {
  name = "instance-connect"
  user = aws_iam_user.ssh_key_pusher.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "ec2-instance-connect:SendSSHPublicKey"
      Resource = aws_instance.worker.arn
    }]
  })
}

# Quiet: reaches only the instance without a profile.
resource "aws_iam_user" "plain_operator" {
  name = "plain-operator"
}

resource "aws_iam_user_policy" "plain_operator" {
  name = "operate-plain"
  user = aws_iam_user.plain_operator.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ssm:SendCommand", "ssm:StartSession", "ec2-instance-connect:SendSSHPublicKey"]
      Resource = aws_instance.plain.arn
    }]
  })
}
