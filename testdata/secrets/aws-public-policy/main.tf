# Positive (SOD302): a secret policy with Principal "*" and no condition that limits who.
#
# Proves: Principal "*" is "all principals" (IAM JSON policy elements: Principal) and, in a
# resource policy of the same account, a resource-policy Allow suffices on its own (Policy
# evaluation logic). With the AWS managed key every principal of the account decrypts through
# Secrets Manager. aws:SecureTransport only says how the request travels, not who sends it.
# So everyone (at least everyone in the account) reads the secret: SOD302, critical. SOD301
# is not reported besides: SOD302 is the worse variant of the same problem.

resource "aws_secretsmanager_secret" "token" {
  name = "prod/ci/token"
}

resource "aws_secretsmanager_secret_policy" "token" {
  secret_arn = aws_secretsmanager_secret.token.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
      Condition = { Bool = { "aws:SecureTransport" = "true" } }
    }]
  })
}
