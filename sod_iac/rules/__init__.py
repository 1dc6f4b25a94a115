"""Rules layer: the judgement. One module per rule, `<family>/sodNNN_<slug>.py`, found by
discovery (registry.py) when the registry is first used: there is no list of rules to keep.
The catalog (rulesets/catalog.yaml) holds each rule's id, family, severity and title."""

from sod_iac.rules.context import Context
from sod_iac.rules.registry import (
    CatalogError,
    Reference,
    Rule,
    all_rules,
    get_rule,
    register,
    run_rules,
)

__all__ = ["CatalogError", "Context", "Reference", "Rule", "all_rules", "get_rule", "register", "run_rules"]
