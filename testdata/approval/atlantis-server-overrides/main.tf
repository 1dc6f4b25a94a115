# SOD211 on Atlantis server-side repo config (repos.yaml beside this file, and the same config
# passed to an ECS task as ATLANTIS_REPO_CONFIG_JSON).
#
# Proves (Atlantis "Server Side Repo Config": every repo starts from apply_requirements: [];
# "If multiple repos match, the last match will apply" key by key; "Command Requirements":
# approved = approved by at least one person other than the author):
#   - repos.yaml: `/.*/` requires [approved, mergeable] -> quiet; github.com/acme/sandbox
#     overrides apply_requirements with [] -> finding on that entry;
#     github.com/acme/platform lets atlantis.yaml override apply_requirements -> finding;
#     github.com/acme/legacy inherits [approved, mergeable] from `/.*/` -> quiet;
#   - the ECS task passes a config whose only entry allows custom workflows and the workflow
#     override (a pull request can run `terraform apply` in its own plan step) and requires
#     nothing -> finding anchored on the task definition.
resource "aws_ecs_task_definition" "atlantis" {
  family = "atlantis"
  container_definitions = jsonencode([{
    name  = "atlantis"
    image = "ghcr.io/runatlantis/atlantis:v0.30.0"
    environment = [{
      name = "ATLANTIS_REPO_CONFIG_JSON"
      value = jsonencode({
        repos = [{
          id                     = "/.*/"
          allowed_overrides      = ["workflow"]
          allow_custom_workflows = true
        }]
      })
    }]
  }])
}
