# Negative (SOD211): Atlantis servers deployed with an approval requirement, or whose repo
# config is not in the code, and a task that is not Atlantis.
#
# Proves (Atlantis "Server Configuration": ATLANTIS_REQUIRE_APPROVAL is --require-approval,
# which requires approved for every repository; --repo-config names a repos.yaml file the
# server reads, not in this code, so it is not judged; "Server Side Repo Config"):
#   - the ECS task sets ATLANTIS_REQUIRE_APPROVAL = true -> quiet;
#   - the Kubernetes deployment passes --repo-config=/etc/atlantis/repos.yaml -> not judged;
#   - the Helm release's repoConfig requires approved -> quiet;
#   - the Helm release whose values come from a variable -> not judged (unknown);
#   - an ECS task running another image -> not an Atlantis server.

resource "aws_ecs_task_definition" "atlantis" {
  family = "atlantis"
  container_definitions = jsonencode([{
    name  = "atlantis"
    image = "ghcr.io/runatlantis/atlantis:v0.30.0"
    environment = [{ name = "ATLANTIS_REQUIRE_APPROVAL", value = "true" }]
  }])
}

resource "aws_ecs_task_definition" "web" {
  family = "web"
  container_definitions = jsonencode([{
    name  = "web"
    image = "nginx:1.27"
  }])
}

resource "kubernetes_deployment_v1" "atlantis" {
  metadata {
    name = "atlantis"
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
          args  = ["server", "--repo-config=/etc/atlantis/repos.yaml"]
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
    repoConfig: |
      repos:
      - id: /.*/
        apply_requirements: [approved, mergeable]
  EOT
  ]
}

variable "atlantis_values" {
  type = string
}

resource "helm_release" "atlantis_other" {
  name       = "atlantis-other"
  repository = "https://runatlantis.github.io/helm-charts"
  chart      = "atlantis"
  values     = [var.atlantis_values]
}
