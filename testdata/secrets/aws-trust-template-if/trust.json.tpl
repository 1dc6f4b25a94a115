{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
%{ if operators_may_assume ~}
      "Principal": { "AWS": "${operator_arn}" }
%{ else ~}
      "Principal": { "Service": "ecs-tasks.amazonaws.com" }
%{ endif ~}
    }
  ]
}
