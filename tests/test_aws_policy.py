"""The IAM policy language (`sod_iac.access.aws_policy`), checked against the IAM User Guide.

Expected results are worked out from the AWS documentation: "IAM JSON policy elements:
Resource" (ARN wildcards, the S3 `*/test/*` example), "IAM policy elements: Variables and tags"
(variables, special characters, Version), "Principal" and "NotPrincipal", "Condition
operators" (IfExists, Null, negated operators on absent keys) and "multi-value conditions"
(ForAllValues on an empty set is true). Doc examples keep their account ids and names.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from sod_iac.access.aws_policy import (
    Condition,
    Statement,
    action_pattern_matches,
    condition_verdict,
    conditions_verdict,
    is_wildcard_principal,
    parse_policy,
    principal_match,
    resource_match,
    statement_action_match,
    statement_match,
    statement_resource_match,
)
from sod_iac.core.values import Ref, Template, Unknown, encode_json

NOW = datetime(2025, 6, 1, tzinfo=timezone.utc)


def one(document) -> Statement:
    statements, problems = parse_policy(document)
    assert len(statements) == 1, problems
    return statements[0]


def policy(*statements, version="2012-10-17"):
    doc = {"Statement": list(statements)}
    if version:
        doc["Version"] = version
    return doc


def verdict(operator, key, *values):
    return condition_verdict(Condition(operator, key, tuple(values)), now=NOW)[0]


# --- parse_policy -----------------------------------------------------------------------------


def test_statement_as_object_or_list_and_action_as_string_or_list():
    body = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    as_object = parse_policy({"Version": "2012-10-17", "Statement": body})
    as_list = parse_policy({"Version": "2012-10-17", "Statement": [body]})
    assert as_object == as_list
    st = as_object[0][0]
    assert (st.effect, st.actions, st.resources, st.not_actions) == (
        "Allow", ("s3:GetObject",), ("arn:aws:s3:::b/*",), None)
    listed = one(policy({**body, "Action": ["s3:GetObject", "s3:PutObject"]}))
    assert listed.actions == ("s3:GetObject", "s3:PutObject")


def test_json_text_and_statement_fields():
    text = json.dumps(policy(
        {"Sid": "A", "Effect": "Deny", "NotAction": "iam:*", "NotResource": ["arn:aws:s3:::x"],
         "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"},
                       "StringEquals": {"aws:PrincipalTag/team": ["a", "b"]}}},
        {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": "*"}))
    statements, problems = parse_policy(text)
    assert problems == []
    first, second = statements
    assert (first.sid, first.index, first.effect) == ("A", 0, "Deny")
    assert first.actions is None and first.not_actions == ("iam:*",)
    assert first.resources is None and first.not_resources == ("arn:aws:s3:::x",)
    assert first.conditions == (
        Condition("Bool", "aws:MultiFactorAuthPresent", ("false",)),
        Condition("StringEquals", "aws:PrincipalTag/team", ("a", "b")))
    # a trust-policy statement has a Principal and no Resource: not a problem
    assert second.index == 1 and second.principals == {"*": ("*",)}
    assert second.resources is None and second.not_resources is None


def test_principal_shapes():
    st = one(policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                     "Principal": {"AWS": "123456789012",
                                   "Service": ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com"],
                                   "CanonicalUser": "79a59df9"}}))
    assert st.principals == {"AWS": ("123456789012",),
                             "Service": ("ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com"),
                             "CanonicalUser": ("79a59df9",)}
    _, problems = parse_policy(policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
                                       "Principal": {"AWS": "arn:aws:iam::123456789012:role/*"}}))
    assert problems == ['statement 0: wildcard in principal '
                        '\'arn:aws:iam::123456789012:role/*\' (AWS allows only "*")']


@pytest.mark.parametrize("statement, problem", [
    ({"Action": "s3:*", "Resource": "*"}, "statement 0: missing Effect"),
    ({"Effect": "Permit", "Action": "s3:*", "Resource": "*"},
     "statement 0: Effect must be Allow or Deny, not 'Permit'"),
    ({"Effect": "Allow", "Action": "s3:*", "NotAction": "iam:*", "Resource": "*"},
     "statement 0: both Action and NotAction"),
    ({"Effect": "Allow", "Action": "s3:*", "Resource": "*", "NotResource": "x"},
     "statement 0: both Resource and NotResource"),
    ({"Effect": "Allow", "Principal": "*", "NotPrincipal": {"AWS": "1"}, "Action": "s3:*"},
     "statement 0: both Principal and NotPrincipal"),
    ({"Effect": "Allow", "Resource": "*"}, "statement 0: missing Action or NotAction"),
])
def test_invalid_statements_are_reported_and_left_out(statement, problem):
    statements, problems = parse_policy(policy(statement))
    assert statements == [] and problems == [problem]


def test_softer_problems_keep_the_statement():
    statements, problems = parse_policy(policy(
        {"Sid": "S", "Effect": "Allow", "Action": "GetObject", "Extra": 1}))
    assert len(statements) == 1
    assert problems == ["statement 0 (S): unknown element 'Extra'",
                        "statement 0 (S): missing Resource or NotResource",
                        "statement 0 (S): action 'GetObject' has no service prefix"]


def test_documents_that_are_not_policies():
    assert parse_policy(None) == ([], [])
    statements, problems = parse_policy('{"Version": "2012-10-17", "Statement": [')
    assert statements == [] and problems[0].startswith("invalid JSON")
    assert parse_policy("[1]") == ([], ["policy document is not a JSON object"])
    assert parse_policy({"Version": "2012-10-17"}) == ([], ["no Statement"])


def test_unknown_document_is_a_possible_allow_of_anything():
    statements, problems = parse_policy(Unknown("var.policy has no default"))
    assert problems == ["policy document unknown: var.policy has no default"]
    (st,) = statements
    assert st.effect == "Allow" and st.unknown
    assert statement_action_match(st, "iam:CreateUser")
    assert statement_match(st, "iam:CreateUser", "arn:aws:iam::1:user/x") == "possible"
    assert principal_match(st, "arn:aws:iam::123456789012:role/x") == "possible"


def test_unknown_statement_effect_and_actions():
    statements, problems = parse_policy({"Version": "2012-10-17",
                                         "Statement": Ref(address="local.statements")})
    assert statements[0].unknown and problems == ["Statement unknown: local.statements"]

    st = one(policy({"Effect": Unknown("var.effect"), "Action": "s3:GetObject", "Resource": "*"}))
    assert st.effect == "Allow" and st.unknown

    st = one(policy({"Effect": "Allow", "Action": Unknown("var.actions"), "Resource": "*"}))
    assert st.actions == ("*",) and st.unknown

    st = one(policy({"Effect": "Allow", "Resource": "*",
                     "Action": ["s3:GetObject", Template((Unknown("var.svc"), ":Delete*"))]}))
    assert st.actions == ("s3:GetObject", "*:Delete*") and st.unknown

    # an unknown NotAction item might exclude anything: dropped, so the statement covers more
    st = one(policy({"Effect": "Allow", "Resource": "*",
                     "NotAction": ["iam:*", Unknown("var.excluded")]}))
    assert st.not_actions == ("iam:*",) and st.unknown


def test_unknown_resource_stays_unknown_and_matches_possible():
    bucket = Ref(address="aws_s3_bucket.b", attribute="arn")
    st = one(policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": bucket}))
    assert st.resources == (bucket,) and not st.unknown
    assert statement_resource_match(st, "arn:aws:s3:::data") == "possible"
    assert statement_match(st, "s3:GetObject", "arn:aws:s3:::data") == "possible"


def test_template_document_keeps_unknown_leaves():
    bucket = Ref(address="aws_s3_bucket.b", attribute="arn")
    document = encode_json(policy({"Effect": "Allow", "Action": ["s3:GetObject"],
                                   "Resource": [make_template_resource(bucket)]}))
    assert isinstance(document, Template)
    st = one(document)
    assert st.resources == (Template((bucket, "/*")),)
    assert statement_resource_match(st, "arn:aws:kms:us-east-1:111122223333:key/k") == "possible"
    assert statement_resource_match(st, Template((bucket, "/reports/q1.csv"))) == "yes"

    broken = Template(('{"Statement": [', Unknown("var.more"), "]"))
    statements, problems = parse_policy(broken)
    assert statements[0].unknown and problems[0].startswith("policy document unknown")


def make_template_resource(ref):
    return Template((ref, "/*"))


def test_version_decides_whether_variables_exist():
    statement = {"Effect": "Allow", "Action": "s3:*",
                 "Resource": "arn:aws:s3:::mybucket/${aws:username}/*"}
    assert one(policy(statement)).policy_variables
    # No Version: 2008-10-17, where `${aws:username}` is a literal string (Variables page note)
    old = one(policy(statement, version=None))
    assert not old.policy_variables
    assert statement_resource_match(old, "arn:aws:s3:::mybucket/David/a") == "no"
    assert statement_resource_match(old, "arn:aws:s3:::mybucket/${aws:username}/a") == "yes"
    assert statement_resource_match(one(policy(statement)), "arn:aws:s3:::mybucket/David/a") \
        == "possible"


def test_condition_parsing():
    st = one(policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                     "Condition": {"Bool": {"aws:SecureTransport": True},
                                   "ForAnyValue:StringLike": {"aws:TagKeys": ["a*", "b"]}}}))
    assert st.conditions == (Condition("Bool", "aws:SecureTransport", (True,)),
                             Condition("ForAnyValue:StringLike", "aws:TagKeys", ("a*", "b")))
    st = one(policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*",
                     "Condition": Unknown("var.conditions")}))
    assert condition_verdict(st.conditions[0])[0] == "unknown"


# --- actions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern, action, expected", [
    ("*", "iam:CreateUser", True),
    ("s3:GetObject", "s3:GetObject", True),
    ("S3:getobject", "s3:GetObject", True),          # prefix and name are case-insensitive
    ("s3:Get*", "s3:GetObjectAcl", True),
    ("s3:Get*", "s3:PutObject", False),
    ("s3:Get?bject", "s3:GetObject", True),
    ("s3:Get?bject", "s3:GetObjectAcl", False),      # ? is exactly one character
    ("iam:*AccessKey*", "iam:CreateAccessKey", True),  # Variables page example
    ("iam:*AccessKey*", "iam:ListAccessKeys", True),
    ("iam:*AccessKey*", "iam:CreateUser", False),
    ("s3:*", "s3express:CreateSession", False),      # the service prefix must match
    ("s3*", "s3:GetObject", False),                  # no prefix: invalid, matches nothing
    ("ec2:*", "ec2:RunInstances", True),
])
def test_action_pattern(pattern, action, expected):
    assert action_pattern_matches(pattern, action) is expected


def test_not_action():
    # NotAction doc: Allow everything except IAM
    st = one(policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}))
    assert statement_action_match(st, "s3:GetObject")
    assert not statement_action_match(st, "IAM:CreateUser")
    st = one(policy({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}))
    assert statement_action_match(st, "s3:ListBucket")
    assert not statement_action_match(st, "s3:DeleteObject")


# --- resources --------------------------------------------------------------------------------

S3_TEST = "arn:aws:s3:::amzn-s3-demo-bucket/*/test/*"


@pytest.mark.parametrize("key", [
    "1/test/object.jpg", "1/2/test/object.jpg", "1/2/test/3/object.jpg",
    "1/2/3/test/4/object.jpg", "1///test///object.jpg", "1/test/.jpg", "/test/object.jpg",
    "1/test/"])
def test_resource_doc_example_wildcards_span_slashes(key):
    assert resource_match(S3_TEST, "arn:aws:s3:::amzn-s3-demo-bucket/" + key) == "yes"


@pytest.mark.parametrize("key", ["1-test/object.jpg", "test/object.jpg", "1/2/test.jpg"])
def test_resource_doc_example_non_matches(key):
    assert resource_match(S3_TEST, "arn:aws:s3:::amzn-s3-demo-bucket/" + key) == "no"


@pytest.mark.parametrize("pattern, arn, expected", [
    ("*", "arn:aws:kms:us-east-1:111122223333:key/k", "yes"),
    ("arn:aws:iam::111122223333:user/accounting/*", "arn:aws:iam::111122223333:user/accounting/bob", "yes"),
    ("arn:aws:iam::111122223333:user/accounting/*", "arn:aws:iam::111122223333:user/accounting/eu/ann", "yes"),
    ("arn:aws:iam::111122223333:user/accounting/*", "arn:aws:iam::111122223333:user/sales/bob", "no"),
    ("arn:aws:iam::111122223333:user/Bob", "arn:aws:iam::111122223333:user/bob", "no"),  # case-sensitive
    ("arn:aws:s3:::*", "arn:aws:s3:::any-bucket", "yes"),
    ("arn:aws:s3:::*", "arn:aws:s3:::any-bucket/any/key", "yes"),
    ("arn:aws:s3:::*", "arn:aws:sqs:us-east-2:111122223333:queue1", "no"),
    ("arn:aws:s3:::example?bucket/*", "arn:aws:s3:::example1bucket/a", "yes"),
    ("arn:aws:s3:::example?bucket/*", "arn:aws:s3:::example12bucket/a", "no"),
    ("arn:aws:sqs:us-east-2:*:queue1", "arn:aws:sqs:us-east-2:111122223333:queue1", "yes"),
    ("arn:aws:sqs:us-east-2:*:queue1", "arn:aws:sqs:eu-west-1:111122223333:queue1", "no"),
    ("arn:aws:dynamodb:us-east-?:*:table/books", "arn:aws:dynamodb:us-east-2:1:table/books", "yes"),
    # a `*` that ends a segment may expand beyond the colon
    ("arn:aws:ec2:*", "arn:aws:ec2:us-east-1:111122223333:instance/i-1", "yes"),
    ("arn:aws:*", "arn:aws:iam::111122223333:role/x", "yes"),
    # inside a segment it does not cross ':'; in the resource part it does
    ("arn:aws:sqs:us-*-2:111122223333:q", "arn:aws:sqs:us-x:y-2:111122223333:q", "no"),
    ("arn:aws:logs:us-east-1:1:log-group:*", "arn:aws:logs:us-east-1:1:log-group:/app:log-stream:s", "yes"),
    ("arn:aws:logs:us-east-1:1:log-group:/a*s", "arn:aws:logs:us-east-1:1:log-group:/app:log-stream:s", "yes"),
])
def test_resource_wildcards(pattern, arn, expected):
    assert resource_match(pattern, arn) == expected


@pytest.mark.parametrize("pattern, arn, expected", [
    # Variables page examples: a variable is only known when the request is made
    ("arn:aws:s3:::mybucket/${aws:username}/*", "arn:aws:s3:::mybucket/David/notes.txt", "possible"),
    ("arn:aws:s3:::mybucket/${aws:username}/*", "arn:aws:s3:::otherbucket/David/notes.txt", "no"),
    ("arn:aws:s3:::mybucket/${aws:username}/*", "arn:aws:s3:::mybucket/David", "no"),
    ("arn:aws:sqs:us-east-2:*:${aws:username}-queue", "arn:aws:sqs:us-east-2:1:Adele-queue", "possible"),
    ("arn:aws:sqs:us-east-2:*:${aws:username}-queue", "arn:aws:sqs:us-east-2:1:Adele-topic", "no"),
    ("arn:aws:s3:::bucket/${aws:PrincipalTag/department}", "arn:aws:s3:::bucket/hr", "possible"),
    ("arn:aws:s3:::bucket/${aws:userid, 'anonymous'}", "arn:aws:s3:::bucket/anonymous", "possible"),
    # special characters: ${*} ${?} ${$} are the literal characters
    ("arn:aws:s3:::b/a${*}", "arn:aws:s3:::b/a*x", "no"),
    ("arn:aws:s3:::b/a${*}", "arn:aws:s3:::b/abc", "no"),
    ("arn:aws:s3:::b/why${?}", "arn:aws:s3:::b/whyX", "no"),
    ("arn:aws:s3:::b/price${$}", "arn:aws:s3:::b/price$", "yes"),
])
def test_policy_variables(pattern, arn, expected):
    assert resource_match(pattern, arn) == expected


def test_special_characters_match_themselves_against_unknown_targets():
    # target wildcards stand for unknown parts: the unknown object name might be "a*"
    assert resource_match("arn:aws:s3:::b/a${*}", "arn:aws:s3:::b/*") == "possible"


@pytest.mark.parametrize("pattern, target, expected", [
    # target wildcards stand for parts we do not know, e.g. an account not in the code
    ("arn:aws:iam::111122223333:role/app", "arn:aws:iam::*:role/app", "possible"),
    ("arn:aws:iam::111122223333:role/app", "arn:aws:iam::*:role/other", "no"),
    ("arn:aws:iam::*:role/*", "arn:aws:iam::*:role/app", "yes"),
    ("arn:aws:iam::*:role/a*", "arn:aws:iam::*:role/*", "possible"),
    ("arn:aws:s3:::*", "arn:aws:s3:::*", "yes"),
    ("arn:aws:s3:::b/*", "arn:aws:s3:::b/?", "yes"),
    ("arn:aws:s3:::b/?", "arn:aws:s3:::b/*", "possible"),
])
def test_targets_with_unknown_parts_as_wildcards(pattern, target, expected):
    assert resource_match(pattern, target) == expected


def test_unknown_parts_in_pattern_or_target():
    bucket_name = Ref(address="aws_s3_bucket.b", attribute="bucket")
    bucket_arn = Ref(address="aws_s3_bucket.b", attribute="arn")
    objects = Template(("arn:aws:s3:::", bucket_name, "/*"))
    # known literal text rules a match out
    assert resource_match(objects, "arn:aws:kms:us-east-1:111122223333:key/k") == "no"
    assert resource_match(objects, "arn:aws:s3:::data/k") == "possible"
    assert resource_match(objects, "arn:aws:s3:::data") == "no"   # no "/" after the bucket
    assert resource_match(Unknown("var.resource"), "arn:aws:s3:::x") == "possible"
    assert resource_match("arn:aws:s3:::x", Unknown("computed")) == "possible"
    assert resource_match("*", Unknown("computed")) == "yes"
    # a target with an unknown bucket name is still inside arn:aws:s3:::*
    target = Template(("arn:aws:s3:::", bucket_name, "/k"))
    assert resource_match("arn:aws:s3:::*", target) == "yes"
    assert resource_match("arn:aws:kms:*", target) == "no"
    # the same reference on both sides is the same value
    assert resource_match(Template((bucket_arn, "/*")), Template((bucket_arn, "/k"))) == "yes"
    assert resource_match(Template((bucket_arn, "/*")), bucket_arn) == "no"
    other = Ref(address="aws_s3_bucket.c", attribute="arn")
    assert resource_match(Template((bucket_arn, "/*")), Template((other, "/k"))) == "possible"


def test_not_resource():
    # NotResource doc: deny everything except the Payroll folder of HRBucket
    st = one(policy({"Effect": "Deny", "Action": "s3:*",
                     "NotResource": ["arn:aws:s3:::HRBucket/Payroll",
                                     "arn:aws:s3:::HRBucket/Payroll/*"]}))
    assert statement_resource_match(st, "arn:aws:s3:::HRBucket/Payroll/2024.csv") == "no"
    assert statement_resource_match(st, "arn:aws:s3:::HRBucket/Other") == "yes"
    assert statement_resource_match(st, "arn:aws:s3:::*") == "possible"
    assert statement_resource_match(st, Unknown("computed")) == "possible"


# --- principals -------------------------------------------------------------------------------

ROLE = "arn:aws:iam::123456789012:role/app"


def with_principal(principal, key="Principal"):
    return one(policy({"Effect": "Allow", "Action": "sts:AssumeRole", key: principal}))


def test_account_principals_delegate_to_the_whole_account():
    st = with_principal({"AWS": ["123456789012", "555555555555"]})
    assert principal_match(st, ROLE) == "yes"
    assert principal_match(st, "arn:aws:iam::555555555555:user/bob") == "yes"
    assert principal_match(st, "arn:aws:iam::999999999999:role/app") == "no"
    root = with_principal({"AWS": "arn:aws:iam::123456789012:root"})
    assert principal_match(root, ROLE) == "yes"
    assert principal_match(root, "arn:aws:sts::123456789012:assumed-role/app/s") == "yes"
    assert principal_match(root, account_id="123456789012") == "yes"
    assert principal_match(root, account_id="555555555555") == "no"


def test_role_and_session_principals():
    st = with_principal({"AWS": ROLE})
    assert principal_match(st, ROLE) == "yes"
    assert principal_match(st, "arn:aws:iam::123456789012:role/other") == "no"
    assert principal_match(st, "arn:aws:sts::123456789012:assumed-role/app/ci") == "yes"
    # naming one principal of the account grants some of the account
    assert principal_match(st, account_id="123456789012") == "possible"
    session = with_principal({"AWS": "arn:aws:sts::123456789012:assumed-role/app/ci"})
    assert principal_match(session, ROLE) == "possible"
    # partial wildcards are not allowed in principals: compared literally
    wild = with_principal({"AWS": "arn:aws:iam::123456789012:role/*"})
    assert principal_match(wild, ROLE) == "no"


def test_everyone():
    star, aws_star = with_principal("*"), with_principal({"AWS": "*"})
    for st in (star, aws_star):   # equivalent for AWS principals (Principal doc)
        assert principal_match(st, ROLE) == "yes"
        assert principal_match(st, account_id="999999999999") == "yes"
    assert principal_match(star, service="ec2.amazonaws.com") == "yes"
    assert principal_match(aws_star, service="ec2.amazonaws.com") == "no"


def test_service_and_federated_principals():
    st = with_principal({"Service": ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com"]})
    assert principal_match(st, service="ecs.amazonaws.com") == "yes"
    assert principal_match(st, service="ECS.amazonaws.com") == "yes"
    assert principal_match(st, service="ec2.amazonaws.com") == "no"
    assert principal_match(st, ROLE) == "no"
    github = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    fed = with_principal({"Federated": github})
    assert principal_match(fed, federated=github) == "yes"
    assert principal_match(fed, federated="cognito-identity.amazonaws.com") == "no"
    assert principal_match(with_principal({"Federated": "cognito-identity.amazonaws.com"}),
                           federated="cognito-identity.amazonaws.com") == "yes"


def test_unknown_principals():
    role_arn = Ref(address="aws_iam_role.ci", attribute="arn")
    st = with_principal({"AWS": role_arn})
    assert principal_match(st, role_arn) == "yes"
    assert principal_match(st, ROLE) == "possible"
    account = Ref(address="data.aws_caller_identity.current", attribute="account_id")
    root = with_principal({"AWS": Template(("arn:aws:iam::", account, ":root"))})
    assert principal_match(root, ROLE) == "possible"
    assert principal_match(with_principal({"AWS": "123456789012"}),
                           Template(("arn:aws:iam::", account, ":role/app"))) == "possible"
    assert principal_match(with_principal(Unknown("var.principal")), ROLE) == "possible"


def test_statement_without_principal_names_its_holder():
    st = one(policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}))
    assert principal_match(st, ROLE) == "yes"


def test_not_principal_doc_examples():
    bob = "arn:aws:iam::444455556666:user/Bob"
    st = with_principal({"AWS": [bob, "arn:aws:iam::444455556666:root"]}, "NotPrincipal")
    assert principal_match(st, bob) == "no"                       # Bob escapes the statement
    assert principal_match(st, "arn:aws:iam::444455556666:user/Alice") == "yes"
    assert principal_match(st, "arn:aws:iam::111122223333:user/Bob") == "yes"
    # only Bob listed: "AWS might validate the account first", so Bob might still be denied
    only_bob = with_principal({"AWS": bob}, "NotPrincipal")
    assert principal_match(only_bob, bob) == "possible"
    assert principal_match(only_bob, account_id="444455556666") == "yes"

    session = ("arn:aws:sts::444455556666:assumed-role/cross-account-read-only-role/"
               "cross-account-audit-app")
    role = "arn:aws:iam::444455556666:role/cross-account-read-only-role"
    full = with_principal({"AWS": [session, role, "arn:aws:iam::444455556666:root"]},
                          "NotPrincipal")
    assert principal_match(full, session) == "no"
    no_role = with_principal({"AWS": [session, "arn:aws:iam::444455556666:root"]}, "NotPrincipal")
    assert principal_match(no_role, session) == "possible"
    services = with_principal({"Service": "ec2.amazonaws.com"}, "NotPrincipal")
    assert principal_match(services, service="ec2.amazonaws.com") == "no"
    assert principal_match(services, service="lambda.amazonaws.com") == "yes"


def test_is_wildcard_principal():
    def stmt(principal, condition=None, key="Principal"):
        body = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", key: principal}
        if condition:
            body["Condition"] = condition
        return one(policy(body))

    assert is_wildcard_principal(stmt("*"))
    assert is_wildcard_principal(stmt({"AWS": "*"}))
    assert not is_wildcard_principal(stmt({"AWS": "123456789012"}))
    assert not is_wildcard_principal(one(policy({"Effect": "Allow", "Action": "s3:*",
                                                 "Resource": "*"})))
    assert not is_wildcard_principal(stmt({"AWS": "*"},
                                          {"StringEquals": {"aws:PrincipalOrgID": "o-abc"}}))
    assert not is_wildcard_principal(stmt("*", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))
    assert is_wildcard_principal(stmt("*", {"StringEquals": {"aws:RequestTag/team": "x"}}))
    assert is_wildcard_principal(stmt("*", {"StringLike": {"aws:PrincipalArn": "*"}}))
    # HTTPS narrows how, not who: a public read over TLS is still public
    assert is_wildcard_principal(stmt("*", {"Bool": {"aws:SecureTransport": "true"}}))
    assert is_wildcard_principal(stmt({"AWS": "123456789012"}, key="NotPrincipal"))


# --- conditions -------------------------------------------------------------------------------

GITHUB = "token.actions.githubusercontent.com"


@pytest.mark.parametrize("operator, key, values", [
    ("StringEquals", "aws:RequestTag/team", ["blue"]),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["team", "env"]),
    ("StringEquals", "iam:PassedToService", ["ec2.amazonaws.com"]),
    ("StringEquals", "aws:ResourceTag/owner", ["${aws:username}"]),
    ("StringEquals", "s3:x-amz-acl", ["bucket-owner-full-control"]),
    ("StringEquals", "s3:x-amz-server-side-encryption", ["aws:kms"]),
    ("StringEquals", "aws:RequestedRegion", ["eu-west-1"]),
    ("StringLike", f"{GITHUB}:sub", ["*"]),                  # every subject the issuer signs
    ("IpAddress", "aws:SourceIp", ["0.0.0.0/0"]),
    ("NotIpAddress", "aws:SourceIp", ["10.0.0.0/8"]),         # call from elsewhere
    ("StringEqualsIfExists", "aws:SourceVpce", ["vpce-1a2b"]),  # absent outside the endpoint
    ("StringNotEquals", "aws:SourceVpc", ["vpc-111"]),
    ("ArnLikeIfExists", "aws:SourceArn", ["arn:aws:sns:*:1:topic"]),
    ("StringEqualsIfExists", "sts:ExternalId", ["secret"]),
    ("Bool", "aws:SecureTransport", ["false"]),
    ("Bool", "aws:MultiFactorAuthPresent", [False]),
    ("NumericLessThanIfExists", "aws:MultiFactorAuthAge", ["3600"]),
    ("DateGreaterThan", "aws:CurrentTime", ["2019-01-01T00:00:00Z"]),
    ("DateGreaterThan", "aws:TokenIssueTime", ["2020-01-01T00:00:00Z"]),
    ("Null", "aws:RequestTag/team", ["false"]),
    ("Null", "aws:MultiFactorAuthAge", ["true"]),
    ("Null", "aws:PrincipalOrgID", ["true", "false"]),
    ("StringNotEquals", "aws:PrincipalArn", []),
])
def test_self_satisfiable(operator, key, values):
    assert verdict(operator, key, *values) == "self-satisfiable"


@pytest.mark.parametrize("operator, key, values", [
    ("IpAddress", "aws:SourceIp", ["203.0.113.0/24", "2001:db8::/32"]),
    ("IpAddressIfExists", "aws:SourceIp", ["203.0.113.0/24"]),  # always present
    ("StringEquals", "aws:SourceVpc", ["vpc-111"]),
    ("StringEquals", "aws:SourceVpce", ["vpce-1a2b"]),
    ("StringEquals", "aws:PrincipalOrgID", ["o-abc"]),
    ("ForAnyValue:StringLike", "aws:PrincipalOrgPaths", ["o-a/r-b/ou-c/*"]),
    ("StringEquals", "aws:SourceAccount", ["111122223333"]),
    ("ArnLike", "aws:SourceArn", ["arn:aws:s3:::bucket"]),
    ("Bool", "aws:MultiFactorAuthPresent", ["true"]),
    ("BoolIfExists", "aws:MultiFactorAuthPresent", ["true"]),  # weak, still a constraint
    ("NumericLessThan", "aws:MultiFactorAuthAge", ["3600"]),
    ("Bool", "aws:SecureTransport", ["true"]),
    ("ArnEquals", "aws:PrincipalArn", ["arn:aws:iam::1:role/admin"]),
    ("StringNotEquals", "aws:PrincipalArn", ["arn:aws:iam::1:role/admin"]),
    ("ForAnyValue:StringEquals", "aws:CalledVia", ["cloudformation.amazonaws.com"]),
    ("StringEquals", "kms:ViaService", ["s3.eu-west-1.amazonaws.com"]),
    ("StringLike", f"{GITHUB}:sub", ["repo:octo-org/*:ref:refs/heads/main"]),
    ("StringEquals", f"{GITHUB}:aud", ["sts.amazonaws.com"]),
    ("StringEquals", "oidc.eks.eu-west-1.amazonaws.com/id/ABC:sub",
     ["system:serviceaccount:ns:sa"]),
    ("StringEquals", "sts:ExternalId", ["secret"]),
    ("StringEquals", "aws:PrincipalTag/team", ["platform"]),
    ("ArnEquals", "iam:PermissionsBoundary", ["arn:aws:iam::1:policy/boundary"]),
    ("ArnEquals", "iam:PolicyARN", ["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
    ("DateLessThan", "aws:CurrentTime", ["2999-01-01T00:00:00Z"]),
    ("DateGreaterThan", "aws:CurrentTime", ["2999-01-01"]),
    ("DateLessThanIfExists", "aws:TokenIssueTime", ["2019-01-01T00:00:00Z"]),
    ("Null", "aws:PrincipalOrgID", ["false"]),
    ("StringEquals", "aws:PrincipalOrgID", [Ref(address="var.org_id")]),
])
def test_restricts(operator, key, values):
    assert verdict(operator, key, *values) == "restricts"


@pytest.mark.parametrize("operator, key, values", [
    ("DateLessThan", "aws:CurrentTime", ["2019-12-31T23:59:59Z"]),
    ("DateLessThanEquals", "aws:CurrentTime", ["2019-12-31", "2018-01-01"]),
    ("NumericLessThan", "aws:EpochTime", ["1577836800"]),
    ("DateEquals", "aws:CurrentTime", ["2019-06-01T00:00:00Z"]),
    ("DateLessThan", "aws:TokenIssueTime", ["2019-01-01T00:00:00Z"]),
    ("Bool", "aws:MultiFactorAuthPresent", ["yes"]),
    ("Null", "aws:SourceIp", ["true"]),              # the key is always present
    ("Null", "aws:TokenIssueTime", ["maybe"]),
    ("StringEquals", "aws:PrincipalOrgID", []),
])
def test_blocks(operator, key, values):
    assert verdict(operator, key, *values) == "blocks"


@pytest.mark.parametrize("operator, key, values", [
    ("StringEquals", "ec2:InstanceType", ["t3.micro"]),
    ("StringEqualz", "aws:SourceIp", ["1.2.3.4"]),
    ("NullIfExists", "aws:SourceIp", ["true"]),
    ("DateLessThan", "aws:CurrentTime", [Unknown("var.expiry")]),
    ("DateLessThan", "aws:CurrentTime", ["next tuesday"]),
    ("IpAddress", "aws:SourceIp", ["not-an-ip"]),
])
def test_unknown(operator, key, values):
    assert verdict(operator, key, *values) == "unknown"


def test_condition_keys_and_operators_are_case_insensitive():
    assert verdict("stringequals", "AWS:sourcevpc", "vpc-1") == "restricts"
    assert verdict("forallvalues:stringequals", "AWS:TAGKEYS", "a") == "self-satisfiable"


def test_verdicts_carry_a_reason():
    v, reason = condition_verdict(Condition("DateLessThan", "aws:CurrentTime", ("2019-12-31",)),
                                  now=NOW)
    assert v == "blocks" and "aws:CurrentTime" in reason and "past" in reason
    v, reason = condition_verdict(Condition("BoolIfExists", "aws:MultiFactorAuthPresent",
                                            ("true",)), now=NOW)
    assert v == "restricts" and "long-term access keys" in reason


def test_conditions_verdict_takes_the_strongest():
    tag = Condition("StringEquals", "aws:RequestTag/team", ("x",))
    org = Condition("StringEquals", "aws:PrincipalOrgID", ("o-1",))
    past = Condition("DateLessThan", "aws:CurrentTime", ("2019-01-01",))
    assert conditions_verdict((), now=NOW)[0] == "self-satisfiable"
    assert conditions_verdict((tag,), now=NOW)[0] == "self-satisfiable"
    assert conditions_verdict((tag, org), now=NOW)[0] == "restricts"
    assert conditions_verdict((tag, org, past), now=NOW)[0] == "blocks"
    odd = Condition("StringEquals", "ec2:InstanceType", ("t3.micro",))
    assert conditions_verdict((tag, odd), now=NOW)[0] == "unknown"


def test_null_contradicting_another_test_blocks():
    absent = Condition("Null", "aws:RequestTag/team", ("true",))
    present = Condition("StringEquals", "aws:RequestTag/team", ("blue",))
    assert conditions_verdict((absent, present), now=NOW)[0] == "blocks"
    assert conditions_verdict((absent, Condition("Null", "aws:RequestTag/team", ("false",))),
                              now=NOW)[0] == "blocks"
    # IfExists is true when the key is absent: no contradiction
    if_exists = Condition("StringEqualsIfExists", "aws:RequestTag/team", ("blue",))
    assert conditions_verdict((absent, if_exists), now=NOW)[0] == "self-satisfiable"


# --- what an unknown account or name can be ("IAM identifiers") --------------------------------

_CALLER_ACCOUNT = Ref(address="data.aws_caller_identity.current", attribute="account_id")


@pytest.mark.parametrize(("pattern", "arn", "expected"), [
    # AWS-managed policies live in the account field `aws`; an account id is 12 digits
    ("arn:aws:iam::aws:policy/fp4-*", "arn:aws:iam::*:policy/fp4-x", "no"),
    ("arn:aws:iam::aws:policy/fp4-*", Template(("arn:aws:iam::", _CALLER_ACCOUNT, ":policy/fp4-x")), "no"),
    ("arn:aws:iam::*:policy/fp4-*", "arn:aws:iam::*:policy/fp4-x", "yes"),
    ("arn:aws:iam::????????????:policy/fp4-*", "arn:aws:iam::*:policy/fp4-x", "yes"),
    ("arn:aws:iam::123456789012:policy/fp4-*", "arn:aws:iam::*:policy/fp4-x", "possible"),
    ("arn:aws:iam::12345:policy/fp4-*", "arn:aws:iam::*:policy/fp4-x", "no"),  # not 12 digits
    ("arn:aws:iam::123456789012:policy/fp4-*",
     Template(("arn:aws:iam::", _CALLER_ACCOUNT, ":policy/fp4-x")), "possible"),
])
def test_unknown_account_is_twelve_digits(pattern, arn, expected):
    assert resource_match(pattern, arn) == expected


@pytest.mark.parametrize(("operator", "values", "present", "expected"), [
    ("Bool", ("true",), "false", False),
    ("BoolIfExists", ("true",), "false", False),  # IfExists only helps when the key is absent
    ("Bool", ("false",), "false", True),
    ("Null", ("true",), "false", False),  # the key is present
    ("Null", ("false",), "false", True),
])
def test_bool_and_null_on_a_present_value(operator, values, present, expected):
    from sod_iac.access.aws_policy import condition_holds

    assert condition_holds(Condition(operator, "aws:MultiFactorAuthPresent", values), present) is expected
