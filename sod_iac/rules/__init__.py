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
#   from sod_iac.rules import keys  # noqa: F401 - importing registers SOD101
from sod_iac.rules import aws_iam  # noqa: F401 - importing registers SOD110, SOD111
from sod_iac.rules import state  # noqa: F401 - importing registers SOD201-SOD205
from sod_iac.rules import delivery  # noqa: F401 - importing registers SOD210-SOD215
from sod_iac.rules import secrets  # noqa: F401 - importing registers SOD301, SOD302, SOD303
from sod_iac.rules import keys  # noqa: F401 - importing registers SOD101
from sod_iac.rules import identities  # noqa: F401 - importing registers SOD102
from sod_iac.rules import audit  # noqa: F401 - importing registers SOD103
from sod_iac.rules import approvals  # noqa: F401 - importing registers SOD104
from sod_iac.rules import secrets_admin  # noqa: F401 - importing registers SOD105
from sod_iac.rules import ci  # noqa: F401 - importing registers SOD120
from sod_iac.rules import environments  # noqa: F401 - importing registers SOD121

__all__ = ["CatalogError", "Context", "Reference", "Rule", "all_rules", "get_rule", "rule", "run_rules"]
