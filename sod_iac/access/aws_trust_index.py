"""Which roles may let a principal in: a superset of what `AwsAccess._assume_step` accepts,
found through indexes instead of asking every role (no all-pairs scan of principals and roles).

The Allow trust statements that cover an AssumeRole action are read once. A reference names
an address. Other entries resolve to text: `*`, an account id or `:root` delegate to the
account; any other text names the principals whose ARN it may match, so texts are indexed
by the literal start of their resource part (`aws_allow_index.head_key`) and a principal
meets only the texts that may match its own ARN, even when its ARN is itself a pattern (a
role created without a name, or with a `name_prefix`). A service principal
(`lambda.amazonaws.com`) is no IAM principal and never a candidate. Texts without a readable
service may name anyone and are always tried. Through the account, the principal needs its
own Allow for sts:AssumeRole on the role: the roles each Resource entry may match, found the
same way from the roles' ARNs (a NotResource, or an entry without a readable service, may
match any of them).
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from sod_iac.access.aws_allow_index import TargetSide, head_key, heads_fitting
from sod_iac.access.aws_arns import delegates_to_account, names_caller
from sod_iac.access.aws_policy import statement_action_match
from sod_iac.access.aws_targets import Target
from sod_iac.core.values import Ref

if TYPE_CHECKING:
    from sod_iac.access.aws import AwsAccess

ASSUME = ("sts:AssumeRole", "sts:AssumeRoleWithWebIdentity", "sts:AssumeRoleWithSAML")


class TrustIndex:
    """Trust statements of every role of one AwsAccess, by what their principals may match."""

    def __init__(self, aws: AwsAccess) -> None:
        self.aws = aws
        self.order = {role: i for i, role in enumerate(aws.model.trust)}
        self.by_ref: dict[str, set[str]] = defaultdict(set)
        self.by_head: dict[str, set[str]] = defaultdict(set)
        self.general: set[str] = set()
        self.account: set[str] = set()
        for role, trust in aws.model.trust.items():
            for st in trust.statements:
                if st.effect != "Allow" or st.unknown or st.principals is None \
                        or not any(statement_action_match(st, a) for a in ASSUME):
                    continue
                for item in st.principals.get("AWS", ()) + st.principals.get("*", ()):
                    if isinstance(item, Ref):
                        self.by_ref[item.address].add(role)
                    if names_caller(item):
                        continue  # names the caller alone (by_ref)
                    text, certain = aws.resolver.value(item)
                    key = None if delegates_to_account(text, certain) else head_key(text)
                    if delegates_to_account(text, certain):
                        self.account.add(role)
                    elif key is None:
                        self.general.add(role)
                    else:
                        self.by_head[key].add(role)
        self.heads = sorted(self.by_head)
        self.account_roles = sorted(self.account, key=self.order.__getitem__)
        self.account_side = TargetSide([Target(aws.arn(r), r, r) for r in self.account_roles])
        self.owned = {role for role in self.account if role in aws.model.resource_policies}

    def candidates(self, principal: str) -> list[str]:
        found = self.by_ref.get(principal, set()) | self.general
        arn = self.aws.arn(principal)
        for key in heads_fitting(arn, self.by_head, self.heads) if isinstance(arn, str) else self.heads:
            found |= self.by_head[key]
        if self.account:
            found |= self._through_account(principal)
        return sorted(found, key=self.order.__getitem__)

    def _through_account(self, principal: str) -> set[str]:
        """Account-trusting roles the principal's own sts:AssumeRole Allows may reach."""
        aws = self.aws
        found = set(self.owned)
        for grant in aws._candidates(principal, "sts:AssumeRole"):
            st = grant.statement
            if st.effect != "Allow" or st.unknown or not statement_action_match(st, "sts:AssumeRole"):
                continue
            if st.resources is None:  # NotResource: may cover any role
                return set(self.account)
            for item in st.resources:
                if isinstance(item, Ref) and item.attribute in ("arn", "id") \
                        and aws.project.resource(item.address) is not None:
                    if item.address in self.account:
                        found.add(item.address)
                    continue
                text, _ = aws.resolver.value(item)
                key = head_key(text)
                if key is None:
                    return set(self.account)
                found.update(self.account_roles[i] for i in self.account_side.matching(key))
        return found
