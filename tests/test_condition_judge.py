"""The one judge of a string/ARN condition on a key the question fixes (aws:PrincipalArn,
kms:ViaService, aws:PrincipalAccount), shared by the state-writer rule and the secret-reader
engine. Expected values follow the IAM User Guide, "Condition operators" and "Set operators for
multivalued context keys": ForAllValues is true when every value of the key in the request
matches at least one policy value (and when the key is absent or empty); ForAnyValue when at
least one does. A key fixed by the question is present with exactly one value, so both reduce
to the plain operator on that value.
"""

from __future__ import annotations

import pytest

from sod_iac.access.aws_policy import Condition, judge_condition

DEPLOYER = "arn:aws:iam::111122223333:role/deployer"


def exact(request_value: str):
    """An exact matcher for one request value (what the callers pass)."""
    return lambda policy_value: "yes" if policy_value == request_value else "no"


@pytest.mark.parametrize("operator, request_value, expected", [
    # the plain operators
    ("ArnEquals", DEPLOYER, True),
    ("ArnEquals", "arn:aws:iam::111122223333:role/dev", False),
    ("ArnNotEquals", DEPLOYER, False),
    ("ArnNotEquals", "arn:aws:iam::111122223333:role/dev", True),
    # ForAllValues: every request value (here: the one) must satisfy the operator
    ("ForAllValues:ArnEquals", DEPLOYER, True),
    ("ForAllValues:ArnEquals", "arn:aws:iam::111122223333:role/dev", False),
    ("ForAllValues:ArnNotEquals", DEPLOYER, False),
    ("ForAllValues:ArnNotEquals", "arn:aws:iam::111122223333:role/dev", True),
    ("ForAllValues:StringNotEquals", "arn:aws:iam::111122223333:role/dev", True),
    # ForAnyValue: at least one request value (here: the one) must satisfy it
    ("ForAnyValue:StringEquals", DEPLOYER, True),
    ("ForAnyValue:StringEquals", "arn:aws:iam::111122223333:role/dev", False),
    # IfExists: the key is present, so it is the plain test
    ("ArnNotEqualsIfExists", "arn:aws:iam::111122223333:role/dev", True),
])
def test_a_present_single_value_is_judged_by_its_operator(operator, request_value, expected):
    cond = Condition(operator, "aws:PrincipalArn", (DEPLOYER,))
    assert judge_condition(cond, exact(request_value)) is expected


def test_an_undecided_value_leaves_the_condition_undecided():
    cond = Condition("ForAllValues:ArnNotEquals", "aws:PrincipalArn", (DEPLOYER,))
    assert judge_condition(cond, lambda v: "possible") is None


def test_any_matching_policy_value_decides_even_beside_an_undecided_one():
    # policy values are ORed: one certain match is a match
    cond = Condition("ArnEquals", "aws:PrincipalArn", (DEPLOYER, "arn:aws:iam::*:role/x"))
    assert judge_condition(cond, lambda v: "yes" if v == DEPLOYER else "possible") is True


@pytest.mark.parametrize("operator", ["NumericEquals", "Bool", "IpAddress", "ForAllValues:Null", "Nonsense"])
def test_operators_outside_strings_and_arns_are_not_judged(operator):
    assert judge_condition(Condition(operator, "aws:PrincipalArn", (DEPLOYER,)), exact(DEPLOYER)) is None


def test_ignore_case_is_judged_only_by_a_matcher_that_folds_case():
    cond = Condition("StringEqualsIgnoreCase", "aws:PrincipalArn", (DEPLOYER.upper(),))

    def folding(v: str) -> str:
        return "yes" if v.lower() == DEPLOYER.lower() else "no"

    assert judge_condition(cond, exact(DEPLOYER)) is None  # an exact matcher would say "no": wrong
    assert judge_condition(cond, folding, folds_case=True) is True
