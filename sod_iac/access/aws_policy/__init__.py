"""The AWS IAM policy language as pure functions: parse a document, match actions, resources and
principals, and judge whether a condition can stop the principal that acts.

Everything follows the IAM User Guide ("IAM JSON policy elements reference", "Policy evaluation
logic", "IAM policy elements: Variables and tags", "Condition operators", "IAM ARNs"). Values
from static evaluation may be unknown (`sod_iac.core.values`); matching is then three-valued
(`Match`: "yes", "possible", "no") and errs toward "possible" (DESIGN.md: unknown means
possible), never toward "no" unless the known text rules a match out.

Matching, in short:

- Actions: case-insensitive; `*` any run, `?` one character, inside the service prefix and the
  action name separately (`s3:*` never matches `s3express:...`).
- Resources: case-sensitive ARN globbing. `*` and `?` stay inside one colon-separated segment,
  except in the resource part (after the fifth colon), where they match anything including
  `/` and `:`, and except a `*` that ends a segment, which "can expand to match beyond colon
  boundaries" (so `arn:aws:ec2:*` covers every EC2 ARN). Policy variables (`${aws:username}`,
  `${aws:PrincipalTag/team}`, `${aws:userid, 'anonymous'}`) are placeholders: a match that
  needs one is only "possible". `${*}`, `${?}`, `${$}` are the literal characters. Variables
  exist only in `Version: 2012-10-17`; without it (default 2008-10-17) they are literal text.
- Principals: `"*"` and `{"AWS": "*"}` are everyone; an account id or `arn:...:iam::ID:root`
  delegates to the whole account; partial wildcards are not allowed in principals, so other
  values compare literally. NotPrincipal follows AWS: a principal escapes only when the list
  names it and its account (and, for a role session, its role); naming only the principal
  leaves it "possible" ("AWS might validate the account first").

Conditions (`condition_verdict`, `conditions_verdict`): whether a condition can stop the
principal itself; the table of verdicts is in `conditions`.

Modules: `parse` (documents into Statements), `actions`, `arn_match` (resources), `principals`,
`conditions` (with `condition_keys` and `condition_operators`), `match` (the three values).
"""

from __future__ import annotations

from sod_iac.access.aws_policy.actions import (
    action_pattern_matches,
    statement_action_match,
    statement_action_match_reference,
)
from sod_iac.access.aws_policy.arn_match import (
    fast_resource_match,
    resource_match,
    statement_match,
    statement_resource_match,
)
from sod_iac.access.aws_policy.conditions import (
    LONGEST_SESSION,
    Verdict,
    condition_holds,
    condition_verdict,
    conditions_verdict,
    judge_condition,
)
from sod_iac.access.aws_policy.match import Match, best, negate
from sod_iac.access.aws_policy.parse import (
    PRINCIPAL_TYPES,
    VARIABLES_VERSION,
    Condition,
    Statement,
    parse_policy,
)
from sod_iac.access.aws_policy.principals import is_wildcard_principal, principal_match

__all__ = [
    "LONGEST_SESSION", "PRINCIPAL_TYPES", "VARIABLES_VERSION", "Condition", "Match", "Statement",
    "Verdict", "action_pattern_matches", "best", "condition_holds", "condition_verdict",
    "conditions_verdict", "fast_resource_match", "judge_condition", "is_wildcard_principal", "negate", "parse_policy",
    "principal_match", "resource_match", "statement_action_match", "statement_action_match_reference", "statement_match",
    "statement_resource_match",
]
