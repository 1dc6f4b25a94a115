# SOD214 on GitLab merge request approvals.
#
# Proves (gitlab_project_level_mr_approvals: merge_requests_author_approval "Set to true if
# you want to allow merge request authors to self-approve"; committers may approve unless
# merge_requests_disable_committers_approval = true; gitlab_project_approval_rule
# approvals_required; gitlab_group_level_mr_approvals allow_author_approval):
#   - author_self: authors may approve their own merge requests -> finding (high);
#   - committers: leaves committers allowed (the GitLab default) -> finding (medium);
#   - strict: no author or committer approval, approvals reset on push, rules not editable
#     per merge request -> quiet;
#   - zero: an approval rule requiring 0 approvals -> finding; two: requires 2 -> quiet;
#   - group: the group allows authors to approve -> finding.
resource "gitlab_project_level_mr_approvals" "author_self" {
  project_id                                 = 42
  merge_requests_author_approval             = true
  merge_requests_disable_committers_approval = true
}

resource "gitlab_project_level_mr_approvals" "committers" {
  project_id                     = 43
  merge_requests_author_approval = false
}

resource "gitlab_project_level_mr_approvals" "strict" {
  project_id                                     = 44
  merge_requests_author_approval                 = false
  merge_requests_disable_committers_approval     = true
  reset_approvals_on_push                        = true
  disable_overriding_approvers_per_merge_request = true
}

resource "gitlab_project_approval_rule" "zero" {
  project            = "45"
  name               = "infra reviewers"
  approvals_required = 0
  group_ids          = [51]
}

resource "gitlab_project_approval_rule" "two" {
  project            = "44"
  name               = "payments reviewers"
  approvals_required = 2
  group_ids          = [52]
}

resource "gitlab_group_level_mr_approvals" "group" {
  group                 = "acme/platform"
  allow_author_approval = true
}
