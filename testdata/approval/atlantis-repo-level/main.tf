# SOD211 on a repo-level atlantis.yaml (no server config in this repository).
#
# Proves (Atlantis "Repo Level atlantis.yaml", "Custom Workflows", "Command Requirements"):
#   - project app asks only for [mergeable]: on GitHub a pull request is mergeable without
#     any review unless branch protection requires one -> finding (medium);
#   - project db uses a workflow that runs `terraform apply` in its plan stage: the apply
#     happens on `atlantis plan`, before any apply requirement is checked -> finding (high);
#   - project web asks for [approved] and uses the default workflow -> quiet.
# Both findings hold where the server lets the repository set these keys.
resource "aws_ecs_cluster" "app" {
  name = "app"
}
