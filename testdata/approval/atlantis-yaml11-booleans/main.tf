# SOD211 reads repos.yaml (beside this file) as Atlantis does. sod-iac reads every YAML file
# with YAML 1.2 booleans (`yes`/`off` stay strings), but Atlantis decodes allow_custom_workflows
# into a Go bool, and go-yaml takes the YAML 1.1 words there (yes/on = true, no/off = false).
#
# Proves: github.com/acme/custom (`allow_custom_workflows: yes` with the workflow override: a
# pull request can bring a workflow that applies in its plan step) -> finding;
# github.com/acme/locked (`allow_custom_workflows: off`, same override) -> quiet; `/.*/`
# requires approved + mergeable for apply and import -> quiet.
