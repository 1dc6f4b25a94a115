# SOD212 on GitHub classic branch protection (integrations/github provider).
#
# Proves (github_branch_protection / _v3 schemas: required_approving_review_count defaults
# to 1 inside required_pull_request_reviews; dismiss_stale_reviews, require_last_push_approval
# and enforce_admins default to false):
#   - main_unreviewed: no required_pull_request_reviews block at all -> finding (high);
#   - release_bypass: reviews required, but pull_request_bypassers may merge without them and
#     stale approvals are kept -> finding (medium);
#   - main_strict: one review, stale reviews dismissed, last push approved by someone else,
#     admins included, no bypassers -> quiet;
#   - v3_zero: github_branch_protection_v3 with required_approving_review_count = 0 and
#     bypass_pull_request_allowances -> finding (high);
#   - v3_strict: the v3 resource fully configured -> quiet.
resource "github_repository" "infra" {
  name = "infra"
}

resource "github_branch_protection" "main_unreviewed" {
  repository_id  = github_repository.infra.node_id
  pattern        = "main"
  enforce_admins = true

  required_status_checks {
    strict   = true
    contexts = ["terraform-plan"]
  }
}

resource "github_branch_protection" "release_bypass" {
  repository_id  = github_repository.infra.node_id
  pattern        = "release/*"
  enforce_admins = true

  required_pull_request_reviews {
    required_approving_review_count = 1
    require_last_push_approval      = true
    pull_request_bypassers          = ["/release-bot"]
  }
}

resource "github_branch_protection" "main_strict" {
  repository_id  = "platform"
  pattern        = "main"
  enforce_admins = true

  required_pull_request_reviews {
    required_approving_review_count = 1
    dismiss_stale_reviews           = true
    require_last_push_approval      = true
    require_code_owner_reviews      = true
  }
}

resource "github_branch_protection_v3" "v3_zero" {
  repository     = "payments"
  branch         = "main"
  enforce_admins = true

  required_pull_request_reviews {
    required_approving_review_count = 0
    dismiss_stale_reviews           = true
    require_last_push_approval      = true
    bypass_pull_request_allowances {
      teams = ["payments-leads"]
    }
  }
}

resource "github_branch_protection_v3" "v3_strict" {
  repository     = "ledger"
  branch         = "main"
  enforce_admins = true

  required_pull_request_reviews {
    required_approving_review_count = 2
    dismiss_stale_reviews           = true
    require_last_push_approval      = true
  }
}
