# Positive (SOD211): Atlantis servers deployed by the code that apply without an approval.
#
# Proves (Atlantis "Server Side Repo Config": without a repo config every repository gets
# apply_requirements: [], so any pull request author can comment `atlantis apply`; "Server
# Configuration": every flag can be given as an ATLANTIS_* environment variable, flags win
# over the environment; the deprecated --require-approval / --require-mergeable flags set
# approved / mergeable for every repository; "Command Requirements": mergeable needs a
# review only if branch protection does):
#   - the ECS task runs the Atlantis image with neither a repo config nor --require-approval
#     -> finding (high) on the task definition;
#   - the Kubernetes deployment passes only --require-mergeable -> finding (medium);
#   - the Helm release of the runatlantis chart sets repoConfig (chart value, the server's
#     repos.yaml) whose entry requires only mergeable -> finding (medium); the values text
#     interpolates a variable elsewhere, which leaves repoConfig readable.

resource "aws_ecs_task_definition" "atlantis" {
  family = "atlantis"
  container_definitions = jsonencode([{
    name  = "atlantis"
    image = "ghcr.io/runatlantis/atlantis:v0.30.0"
    environment = [
      { name = "ATLANTIS_REPO_ALLOWLIST", value = "github.com/acme/*" },
      { name = "ATLANTIS_ATLANTIS_URL", value = "https://atlantis.acme.example" },
    ]
  }])
}

resource "kubernetes_deployment_v1" "atlantis" {
  metadata {
    name      = "atlantis"
    namespace = "atlantis"
  }
  spec {
    template {
      metadata {
        labels = { app = "atlantis" }
      }
      spec {
        container {
          name  = "atlantis"
          image = "ghcr.io/runatlantis/atlantis:v0.30.0"
          args  = ["server", "--require-mergeable"]
        }
      }
    }
  }
}

resource "helm_release" "atlantis" {
  name       = "atlantis"
  repository = "https://runatlantis.github.io/helm-charts"
  chart      = "atlantis"
  values = [<<-EOT
    orgAllowlist: github.com/${var.github_org}/*
    repoConfig: |
      repos:
      - id: /.*/
        apply_requirements: [mergeable]
  EOT
  ]
}

variable "github_org" {
  type = string
}
