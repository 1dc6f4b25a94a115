# SOD210 on Spacelift stacks (spacelift-io/spacelift provider).
#
# Proves (Spacelift "Stack settings": with autodeploy = true "any change to the tracked
# branch will automatically be applied if the planning phase was successful"; approval
# policies attach with spacelift_policy_attachment or, by the autoattach:<label> label
# convention, to every stack carrying <label>):
#   - payments_prod: autodeploy, no policy attached -> finding (high: production);
#   - api_prod: autodeploy, only a PLAN policy attached (not an approval) -> finding;
#   - core_prod: autodeploy with an APPROVAL policy attached -> quiet;
#   - edge_prod: autodeploy, labelled "needs-approval", and an APPROVAL policy labelled
#     autoattach:needs-approval -> quiet;
#   - sandbox: no autodeploy (default false) -> quiet.
resource "spacelift_stack" "payments_prod" {
  name       = "payments-prod"
  repository = "payments"
  branch     = "main"
  autodeploy = true
}

resource "spacelift_stack" "api_prod" {
  name       = "api-prod"
  repository = "api"
  branch     = "main"
  autodeploy = true
}

resource "spacelift_stack" "core_prod" {
  name       = "core-prod"
  repository = "core"
  branch     = "main"
  autodeploy = true
}

resource "spacelift_stack" "edge_prod" {
  name       = "edge-prod"
  repository = "edge"
  branch     = "main"
  autodeploy = true
  labels     = ["needs-approval"]
}

resource "spacelift_stack" "sandbox" {
  name       = "sandbox"
  repository = "sandbox"
  branch     = "main"
}

resource "spacelift_policy" "plan_checks" {
  name = "plan checks"
  type = "PLAN"
  body = "package spacelift"
}

resource "spacelift_policy" "two_approvals" {
  name = "two approvals"
  type = "APPROVAL"
  body = "package spacelift"
}

resource "spacelift_policy" "approval_by_label" {
  name   = "approval by label"
  type   = "APPROVAL"
  body   = "package spacelift"
  labels = ["autoattach:needs-approval"]
}

resource "spacelift_policy_attachment" "api_plan" {
  policy_id = spacelift_policy.plan_checks.id
  stack_id  = spacelift_stack.api_prod.id
}

resource "spacelift_policy_attachment" "core_approval" {
  policy_id = spacelift_policy.two_approvals.id
  stack_id  = spacelift_stack.core_prod.id
}
