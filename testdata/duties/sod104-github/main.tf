# SOD104 on GitHub: a required reviewer of a deployment environment that can also skip the
# review of the code on the same repository (branch protection bypass or push allowance).
# It can merge unreviewed code and then approve its own deployment.
#
# Proves:
#   - the `release` team reviews the `production` environment and is a pull-request bypasser
#     of main's protection (the same github_team, by id and by node_id): flagged on the
#     environment.
#   - the `staging` environment is reviewed by the `qa` team, which bypasses nothing: quiet.
resource "github_repository" "app" {
  name = "app"
}

resource "github_team" "release" {
  name = "release"
}

resource "github_team" "qa" {
  name = "qa"
}

resource "github_branch_protection" "main" {
  repository_id = github_repository.app.node_id
  pattern       = "main"

  required_pull_request_reviews {
    required_approving_review_count = 1
    pull_request_bypassers          = [github_team.release.node_id]
  }
}

resource "github_repository_environment" "production" {
  repository  = github_repository.app.name
  environment = "production"
  reviewers {
    teams = [github_team.release.id]
  }
}

resource "github_repository_environment" "staging" {
  repository  = github_repository.app.name
  environment = "staging"
  reviewers {
    teams = [github_team.qa.id]
  }
}
