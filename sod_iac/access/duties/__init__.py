"""Duties and conflicts: which principal holds which duty, on every cloud, from the engines.

- `catalog`: the duty catalog (`rulesets/default.yaml` plus the user's `duties`/`conflicts`)
  validated into a Ruleset.
- `service`: Duties, the cloud-neutral service rules ask (holdings, conflicts, full admins).
- `holding`: Holding and CloudDuties, the interface every cloud's evaluator has.
- `aws`, `gcp`, `azure`, `kubernetes`: one evaluator per cloud, asking that cloud's engine.
"""
