resource "aws_iam_policy" "this" {
  name_prefix = "everything-"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

output "policy" {
  value = aws_iam_policy.this
}
