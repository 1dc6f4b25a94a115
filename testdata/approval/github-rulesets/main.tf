# SOD212 on GitHub rulesets (github_repository_ruleset, github_organization_ruleset).
#
# Proves (ruleset docs: enforcement is disabled | active | evaluate; pull_request
# required_approving_review_count "Defaults to 0"; bypass_actors may skip the rules):
#   - evaluate_only: enforcement = "evaluate" -> finding (the rule is not enforced);
#   - zero_reviews: an active pull_request rule that keeps the default of 0 approvals -> finding;
#   - org_bypass: an organization ruleset whose bypass_actors include the admin role -> finding;
#   - strict: active, 1 approval, stale reviews dismissed, last push approved by another
#     person, no bypass actors -> quiet;
#   - signatures_only: a ruleset with no pull_request rule (it does not claim to enforce
#     review) -> quiet;
#   - tags: a ruleset that targets tags -> quiet.
resource "github_repository_ruleset" "evaluate_only" {
  name        = "main-review"
  repository  = "infra"
  target      = "branch"
  enforcement = "evaluate"

  rules {
    pull_request {
      required_approving_review_count   = 1
      dismiss_stale_reviews_on_push     = true
      require_last_push_approval        = true
    }
  }
}

resource "github_repository_ruleset" "zero_reviews" {
  name        = "pr-only"
  repository  = "infra"
  target      = "branch"
  enforcement = "active"

  rules {
    pull_request {
      dismiss_stale_reviews_on_push = true
      require_last_push_approval    = true
    }
  }
}

resource "github_organization_ruleset" "org_bypass" {
  name        = "org-main"
  target      = "branch"
  enforcement = "active"

  bypass_actors {
    actor_id    = 5
    actor_type  = "RepositoryRole"
    bypass_mode = "always"
  }

  rules {
    pull_request {
      required_approving_review_count = 1
      dismiss_stale_reviews_on_push   = true
      require_last_push_approval      = true
    }
  }
}

resource "github_repository_ruleset" "strict" {
  name        = "main-strict"
  repository  = "payments"
  target      = "branch"
  enforcement = "active"

  conditions {
    ref_name {
      include = ["~DEFAULT_BRANCH"]
      exclude = []
    }
  }

  rules {
    pull_request {
      required_approving_review_count = 1
      dismiss_stale_reviews_on_push   = true
      require_last_push_approval      = true
      require_code_owner_review       = true
    }
  }
}

resource "github_repository_ruleset" "signatures_only" {
  name        = "signed"
  repository  = "payments"
  target      = "branch"
  enforcement = "active"

  rules {
    required_signatures = true
  }
}

resource "github_repository_ruleset" "tags" {
  name        = "release-tags"
  repository  = "payments"
  target      = "tag"
  enforcement = "active"

  rules {
    pull_request {
      required_approving_review_count = 0
    }
  }
}
