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
from sod_iac.rules import state  # noqa: E402,F401  (SOD201-SOD205)
from sod_iac.rules import delivery  # noqa: E402,F401  (SOD210-SOD215)
from sod_iac.rules import secrets  # noqa: E402,F401  (SOD301, SOD302, SOD303)
from sod_iac.rules import keys  # noqa: E402,F401  (SOD101)
from sod_iac.rules import identities  # noqa: E402,F401  (SOD102)
from sod_iac.rules import audit  # noqa: E402,F401  (SOD103)
from sod_iac.rules import approvals  # noqa: E402,F401  (SOD104)
from sod_iac.rules import secrets_admin  # noqa: E402,F401  (SOD105)
from sod_iac.rules import ci  # noqa: E402,F401  (SOD120)
from sod_iac.rules import environments  # noqa: E402,F401  (SOD121)

__all__ = ["CatalogError", "Context", "Reference", "Rule", "all_rules", "get_rule", "rule", "run_rules"]
