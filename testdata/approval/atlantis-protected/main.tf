# Negative for SOD211.
#
# Proves: a server-side repos.yaml that requires [approved, mergeable] for every repo, lets
# repos override only the workflow (choosing among server-side workflows, no custom ones),
# and whose workflows apply only in the apply stage, plus a repo-level atlantis.yaml whose
# project asks for [approved] too: Atlantis cannot apply before someone other than the author
# approved the pull request. Nothing to report.
resource "aws_ecs_cluster" "atlantis" {
  name = "atlantis"
}
