"""Roles outside the code that a principal may assume, named by their ARN.

A CI role often deploys by assuming a deployer role in each account
(`arn:aws:iam::333333333333:role/production-deployer`). Those roles are not in the code, so
their permissions are unknown, but their ARNs still say which account they live in and what
they are called. A principal may assume one when an Allow it benefits from (its own, its
groups', a role it can assume) covers sts:AssumeRole on that ARN; the role's trust policy is
the other half and is not in the code, so the answer is at most "possible" (DESIGN.md:
unknown means possible).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sod_iac.access.aws import AwsAccess, Target
from sod_iac.access.aws_policy import statement_action_match
from sod_iac.access.graph import Level, weakest
from sod_iac.core.model import Evidence

_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12}):role/([^*?$]+)$")


@dataclass(frozen=True)
class OutsideRole:
    arn: str
    account: str
    path_and_name: str
    """`production/reporting-deployer`: what the role is called, its path included."""
    level: Level
    evidence: tuple[Evidence, ...]


def outside_roles(aws: AwsAccess, principal: str) -> list[OutsideRole]:
    """Roles named by literal ARN in sts:AssumeRole Allows reaching the principal, that no
    role of the code is, and that the engine lets the principal assume (its Denies,
    boundaries and role chains apply), in ARN order."""
    in_code = aws.code_arns()
    who = [principal, *(role for role, _, _ in aws.assumable(principal))]
    named: dict[str, re.Match[str]] = {}
    for identity in who:
        for grant in aws.grants(identity):
            st = grant.statement
            if st.effect != "Allow" or st.unknown or st.resources is None \
                    or not statement_action_match(st, "sts:AssumeRole"):
                continue
            for item in st.resources:
                text, certain = aws.resolver.value(item)
                match = _ROLE_ARN.match(text) if certain and text not in in_code else None
                if match is not None:
                    named[text] = match
    out = []
    for arn, match in sorted(named.items()):
        decision = aws.can(principal, "sts:AssumeRole", Target(arn, None, arn))
        if not decision.held:
            continue
        hop = Evidence(address=principal, detail=f"may assume {arn} (outside the code; its trust policy "
                                                 "and permissions are not stated)")
        out.append(OutsideRole(arn, match.group(1), match.group(2), weakest(decision.level, "possible"),
                               (hop, *decision.evidence)))
    return out


__all__ = ["OutsideRole", "outside_roles"]
