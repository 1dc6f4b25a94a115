"""`data "aws_iam_policy_document"` rendering, checked against the AWS provider's behaviour.

Expected documents are written by hand from hashicorp/terraform-provider-aws
(internal/service/iam/policy_document_data_source.go, policy_model.go) and its acceptance
tests (policy_document_data_source_test.go). Those tests predate `Sid` being `omitempty`;
the current model omits an empty Sid, so the copies below drop `"Sid": ""`.
"""

from __future__ import annotations

import json
import zlib

import pytest

from sod_iac.core.values import Ref, Template, Unknown, decode_json, encode_json
from sod_iac.load.policy_document import (
    has_unknown_sources,
    render_policy_document,
    render_policy_json,
)


def stmt(**fields):
    """A statement block in plan-JSON shape, unset fields as the plan shows them."""
    base = {"sid": None, "effect": None, "actions": None, "not_actions": None,
            "resources": None, "not_resources": None, "principals": [],
            "not_principals": [], "condition": []}
    base.update(fields)
    return base


def doc(*statements, **args):
    return {"version": None, "policy_id": None, "source_policy_documents": None,
            "override_policy_documents": None, "statement": list(statements), **args}


def src(*statements, **top):
    """A source/override document as the provider writes it (what `.json` holds)."""
    return json.dumps({"Version": "2012-10-17", **top, "Statement": list(statements)})


# --- single documents --------------------------------------------------------------------


def test_basic_allow_statement():
    args = doc(stmt(
        sid="A", effect="Allow", actions=["s3:GetObject"], resources=["arn:aws:s3:::b/*"],
        principals=[{"type": "AWS", "identifiers": ["arn:aws:iam::1:root"]}],
        condition=[{"test": "StringEquals", "variable": "aws:PrincipalTag/team",
                    "values": ["x"]}],
    ))
    assert render_policy_document(args) == {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "A",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
            "Principal": {"AWS": "arn:aws:iam::1:root"},
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": "x"}},
        }],
    }


def test_defaults_version_effect_and_omitted_fields():
    # schema: version Default "2012-10-17", effect Default "Allow"; Sid/Id/Statement omitempty
    assert render_policy_document(doc(stmt(actions=["ec2:*"]))) == {
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*"}]}
    assert render_policy_document({}) == {"Version": "2012-10-17"}
    assert render_policy_document(doc(policy_id="pid", version="2008-10-17")) == {
        "Version": "2008-10-17", "Id": "pid"}


def test_provider_basic_acceptance_document():
    # TestAccIAMPolicyDocumentDataSource_basic (partition "aws"): actions sort descending,
    # `&{` becomes `${` in resources and condition values, condition values keep their order,
    # {"*": ["*"]} alone becomes "*" while {"AWS": ["*"]} stays a map.
    args = doc(
        stmt(sid="1", actions=["s3:ListAllMyBuckets", "s3:GetBucketLocation"],
             resources=["arn:aws:s3:::*"]),
        stmt(actions=["s3:ListBucket"], resources=["arn:aws:s3:::foo"],
             condition=[{"test": "StringLike", "variable": "s3:prefix",
                         "values": ["home/", "", "home/&{aws:username}/"]}],
             not_principals=[{"type": "AWS", "identifiers": ["arn:blahblah:example"]}]),
        stmt(actions=["s3:*"],
             resources=["arn:aws:s3:::foo/home/&{aws:username}",
                        "arn:aws:s3:::foo/home/&{aws:username}/*"],
             principals=[{"type": "AWS", "identifiers": ["arn:blahblah:example"]}]),
        stmt(effect="Deny", not_actions=["s3:*"], not_resources=["arn:aws:s3:::*"]),
        stmt(effect="Allow", actions=["kinesis:*"],
             principals=[{"type": "AWS", "identifiers": ["*"]}]),
        stmt(effect="Allow", actions=["firehose:*"],
             principals=[{"type": "*", "identifiers": ["*"]}]),
        policy_id="policy_id",
    )
    expected = """{
      "Version": "2012-10-17",
      "Id": "policy_id",
      "Statement": [
        {"Sid": "1", "Effect": "Allow",
         "Action": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"],
         "Resource": "arn:aws:s3:::*"},
        {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::foo",
         "NotPrincipal": {"AWS": "arn:blahblah:example"},
         "Condition": {"StringLike": {"s3:prefix": ["home/", "", "home/${aws:username}/"]}}},
        {"Effect": "Allow", "Action": "s3:*",
         "Resource": ["arn:aws:s3:::foo/home/${aws:username}/*",
                      "arn:aws:s3:::foo/home/${aws:username}"],
         "Principal": {"AWS": "arn:blahblah:example"}},
        {"Effect": "Deny", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::*"},
        {"Effect": "Allow", "Action": "kinesis:*", "Principal": {"AWS": "*"}},
        {"Effect": "Allow", "Action": "firehose:*", "Principal": "*"}
      ]
    }"""
    rendered = render_policy_document(args)
    assert rendered == json.loads(expected)
    # key order follows Go's struct (Sid, Effect, Action, ..., Condition)
    assert render_policy_json(args) == json.dumps(json.loads(expected), separators=(",", ":"))


def test_not_actions_not_resources_not_principals():
    args = doc(stmt(effect="Deny", not_actions=["iam:*", "sts:*"],
                    not_resources=["arn:aws:iam::1:role/break-glass"],
                    not_principals=[{"type": "AWS", "identifiers": ["arn:aws:iam::1:root"]}]))
    assert render_policy_document(args)["Statement"] == [{
        "Effect": "Deny",
        "NotAction": ["sts:*", "iam:*"],  # policyDecodeConfigStrings: sort, then reverse
        "NotResource": "arn:aws:iam::1:role/break-glass",
        "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
    }]


def test_wildcard_principals():
    # principal MarshalJSON: only a lone {"*": "*"} is normalised to "*"
    def principal(*blocks):
        return render_policy_document(doc(stmt(actions=["s3:*"], principals=list(blocks))))[
            "Statement"][0]["Principal"]

    assert principal({"type": "*", "identifiers": ["*"]}) == "*"
    assert principal({"type": "AWS", "identifiers": ["*"]}) == {"AWS": "*"}
    assert principal({"type": "*", "identifiers": ["*", "x"]}) == {"*": ["x", "*"]}
    assert principal({"type": "*", "identifiers": ["*"]},
                     {"type": "AWS", "identifiers": ["a"]}) == {"*": "*", "AWS": "a"}


def test_single_item_strings_versus_lists():
    args = doc(stmt(actions=["s3:GetObject"], resources=["b", "a", "c"],
                    principals=[{"type": "Service", "identifiers": ["ec2.amazonaws.com"]}],
                    condition=[{"test": "Bool", "variable": "aws:SecureTransport",
                                "values": ["false"]}]))
    (statement,) = render_policy_document(args)["Statement"]
    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == ["c", "b", "a"]
    assert statement["Principal"] == {"Service": "ec2.amazonaws.com"}
    # TestAccIAMPolicyDocumentDataSource_singleConditionValue
    assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_sets_drop_repeats_lists_do_not():
    # actions/resources/identifiers are TypeSet; condition values is a TypeList
    args = doc(stmt(actions=["s3:GetObject", "s3:GetObject"],
                    condition=[{"test": "StringEquals", "variable": "k", "values": ["a", "a"]}]))
    (statement,) = render_policy_document(args)["Statement"]
    assert statement["Action"] == "s3:GetObject"
    assert statement["Condition"] == {"StringEquals": {"k": ["a", "a"]}}


# --- merging of several principal / condition blocks -------------------------------------


def _principal_blocks(partition):
    arn = "arn:%s:iam::{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}:root" % partition  # noqa: UP031 - {0} is for .format below
    return arn, [
        {"type": "AWS", "identifiers": [arn.format(1), arn.format(2)]},
        {"type": "AWS", "identifiers": [arn.format(3)]},
        {"type": "AWS", "identifiers": [arn.format(4)]},
    ]


@pytest.mark.parametrize("partition, order", [
    # TestAccIAMPolicyDocumentDataSource_StatementPrincipalIdentifiers_multiplePrincipals and
    # ..._multiplePrincipalsGov: same config, different partition, different order, because the
    # SDK lists set blocks by the decimal text of their crc32 hash.
    ("aws", [3, 4, 2, 1]),
    ("aws-us-gov", [3, 2, 1, 4]),
])
def test_principal_blocks_of_one_type_merge_in_sdk_set_order(partition, order):
    arn, blocks = _principal_blocks(partition)
    rendered = render_policy_document(doc(stmt(actions=["*"], resources=["*"], principals=blocks)))
    assert rendered["Statement"][0]["Principal"] == {"AWS": [arn.format(n) for n in order]}


def test_principal_string_and_slice_merge():
    # TestAccIAMPolicyDocumentDataSource_StatementPrincipalIdentifiers_stringAndSlice
    arn = "arn:aws:iam::{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}{0}:root"
    blocks = [{"type": "AWS", "identifiers": [arn.format(1)]},
              {"type": "AWS", "identifiers": [arn.format(2), arn.format(3)]}]
    rendered = render_policy_document(doc(stmt(actions=["*"], resources=["*"], principals=blocks)))
    assert rendered["Statement"][0]["Principal"] == {
        "AWS": [arn.format(1), arn.format(3), arn.format(2)]}


def test_conditions_merge_by_test_and_variable():
    a = {"test": "StringEquals", "variable": "aws:PrincipalTag/team", "values": ["x"]}
    b = {"test": "StringEquals", "variable": "aws:PrincipalTag/env", "values": ["prod"]}
    c = {"test": "StringEquals", "variable": "aws:PrincipalTag/team", "values": ["y", "z"]}
    d = {"test": "Bool", "variable": "aws:MultiFactorAuthPresent", "values": ["true"]}
    rendered = render_policy_document(doc(stmt(actions=["*"], condition=[a, b, c, d])))
    condition = rendered["Statement"][0]["Condition"]
    # Go map keys encode sorted; one value renders as a string
    assert list(condition) == ["Bool", "StringEquals"]
    assert list(condition["StringEquals"]) == ["aws:PrincipalTag/env", "aws:PrincipalTag/team"]
    assert condition["Bool"] == {"aws:MultiFactorAuthPresent": "true"}
    assert condition["StringEquals"]["aws:PrincipalTag/env"] == "prod"
    # a and c share test and variable: their values concatenate, blocks in the SDK's set
    # order (SerializeResourceForHash text, crc32, keys compared as decimal strings)
    def key(block):
        text = "test:{};values:({});variable:{};".format(
            block["test"], "".join(v + ";" for v in block["values"]), block["variable"])
        return str(zlib.crc32(text.encode()))
    first, second = sorted([a, c], key=key)
    assert condition["StringEquals"]["aws:PrincipalTag/team"] == (
        first["values"] + second["values"])


def test_identical_blocks_count_once():
    # a TypeSet keeps one copy of equal blocks
    block = {"type": "AWS", "identifiers": ["arn:aws:iam::1:root"]}
    rendered = render_policy_document(doc(stmt(actions=["*"], principals=[block, dict(block)])))
    assert rendered["Statement"][0]["Principal"] == {"AWS": "arn:aws:iam::1:root"}


def test_single_block_given_as_dict():
    rendered = render_policy_document({"statement": {"actions": ["s3:*"],
                                                      "principals": {"type": "AWS",
                                                                     "identifiers": ["a"]}}})
    assert rendered["Statement"] == [{"Effect": "Allow", "Action": "s3:*",
                                      "Principal": {"AWS": "a"}}]


# --- &{ policy variables ----------------------------------------------------------------


def test_policy_variables_only_outside_actions():
    args = doc(stmt(actions=["s3:&{x}"], resources=["arn:aws:s3:::b/&{aws:username}"],
                    principals=[{"type": "AWS", "identifiers": ["&{aws:userid}"]}]))
    (statement,) = render_policy_document(args)["Statement"]
    assert statement["Action"] == "s3:&{x}"
    assert statement["Resource"] == "arn:aws:s3:::b/${aws:username}"
    assert statement["Principal"] == {"AWS": "${aws:userid}"}


def test_policy_variables_rejected_in_2008_version():
    # TestAccIAMPolicyDocumentDataSource_version20081017
    with pytest.raises(ValueError, match="2008-10-17"):
        render_policy_document(doc(stmt(actions=["*"], resources=["arn:aws:s3:::&{x}"]),
                                   version="2008-10-17"))


# --- source and override documents -------------------------------------------------------


def _sid_doc(*pairs):
    return src(*[{"Sid": sid, "Effect": effect, "Action": action}
                 if sid else {"Effect": effect, "Action": action}
                 for sid, effect, action in pairs])


def test_source_documents_merge_in_order():
    # TestAccIAMPolicyDocumentDataSource_sourceList
    a = _sid_doc(("", "Allow", "foo:ActionOne"), ("validSidOne", "Allow", "bar:ActionOne"))
    b = _sid_doc(("validSidTwo", "Deny", "foo:ActionTwo"))
    c = _sid_doc(("", "Allow", "bar:ActionTwo"))
    rendered = render_policy_document(doc(source_policy_documents=[a, b, c]))
    assert rendered == {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "foo:ActionOne"},
        {"Sid": "validSidOne", "Effect": "Allow", "Action": "bar:ActionOne"},
        {"Sid": "validSidTwo", "Effect": "Deny", "Action": "foo:ActionTwo"},
        {"Effect": "Allow", "Action": "bar:ActionTwo"},
    ]}


def test_duplicate_sids_are_rejected():
    # TestAccIAMPolicyDocumentDataSource_sourceListConflicting and _duplicateSid
    a = _sid_doc(("conflictSid", "Allow", "bar:ActionOne"))
    c = _sid_doc(("conflictSid", "Allow", "bar:ActionTwo"))
    with pytest.raises(ValueError, match="duplicate Sid"):
        render_policy_document(doc(source_policy_documents=[a, c]))
    with pytest.raises(ValueError, match="duplicate Sid"):
        render_policy_document(doc(stmt(sid="1", actions=["a"]), stmt(sid="1", actions=["b"])))
    # blank Sids never clash (_duplicateSid, second step)
    assert len(render_policy_document(doc(stmt(actions=["a"]), stmt(actions=["b"])))[
        "Statement"]) == 2


def test_override_documents_replace_by_sid_and_append_the_rest():
    # TestAccIAMPolicyDocumentDataSource_overrideList
    a = _sid_doc(("", "Allow", "foo:ActionOne"), ("overrideSid", "Allow", "bar:ActionOne"))
    b = _sid_doc(("validSid", "Deny", "foo:ActionTwo"))
    c = _sid_doc(("overrideSid", "Deny", "bar:ActionOne"))
    rendered = render_policy_document(doc(override_policy_documents=[a, b, c]))
    assert rendered["Statement"] == [
        {"Effect": "Allow", "Action": "foo:ActionOne"},
        {"Sid": "overrideSid", "Effect": "Deny", "Action": "bar:ActionOne"},
        {"Sid": "validSid", "Effect": "Deny", "Action": "foo:ActionTwo"},
    ]


def test_order_sources_then_statements_then_overrides():
    # Read(): merge sources, then this document, then overrides; Merge() replaces a
    # same-Sid statement where it stands and appends everything else.
    source = _sid_doc(("S1", "Allow", "s:one"), ("Shared", "Allow", "s:shared"),
                      ("", "Allow", "s:blank"))
    override = _sid_doc(("S1", "Deny", "o:one"), ("O2", "Allow", "o:two"))
    args = doc(stmt(actions=["c:first"]), stmt(sid="Shared", actions=["c:shared"]),
               source_policy_documents=[source], override_policy_documents=[override])
    assert render_policy_document(args)["Statement"] == [
        {"Sid": "S1", "Effect": "Deny", "Action": "o:one"},
        {"Sid": "Shared", "Effect": "Allow", "Action": "c:shared"},
        {"Effect": "Allow", "Action": "s:blank"},
        {"Effect": "Allow", "Action": "c:first"},
        {"Sid": "O2", "Effect": "Allow", "Action": "o:two"},
    ]


def test_statement_blocks_override_source_with_same_sid():
    # TestAccIAMPolicyDocumentDataSource_sourceConflicting
    source = src({"Sid": "SourceJSONTestConflicting", "Effect": "Allow",
                  "Action": "iam:*", "Resource": "*"})
    args = doc(stmt(sid="SourceJSONTestConflicting", actions=["*"], resources=["*"]),
               source_policy_documents=[source])
    assert render_policy_document(args)["Statement"] == [
        {"Sid": "SourceJSONTestConflicting", "Effect": "Allow", "Action": "*", "Resource": "*"}]


def test_document_id_and_version_merge():
    # Merge(): a later non-empty Id wins; Version only moves up
    source = json.dumps({"Version": "2012-10-17", "Id": "from-source", "Statement": []})
    args = doc(version="2008-10-17", source_policy_documents=[source])
    assert render_policy_document(args) == {"Version": "2012-10-17", "Id": "from-source"}
    override = json.dumps({"Id": "from-override"})
    args = doc(policy_id="own", override_policy_documents=[override])
    assert render_policy_document(args)["Id"] == "from-override"


def test_source_statements_are_re_encoded_like_the_provider():
    source = json.dumps({"Statement": [{
        "effect": "Allow",                            # Go matches field names case-insensitively
        "Action": ["b:Two", "a:One"],                 # `any`: kept exactly as written
        "Resource": ["r"],
        "Principal": {"AWS": ["x"], "Service": "s"},  # a list stays a list; sorted descending
        "NotPrincipal": "anything",                   # any string principal means "*"
        "Condition": {"Bool": {"aws:SecureTransport": False},   # bool -> "false"
                      "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},  # dropped by Go
                      "StringLike": {"k": ["v"]}},    # one value renders as a string
        "Extra": "dropped",                           # not a struct field
    }]})
    (statement,) = render_policy_document(doc(source_policy_documents=[source]))["Statement"]
    assert statement == {
        "Effect": "Allow",
        "Action": ["b:Two", "a:One"],
        "Resource": ["r"],
        "Principal": {"AWS": ["x"], "Service": "s"},
        "NotPrincipal": "*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}, "StringLike": {"k": "v"}},
    }
    assert list(statement) == ["Effect", "Action", "Resource", "Principal", "NotPrincipal",
                               "Condition"]


def test_invalid_source_json_is_an_error():
    with pytest.raises(ValueError):
        render_policy_document(doc(source_policy_documents=["{not json"]))


# --- unknown values ----------------------------------------------------------------------


def test_refs_stay_leaves_and_survive_json():
    bucket = Ref(address="aws_s3_bucket.b", attribute="arn")
    role = Ref(address="aws_iam_role.r", attribute="arn")
    objects = Template((bucket, "/*"))
    args = doc(stmt(actions=["s3:GetObject"], resources=[objects, bucket, "arn:aws:s3:::z"],
                    principals=[{"type": "AWS", "identifiers": [role]}]))
    (statement,) = render_policy_document(args)["Statement"]
    # known strings sort first (descending); unknown ones follow in written order
    assert statement["Resource"] == ["arn:aws:s3:::z", objects, bucket]
    assert statement["Principal"] == {"AWS": role}

    text = render_policy_json(args)
    assert isinstance(text, Template)
    assert role in text.refs and bucket in text.refs
    back = decode_json(text)["Statement"][0]
    assert back["Principal"] == {"AWS": role}
    assert back["Resource"] == ["arn:aws:s3:::z", objects, bucket]


def test_unknown_collections_stay_unknown():
    actions = Unknown("var.actions")
    principals = Unknown("dynamic principals")
    args = doc(stmt(actions=actions, principals=principals,
                    condition=[{"test": "StringEquals", "variable": "k",
                                "values": Ref(address="var.v")}]))
    (statement,) = render_policy_document(args)["Statement"]
    assert statement["Action"] is actions
    assert statement["Principal"] is principals
    assert statement["Condition"] == {"StringEquals": {"k": Ref(address="var.v")}}


def test_unknown_principal_type_makes_principal_unknown():
    args = doc(stmt(actions=["*"], principals=[{"type": Ref(address="var.t"),
                                                "identifiers": ["a"]}]))
    assert isinstance(render_policy_document(args)["Statement"][0]["Principal"], Unknown)


def test_unknown_statements_make_the_document_unknown():
    assert isinstance(render_policy_document({"statement": Unknown("dynamic")}), Unknown)
    assert isinstance(render_policy_json({"statement": Unknown("dynamic")}), Unknown)
    assert isinstance(render_policy_document({"statement": [Unknown("x")]}), Unknown)


def test_unknown_source_document_keeps_known_statements():
    known = _sid_doc(("Known", "Allow", "s3:GetObject"))
    args = doc(stmt(actions=["ec2:*"]),
               source_policy_documents=[Ref(address="data.aws_iam_policy_document.other",
                                            attribute="json"), known])
    assert has_unknown_sources(args)
    assert render_policy_document(args)["Statement"] == [
        {"Sid": "Known", "Effect": "Allow", "Action": "s3:GetObject"},
        {"Effect": "Allow", "Action": "ec2:*"},
    ]
    assert not has_unknown_sources(doc(source_policy_documents=[known]))
    assert has_unknown_sources(doc(override_policy_documents=Unknown("list unknown")))


def test_source_document_with_unknown_leaves():
    role = Ref(address="aws_iam_role.r", attribute="arn")
    source = encode_json({"Statement": [{"Sid": "S", "Effect": "Allow", "Action": "sts:AssumeRole",
                                         "Principal": {"AWS": role}}]})
    assert isinstance(source, Template)
    args = doc(source_policy_documents=[source])
    assert not has_unknown_sources(args)
    assert render_policy_document(args)["Statement"] == [
        {"Sid": "S", "Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": role}}]


def test_source_string_principal_with_unknown_parts_is_still_everyone():
    # principal UnmarshalJSON maps every JSON string to {"*": ["*"]}, whatever its text
    source = Template(('{"Statement":[{"Effect":"Allow","Action":"s3:*","Principal":"arn:',
                       Ref(address="var.account"), '"}]}'))
    rendered = render_policy_document(doc(source_policy_documents=[source]))
    assert rendered["Statement"][0]["Principal"] == "*"


def test_source_template_that_is_not_json_counts_as_unknown():
    # an unknown part outside any string: the document's shape itself is unknown
    source = Template(('{"Statement":', Ref(address="local.statements"), "}"))
    args = doc(stmt(actions=["ec2:*"]), source_policy_documents=[source])
    assert has_unknown_sources(args)
    assert render_policy_document(args)["Statement"] == [{"Effect": "Allow", "Action": "ec2:*"}]
