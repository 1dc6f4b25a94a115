"""Rules layer: the judgement. Metadata is in rulesets/catalog.yaml, checks in modules here.

Registering is importing: each rule module decorates its checks with `@rule("SODxxx")`, and
this package imports every rule module so that `import sod_iac.rules` registers them all.
"""

from sod_iac.rules.registry import (
    CatalogError,
    Context,
    Reference,
    Rule,
    all_rules,
    get_rule,
    rule,
    run_rules,
)

# Rule modules, one per family or theme. Add each new module here, e.g.:
#   from sod_iac.rules import keys  # noqa: F401  (SOD101)
from sod_iac.rules import aws_iam  # noqa: E402,F401  (SOD110, SOD111)

__all__ = ["CatalogError", "Context", "Reference", "Rule", "all_rules", "get_rule", "rule", "run_rules"]
