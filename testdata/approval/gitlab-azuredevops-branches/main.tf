# SOD212 on GitLab protected branches and Azure DevOps minimum-reviewer policies.
#
# Proves:
#   - gitlab_branch_protection (push_access_level: no one | developer | maintainer, default
#     maintainer): devs_push lets developers push to main directly, around merge requests
#     -> finding (high); default_push keeps the default, so maintainers push directly ->
#     finding (medium); merge_only allows pushes to no one -> quiet;
#   - azuredevops_branch_policy_min_reviewers (submitter_can_vote "Allow requesters to
#     approve their own changes", last_pusher_cannot_approve and the reset-on-push settings
#     default to false): self_vote lets the author approve their own pull request -> finding
#     (high); strict needs two reviewers, forbids self and last-pusher approval and resets
#     approvals on push -> quiet.
resource "gitlab_branch_protection" "devs_push" {
  project            = "42"
  branch             = "main"
  push_access_level  = "developer"
  merge_access_level = "developer"
}

resource "gitlab_branch_protection" "default_push" {
  project = "43"
  branch  = "main"
}

resource "gitlab_branch_protection" "merge_only" {
  project            = "44"
  branch             = "main"
  push_access_level  = "no one"
  merge_access_level = "maintainer"
}

resource "azuredevops_branch_policy_min_reviewers" "self_vote" {
  project_id = "proj-infra"

  settings {
    reviewer_count                 = 1
    submitter_can_vote             = true
    last_pusher_cannot_approve     = true
    on_push_reset_approved_votes   = true

    scope {
      repository_id  = "repo-infra"
      repository_ref = "refs/heads/main"
      match_type     = "Exact"
    }
  }
}

resource "azuredevops_branch_policy_min_reviewers" "strict" {
  project_id = "proj-payments"
  enabled    = true
  blocking   = true

  settings {
    reviewer_count             = 2
    submitter_can_vote         = false
    last_pusher_cannot_approve = true
    on_push_reset_all_votes    = true

    scope {
      repository_id  = "repo-payments"
      repository_ref = "refs/heads/main"
      match_type     = "Exact"
    }
  }
}
