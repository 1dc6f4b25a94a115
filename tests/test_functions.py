"""Terraform built-in functions over static values.

Expected values are Terraform's documented examples (developer.hashicorp.com/terraform/language/
functions/<name>) unless a comment says otherwise; the unknown-handling cases follow the rule
"unknown means possible": exact partial answers, otherwise Unknown, never a guess.
"""

from __future__ import annotations

import pytest

from sod_iac.core.values import Ref, Template, Unknown, is_known
from sod_iac.load.functions import FUNCTIONS, CallError, call_function

BUCKET_ARN = Ref("aws_s3_bucket.data.arn", "aws_s3_bucket.data", "arn")
ROLE_ARN = Ref("aws_iam_role.app.arn", "aws_iam_role.app", "arn")
VAR = Unknown("var.name")


def call(name: str, *args):
    return call_function(name, list(args))


def is_unknown(value) -> bool:
    return isinstance(value, Unknown) and not isinstance(value, CallError)


# --------------------------------------------------------------------------------------------
# Documented examples
# --------------------------------------------------------------------------------------------

DOC_EXAMPLES = [
    # numbers
    ("abs", (23,), 23),
    ("abs", (0,), 0),
    ("abs", (-12.4,), 12.4),
    ("ceil", (5,), 5),
    ("ceil", (5.1,), 6),
    ("floor", (5,), 5),
    ("floor", (4.9,), 4),
    ("min", (12, 54, 3), 3),
    ("max", (12, 54, 3), 54),
    ("sum", ([10, 13, 6, 4.5],), 33.5),
    ("signum", (-13,), -1),
    ("signum", (0,), 0),
    ("signum", (344,), 1),
    ("pow", (3, 2), 9),
    ("pow", (4, 0), 1),
    ("log", (50, 10), 1.6989700043360185),
    ("log", (16, 2), 4),
    ("parseint", ("100", 10), 100),
    ("parseint", ("FF", 16), 255),
    ("parseint", ("-10", 16), -16),
    ("parseint", ("1011111011101111", 2), 48879),
    ("parseint", ("aA", 62), 656),
    ("range", (3,), [0, 1, 2]),
    ("range", (1, 4), [1, 2, 3]),
    ("range", (1, 8, 2), [1, 3, 5, 7]),
    ("range", (1, 4, 0.5), [1, 1.5, 2, 2.5, 3, 3.5]),
    ("range", (4, 1), [4, 3, 2]),
    ("range", (10, 5, -2), [10, 8, 6]),
    # strings
    ("chomp", ("hello\n",), "hello"),
    ("chomp", ("hello\r\n",), "hello"),
    ("chomp", ("hello\n\n",), "hello"),
    ("trimspace", ("  hello\n\n",), "hello"),
    ("trim", ("?!hello?!", "!?"), "hello"),
    ("trim", ("foobar", "far"), "oob"),
    ("trim", ("   hello! world.!  ", "! "), "hello! world."),
    ("trimprefix", ("helloworld", "hello"), "world"),
    ("trimprefix", ("helloworld", "cat"), "helloworld"),
    ("trimsuffix", ("helloworld", "world"), "hello"),
    ("upper", ("hello",), "HELLO"),
    ("upper", ("алло!",), "АЛЛО!"),
    ("lower", ("HELLO",), "hello"),
    ("lower", ("АЛЛО!",), "алло!"),
    ("title", ("hello world",), "Hello World"),
    ("substr", ("hello world", 1, 4), "ello"),
    ("substr", ("🤔🤷", 0, 1), "🤔"),
    ("substr", ("hello world", -5, -1), "world"),
    ("startswith", ("hello world", "hello"), True),
    ("startswith", ("hello world", "world"), False),
    ("endswith", ("hello world", "world"), True),
    ("endswith", ("hello world", "hello"), False),
    ("strcontains", ("hello world", "wor"), True),
    ("strcontains", ("hello world", "wod"), False),
    ("strrev", ("hello",), "olleh"),
    ("strrev", ("a ☃",), "☃ a"),
    ("join", (", ", ["foo", "bar", "baz"]), "foo, bar, baz"),
    ("join", (", ", ["foo"]), "foo"),
    ("split", (",", "foo,bar,baz"), ["foo", "bar", "baz"]),
    ("split", (",", "foo"), ["foo"]),
    ("split", (",", ""), [""]),
    ("replace", ("1 + 2 + 3", "+", "-"), "1 - 2 - 3"),
    ("replace", ("hello world", "/w.*d/", "everybody"), "hello everybody"),
    ("format", ("Hello, %s!", "Ander"), "Hello, Ander!"),
    ("format", ("There are %d lights", 4), "There are 4 lights"),
    ("formatlist", ("Hello, %s!", ["Valentina", "Ander", "Olivia", "Sam"]),
     ["Hello, Valentina!", "Hello, Ander!", "Hello, Olivia!", "Hello, Sam!"]),
    ("formatlist", ("%s, %s!", "Salutations", ["Valentina", "Ander", "Olivia", "Sam"]),
     ["Salutations, Valentina!", "Salutations, Ander!",
      "Salutations, Olivia!", "Salutations, Sam!"]),
    ("regex", ("[a-z]+", "53453453.345345aaabbbccc23454"), "aaabbbccc"),
    ("regex", ("(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01"), ["2019", "02", "01"]),
    ("regex", ("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?",
               "https://terraform.io/docs/"),
     {"authority": "terraform.io", "scheme": "https"}),
    ("regexall", ("[a-z]+", "1234abcd5678efgh9"), ["abcd", "efgh"]),
    ("regexall", ("[a-z]+", "123456789"), []),
    ("urlencode", ("Hello World!",), "Hello+World%21"),
    ("urlencode", ("☃",), "%E2%98%83"),
    ("urlencode", ("terraform urlencode",), "terraform+urlencode"),
    # collections
    ("length", ([],), 0),
    ("length", (["a", "b"],), 2),
    ("length", ({"a": "b"},), 1),
    ("length", ("hello",), 5),
    ("length", ("👾🕹️",), 2),
    ("concat", (["a", ""], ["b", "c"]), ["a", "", "b", "c"]),
    ("concat", ([], [1, "a"], [[3], "c"]), [1, "a", [3], "c"]),
    ("merge", ({"a": "b", "c": "d"}, {"e": "f", "c": "z"}), {"a": "b", "c": "z", "e": "f"}),
    ("merge", ({"a": "b"}, {"a": [1, 2], "c": "z"}, {"d": 3}), {"a": [1, 2], "c": "z", "d": 3}),
    ("merge", ({"a": "b", "c": "d"}, {}, {"e": "f", "c": "z"}), {"a": "b", "c": "z", "e": "f"}),
    ("lookup", ({"a": "ay", "b": "bee"}, "a", "what?"), "ay"),
    ("lookup", ({"a": "ay", "b": "bee"}, "c", "what?"), "what?"),
    ("keys", ({"a": 1, "c": 2, "d": 3},), ["a", "c", "d"]),
    ("values", ({"a": 3, "c": 2, "d": 1},), [3, 2, 1]),
    ("element", (["a", "b", "c"], 1), "b"),
    ("element", (["a", "b", "c"], 3), "a"),
    ("element", (["a", "b", "c"], 2), "c"),
    ("index", (["a", "b", "c"], "b"), 1),
    ("contains", (["a", "b", "c"], "a"), True),
    ("contains", (["a", "b", "c"], "d"), False),
    ("coalesce", ("a", "b"), "a"),
    ("coalesce", ("", "b"), "b"),
    ("coalesce", (1, 2), 1),
    ("coalesce", (1, "hello"), "1"),
    ("coalesce", (True, "hello"), "true"),
    ("coalescelist", (["a", "b"], ["c", "d"]), ["a", "b"]),
    ("coalescelist", ([], ["c", "d"]), ["c", "d"]),
    ("compact", (["a", "", "b", None, "c"],), ["a", "b", "c"]),
    ("distinct", (["a", "b", "a", "c", "d", "b"],), ["a", "b", "c", "d"]),
    ("flatten", ([["a", "b"], [], ["c"]],), ["a", "b", "c"]),
    ("flatten", ([[["a", "b"], []], ["c"]],), ["a", "b", "c"]),
    ("zipmap", (["a", "b"], [1, 2]), {"a": 1, "b": 2}),
    ("reverse", ([1, 2, 3],), [3, 2, 1]),
    ("sort", (["e", "d", "a", "x"],), ["a", "d", "e", "x"]),
    ("slice", (["a", "b", "c", "d"], 1, 3), ["b", "c"]),
    ("one", ([],), None),
    ("one", (["hello"],), "hello"),
    ("chunklist", (["a", "b", "c", "d", "e"], 2), [["a", "b"], ["c", "d"], ["e"]]),
    ("chunklist", (["a", "b", "c", "d", "e"], 1), [["a"], ["b"], ["c"], ["d"], ["e"]]),
    ("matchkeys", (["i-123", "i-abc", "i-def"], ["us-west", "us-east", "us-east"], ["us-east"]),
     ["i-abc", "i-def"]),
    ("transpose", ({"a": ["1", "2"], "b": ["2", "3"]},), {"1": ["a"], "2": ["a", "b"], "3": ["b"]}),
    ("alltrue", (["true", True],), True),
    ("alltrue", ([True, False],), False),
    ("anytrue", (["true"],), True),
    ("anytrue", ([True],), True),
    ("anytrue", ([True, False],), True),
    ("anytrue", ([],), False),
    # sets: results are sorted lists (the docs print them unordered)
    ("toset", (["a", "b", "c"],), ["a", "b", "c"]),
    ("toset", (["a", "b", 3],), ["3", "a", "b"]),
    ("toset", (["c", "b", "b"],), ["b", "c"]),
    ("setunion", (["a", "b"], ["b", "c"], ["d"]), ["a", "b", "c", "d"]),
    ("setintersection", (["a", "b"], ["b", "c"], ["b", "d"]), ["b"]),
    ("setintersection", ([3, 3.3, 4], [4, 3.3, 65, 99], [4.0, 3.3]), [3.3, 4]),
    ("setintersection", (["bob", "jane", 3], ["jane", 3, "ajax", 10], ["3", "jane", 26, "nomad"]),
     ["3", "jane"]),
    ("setsubtract", (["a", "b", "c"], ["a", "c"]), ["b"]),
    ("setproduct", (["development", "staging", "production"], ["app1", "app2"]),
     [["development", "app1"], ["development", "app2"], ["staging", "app1"],
      ["staging", "app2"], ["production", "app1"], ["production", "app2"]]),
    ("setproduct", (["development", "staging", "production"], []), []),
    ("setproduct", (["a"], ["b"]), [["a", "b"]]),
    ("setproduct", (["staging", "production"], ["a", 2]),
     [["staging", "a"], ["staging", "2"], ["production", "a"], ["production", "2"]]),
    # conversions
    ("tolist", (["a", "b", "c"],), ["a", "b", "c"]),
    ("tolist", (["a", "b", 3],), ["a", "b", "3"]),
    ("tomap", ({"a": 1, "b": 2},), {"a": 1, "b": 2}),
    ("tomap", ({"a": "foo", "b": True},), {"a": "foo", "b": "true"}),
    ("tostring", ("hello",), "hello"),
    ("tostring", (1,), "1"),
    ("tostring", (True,), "true"),
    ("tostring", (None,), None),
    ("tonumber", (1,), 1),
    ("tonumber", ("1",), 1),
    ("tonumber", (None,), None),
    ("tobool", (True,), True),
    ("tobool", ("true",), True),
    ("tobool", (None,), None),
    # encodings, hashes, ids
    ("jsonencode", ({"hello": "world"},), '{"hello":"world"}'),
    ("jsondecode", ('{"hello": "world"}',), {"hello": "world"}),
    ("jsondecode", ("true",), True),
    ("yamldecode", ("hello: world",), {"hello": "world"}),
    ("yamldecode", ("true",), True),
    ("yamldecode", ("{a: &foo [1, 2, 3], b: *foo}",), {"a": [1, 2, 3], "b": [1, 2, 3]}),
    ("csvdecode", ("a,b,c\n1,2,3\n4,5,6",),
     [{"a": "1", "b": "2", "c": "3"}, {"a": "4", "b": "5", "c": "6"}]),
    ("base64encode", ("Hello World",), "SGVsbG8gV29ybGQ="),
    ("base64decode", ("SGVsbG8gV29ybGQ=",), "Hello World"),
    ("md5", ("hello world",), "5eb63bbbe01eeed093cb22bb8f5acdc3"),
    ("sha1", ("hello world",), "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"),
    ("sha256", ("hello world",),
     "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"),
    ("sha512", ("hello world",),
     "309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f"
     "989dd35bc5ff499670da34255b45b0cfd830e81f605dcf7dc5542e93ae9cd76f"),
    ("base64sha256", ("hello world",), "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="),
    ("base64sha512", ("hello world",),
     "MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw=="),
    ("uuidv5", ("dns", "www.terraform.io"), "a5008fae-b28c-5ba5-96cd-82b4c53552d6"),
    ("uuidv5", ("url", "https://www.terraform.io/"), "9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5"),
    ("uuidv5", ("oid", "1.3.6.1.4"), "af9d40a5-7a36-5c07-b23a-851cd99fbfa5"),
    ("uuidv5", ("x500", "CN=Example,C=GB"), "84e09961-4aa4-57f8-95b7-03edb1073253"),
    ("uuidv5", ("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.terraform.io"),
     "a5008fae-b28c-5ba5-96cd-82b4c53552d6"),
    ("uuidv5", ("743ac3c0-3bf7-4a5b-9e6c-59360447c757", "LIBS:diskfont.library"),
     "ede1a974-df7e-5f17-84b9-76208818b2c8"),
    # paths and networks
    ("dirname", ("foo/bar/baz.txt",), "foo/bar"),
    ("basename", ("foo/bar/baz.txt",), "baz.txt"),
    ("pathexpand", ("/etc/resolv.conf",), "/etc/resolv.conf"),
    ("cidrsubnet", ("172.16.0.0/12", 4, 2), "172.18.0.0/16"),
    ("cidrsubnet", ("10.1.2.0/24", 4, 15), "10.1.2.240/28"),
    ("cidrsubnet", ("fd00:fd12:3456:7890::/56", 16, 162), "fd00:fd12:3456:7800:a200::/72"),
    ("cidrhost", ("10.12.112.0/20", 16), "10.12.112.16"),
    ("cidrhost", ("10.12.112.0/20", 268), "10.12.113.12"),
    ("cidrhost", ("fd00:fd12:3456:7890:00a2::/72", 34), "fd00:fd12:3456:7890::22"),
    ("cidrhost", ("10.0.0.0/8", 2), "10.0.0.2"),
    ("cidrhost", ("10.0.0.0/8", -2), "10.255.255.254"),
    ("cidrhost", ("10.1.2.240/28", 1), "10.1.2.241"),
    ("cidrhost", ("10.1.2.240/28", 14), "10.1.2.254"),
    ("cidrnetmask", ("172.16.0.0/12",), "255.240.0.0"),
]


@pytest.mark.parametrize(("name", "args", "expected"), DOC_EXAMPLES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(DOC_EXAMPLES)])
def test_documented_example(name, args, expected):
    result = call(name, *args)
    assert result == expected
    assert type(result) is type(expected)  # 4, not 4.0; "1", not 1


def test_nested_documented_examples():
    # min([12, 54, 3]...) and coalesce(["", "b"]...) spread a list into arguments.
    assert call("min", *[12, 54, 3]) == 3
    assert call("coalesce", *["", "b"]) == "b"
    assert call("coalescelist", *[[], ["c", "d"]]) == ["c", "d"]
    assert call("element", ["a", "b", "c"], call("length", ["a", "b", "c"]) - 1) == "c"
    assert call("length", call("regexall", "[a-z]+", "1234abcd5678efgh9")) == 2
    assert call("ceil", call("log", 15, 2)) == 4
    assert call("ceil", call("log", 17, 2)) == 5
    assert call("one", call("toset", ["hello"])) == "hello"
    assert call("setunion", call("setsubtract", ["a", "b", "c"], ["a", "c", "d"]),
                call("setsubtract", ["a", "c", "d"], ["a", "b", "c"])) == ["b", "d"]
    names = {"foo": 2, "bar": 4}
    expanded = {name: [call("format", "%s%02d", name, i) for i in call("range", count)]
                for name, count in names.items()}
    assert expanded == {"foo": ["foo00", "foo01"], "bar": ["bar00", "bar01", "bar02", "bar03"]}


DOC_ERRORS = [
    ("regex", ("[a-z]+", "53453453.34534523454")),
    ("one", (["hello", "goodbye"],)),
    ("tostring", ([],)),
    ("tonumber", ("no",)),
    ("tobool", ("no",)),
    ("tobool", (1,)),
    ("coalesce", ({}, "hello")),
    ("parseint", ("12", 2)),
    ("yamldecode", ("{a: &foo [1, *foo, 3]}",)),
    ("yamldecode", ("{a: !not-supported foo}",)),
    ("index", (["a", "b", "c"], "d")),
    ("element", ([], 0)),
    ("element", (["a"], -1)),
    ("slice", (["a", "b"], 1, 3)),
    ("lookup", ({"a": "ay"}, "c")),
    ("sum", ([],)),
    ("cidrnetmask", ("fd00::/8",)),
    ("cidrsubnet", ("10.1.2.0/24", 4, 16)),
    ("jsondecode", ("{not json",)),
    ("base64decode", ("not base64!",)),
    ("range", (1, 2, 0)),
    ("format", ("%d", "x")),
    ("format", ("%s",)),
    ("format", ("%s", "a", "b")),
    ("merge", (["a"],)),
    ("zipmap", (["a"], [1, 2])),
]


@pytest.mark.parametrize(("name", "args"), DOC_ERRORS,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(DOC_ERRORS)])
def test_terraform_errors_are_call_errors(name, args):
    result = call(name, *args)
    assert isinstance(result, CallError)
    assert isinstance(result, Unknown)  # still reads as "possible" to consumers
    assert result.reason.startswith(f"{name}(): ")


# --------------------------------------------------------------------------------------------
# Dispatch
# --------------------------------------------------------------------------------------------


def test_unknown_function_name():
    assert call("nosuchfunction", 1) == Unknown("nosuchfunction()")


def test_wrong_arity_is_a_call_error():
    assert call("upper") == CallError("upper(): expected 1 argument, got 0")
    assert call("lookup", {"a": 1}) == CallError("lookup(): expected 2 to 3 arguments, got 1")
    assert call("concat") == CallError("concat(): at least one argument is required")


def test_wrong_type_is_a_call_error():
    assert isinstance(call("upper", ["a"]), CallError)
    assert isinstance(call("length", 5), CallError)
    assert isinstance(call("keys", ["a"]), CallError)
    assert isinstance(call("concat", ["a"], "b"), CallError)


def test_call_error_argument_passes_through():
    failed = call("lookup", {"a": 1}, "missing")
    assert call("upper", failed) is failed
    assert call("concat", [failed], ["b"]) is failed  # the whole expression fails in Terraform


def test_functions_table_never_raises():
    for function in FUNCTIONS.values():
        for args in ((), (None,), (VAR,), ([1, {"a": VAR}],), ("x", 1, None, [], {})):
            function(*args)  # must return, whatever the arguments


def test_not_static_functions_are_unknown():
    assert call("uuid") == Unknown("uuid()")
    assert call("timestamp") == Unknown("timestamp()")
    assert call("templatestring", "${x}", {"x": 1}) == Unknown("templatestring()")


def test_evaluator_level_functions_are_not_here():
    for name in ("can", "try", "file", "templatefile"):
        assert name not in FUNCTIONS


# --------------------------------------------------------------------------------------------
# Unknown handling: exact partial answers
# --------------------------------------------------------------------------------------------


def test_format_keeps_a_ref_as_template_part():
    result = call("format", "arn:aws:s3:::%s/*", BUCKET_ARN)
    assert result == Template(("arn:aws:s3:::", BUCKET_ARN, "/*"))


def test_format_of_a_lone_ref_is_the_ref():
    assert call("format", "%s", ROLE_ARN) == ROLE_ARN


def test_format_with_width_on_unknown_is_an_unknown_part():
    result = call("format", "x-%5s", VAR)
    assert isinstance(result, Template)
    assert result.parts[0] == "x-"
    assert isinstance(result.parts[1], Unknown)


def test_format_json_verbs_keep_refs():
    assert call("format", "%q", ROLE_ARN) == Template(('"', ROLE_ARN, '"'))
    assert call("format", "%v", {"r": ROLE_ARN}) == Template(('{"r":"', ROLE_ARN, '"}'))


def test_formatlist_over_list_with_refs():
    result = call("formatlist", "%s/*", ["arn:aws:s3:::a", BUCKET_ARN])
    assert result == ["arn:aws:s3:::a/*", Template((BUCKET_ARN, "/*"))]


def test_formatlist_with_unknown_list_is_unknown():
    assert is_unknown(call("formatlist", "%s", VAR))


def test_join_with_refs_builds_a_template():
    result = call("join", ",", ["a", BUCKET_ARN, "b"])
    assert result == Template(("a,", BUCKET_ARN, ",b"))


def test_join_of_unknown_list_is_unknown():
    assert is_unknown(call("join", ",", VAR))


def test_concat_keeps_unknown_items_but_not_unknown_lists():
    assert call("concat", ["a"], [ROLE_ARN]) == ["a", ROLE_ARN]
    assert is_unknown(call("concat", ["a"], VAR))


def test_merge_known_maps_with_unknown_values():
    assert call("merge", {"a": VAR}, {"b": 1}) == {"a": VAR, "b": 1}
    assert is_unknown(call("merge", {"a": 1}, VAR))


def test_merge_is_shallow():
    assert call("merge", {"a": {"x": 1}}, {"a": {"y": 2}}) == {"a": {"y": 2}}


def test_merge_skips_null():
    assert call("merge", {"a": 1}, None) == {"a": 1}


def test_lookup_with_unknowns():
    assert call("lookup", {"a": ROLE_ARN}, "a") == ROLE_ARN
    assert is_unknown(call("lookup", VAR, "a", "d"))
    assert is_unknown(call("lookup", {"a": 1}, VAR, "d"))


def test_length_of_list_with_unknown_items_is_known():
    assert call("length", [VAR, ROLE_ARN, "a"]) == 3
    assert call("length", {"a": VAR}) == 1
    assert is_unknown(call("length", VAR))
    assert is_unknown(call("length", Template(("a", VAR))))


def test_contains_with_unknown_items():
    assert call("contains", [VAR, "a"], "a") is True
    assert is_unknown(call("contains", [VAR, "a"], "b"))
    assert is_unknown(call("contains", ["a"], VAR))
    assert call("contains", [], VAR) is False
    # a template whose known text rules out the value is not a match
    assert call("contains", [Template(("arn:", VAR))], "xyz") is False
    assert is_unknown(call("contains", [Template(("arn:", VAR))], "arn:aws"))


def test_index_with_unknown_items():
    assert call("index", ["a", VAR], "a") == 0
    assert is_unknown(call("index", [VAR, "a"], "a"))


def test_keys_and_values_with_unknown_values():
    assert call("keys", {"b": VAR, "a": 1}) == ["a", "b"]
    assert call("values", {"b": VAR, "a": 1}) == [1, VAR]
    assert is_unknown(call("keys", VAR))


def test_jsonencode_keeps_refs_and_sorts_keys():
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{BUCKET_ARN}"}],
    }
    policy["Statement"][0]["Resource"] = call("format", "%s/*", BUCKET_ARN)
    result = call("jsonencode", policy)
    assert result == Template((
        '{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"',
        BUCKET_ARN,
        '/*"}],"Version":"2012-10-17"}',
    ))


def test_jsonencode_escapes_html_characters_like_terraform():
    # jsonencode docs: <, >, & are written as \u003c, \u003e, \u0026.
    assert call("jsonencode", "a<b>&c") == '"a\\u003cb\\u003e\\u0026c"'


def test_jsonencode_numbers():
    assert call("jsonencode", [1, 1.0, 1.5]) == "[1,1,1.5]"


def test_jsondecode_round_trips_refs():
    encoded = call("jsonencode", {"Resource": ROLE_ARN})
    assert call("jsondecode", encoded) == {"Resource": ROLE_ARN}


def test_jsondecode_of_unknown_is_unknown():
    assert is_unknown(call("jsondecode", ROLE_ARN))
    assert is_unknown(call("jsondecode", Template(("{", VAR))))  # the unknown may complete it


def test_string_functions_of_templates():
    template = Template(("arn:aws:iam::", VAR, ":role/app"))
    assert is_unknown(call("upper", template))
    assert is_unknown(call("lower", template))
    assert is_unknown(call("replace", template, "a", "b"))
    assert is_unknown(call("split", ":", template))
    assert call("startswith", template, "arn:aws:") is True
    assert call("startswith", template, "arn:aws:iam::123") is not True
    assert call("startswith", template, "xyz") is False
    assert call("endswith", template, "/app") is True
    assert call("strcontains", template, "iam") is True
    assert is_unknown(call("strcontains", template, "123"))
    assert call("trimprefix", template, "arn:") == Template(("aws:iam::", VAR, ":role/app"))
    assert call("trimsuffix", template, "/app") == Template(("arn:aws:iam::", VAR, ":role"))
    assert call("basename", Template((VAR, "/policy.json"))) == "policy.json"


def test_coalesce_with_unknowns():
    assert call("coalesce", "a", VAR) == "a"
    assert is_unknown(call("coalesce", VAR, "a"))  # it might be null or ""
    assert call("coalesce", Template(("x", VAR)), "a") == Template(("x", VAR))


def test_compact_with_unknowns():
    assert call("compact", ["a", "", Template(("x", VAR))]) == ["a", Template(("x", VAR))]
    assert is_unknown(call("compact", ["a", VAR]))  # VAR might be ""


def test_distinct_is_exact_or_unknown():
    assert call("distinct", [ROLE_ARN, "b", ROLE_ARN]) != [ROLE_ARN, "b"]  # the ref might be "b"
    assert is_unknown(call("distinct", [ROLE_ARN, "b", ROLE_ARN]))
    assert call("distinct", [ROLE_ARN, ROLE_ARN]) == [ROLE_ARN]  # one attribute, one value
    assert call("distinct", [Template(("x", VAR)), "y"]) == [Template(("x", VAR)), "y"]
    assert is_unknown(call("distinct", [VAR, "a"]))


def test_flatten_with_unknowns():
    assert call("flatten", [["a"], [Template(("x", VAR))]]) == ["a", Template(("x", VAR))]
    assert is_unknown(call("flatten", [["a"], VAR]))  # VAR might be a list
    assert is_unknown(call("flatten", [["a"], [ROLE_ARN]]))  # so might a nested ref


def test_sort_with_unknown_is_unknown():
    assert is_unknown(call("sort", ["b", VAR]))


def test_sets_with_unknowns():
    # Every listed member is possible; unknown members come after the sorted known ones.
    assert call("toset", ["b", ROLE_ARN, "a", ROLE_ARN]) == ["a", "b", ROLE_ARN]
    assert call("setunion", ["a"], [ROLE_ARN]) == ["a", ROLE_ARN]
    assert call("setintersection", ["a", "b"], ["a", VAR]) != ["a"]
    assert is_unknown(call("setintersection", ["a", "b"], ["a", VAR]))
    assert call("setsubtract", ["a", "b"], [Template(("x", VAR))]) == ["a", "b"]
    assert is_unknown(call("setsubtract", ["a", "b"], [VAR]))


def test_conversions_keep_unknowns():
    assert call("tostring", ROLE_ARN) == ROLE_ARN
    assert call("tolist", VAR) == VAR
    assert call("toset", VAR) == VAR
    assert call("tomap", VAR) == VAR
    assert call("tolist", ["a", ROLE_ARN]) == ["a", ROLE_ARN]


def test_element_and_one_of_unknown_list():
    assert is_unknown(call("element", VAR, 0))
    assert call("element", ["a", ROLE_ARN], 1) == ROLE_ARN
    assert is_unknown(call("one", VAR))


def test_alltrue_anytrue_with_unknowns():
    assert call("alltrue", [False, VAR]) is False
    assert is_unknown(call("alltrue", [True, VAR]))
    assert call("anytrue", [True, VAR]) is True
    assert is_unknown(call("anytrue", [False, VAR]))


def test_identity_functions():
    assert call("sensitive", ROLE_ARN) == ROLE_ARN
    assert call("nonsensitive", {"a": 1}) == {"a": 1}


def test_unknown_results_name_their_cause():
    assert call("upper", ROLE_ARN) == Unknown("upper(aws_iam_role.app.arn)")
    assert call("lower", VAR) == Unknown("lower(var.name)")


def test_never_an_empty_string_for_unknown():
    for name in ("upper", "lower", "trimspace", "chomp", "md5", "base64encode", "urlencode"):
        result = call(name, VAR)
        assert result != "" and not is_known(result)


# --------------------------------------------------------------------------------------------
# Details of Terraform semantics not covered by the doc examples
# --------------------------------------------------------------------------------------------


def test_format_verbs():
    assert call("format", "%%") == "%"
    assert call("format", "%5s|%-5s|%.2s", "ab", "cd", "xyz") == "   ab|cd   |xy"
    assert call("format", "%03d|%x|%X|%o|%b|%+d", 7, 255, 255, 8, 5, 3) == "007|ff|FF|10|101|+3"
    assert call("format", "%.2f|%t|%q", 3.14159, True, "hi") == '3.14|true|"hi"'
    assert call("format", "%v|%v|%v|%#v", "s", 1.5, None, "s") == 's|1.5|null|"s"'
    assert call("format", "%#v", {"b": [1], "a": True}) == '{"a":true,"b":[1]}'
    assert call("format", "%[2]s %[1]s", "world", "hello") == "hello world"
    assert isinstance(call("format", "%d", 1.5), CallError)
    assert isinstance(call("format", "%y", 1), CallError)


def test_regex_translation_from_re2():
    # RE2 classes are ASCII-only; `$` means end of text; POSIX classes; named groups (?<n>).
    assert call("regexall", "\\d+", "12٣4") == ["12", "4"]
    assert isinstance(call("regex", "^a$", "a\n"), CallError)
    assert call("regex", "[[:alpha:]]+", "12abc3") == "abc"
    assert call("regex", "(?<year>\\d{4})", "in 2024") == {"year": "2024"}
    assert call("regex", "a(?i)b|c", "C") == "C"  # flags reach across `|` in the group
    assert call("regex", "(?i)ABC", "xabcx") == "abc"
    assert call("regexall", "\\bfoo\\b", "foo foobar foo") == ["foo", "foo"]
    assert isinstance(call("regex", "(a)(?P<b>b)", "ab"), CallError)  # mixed capture groups
    assert isinstance(call("regex", "a(?=b)", "ab"), CallError)  # no lookahead in RE2
    assert is_unknown(call("regex", "\\p{Greek}", "α"))  # valid RE2 we do not model


def test_replace_with_regex_groups():
    assert call("replace", "hello world", "/(o)/", "[$1]") == "hell[o] w[o]rld"
    assert call("replace", "key=value", "/(?P<k>\\w+)=(?P<v>\\w+)/", "${v}=${k}") == "value=key"
    assert call("replace", "abc", "/x*/", "-") == "-a-b-c-"
    assert call("replace", "a/b", "/", "-") == "a-b"  # a lone "/" is not a pattern


def test_numbers_convert_like_terraform():
    assert call("tostring", 1.5) == "1.5"
    assert call("tostring", 2.0) == "2"
    assert call("join", ",", [1, True, "x"]) == "1,true,x"
    assert call("sort", [10, 9]) == ["10", "9"]
    assert call("tonumber", "1.25") == 1.25


def test_substr_edges():
    assert call("substr", "hello", 10, 2) == ""
    assert call("substr", "hello", 1, 0) == ""
    assert call("substr", "hello", 1, 100) == "ello"


def test_paths():
    assert call("dirname", "") == "."
    assert call("dirname", "/a/b/") == "/a/b"
    assert call("basename", "") == "."
    assert call("basename", "/a/b/") == "b"
    assert call("abspath", "/a/./b/../c") == "/a/c"
    assert is_unknown(call("abspath", "relative/path"))
    assert is_unknown(call("pathexpand", "~/.ssh/id_rsa"))


def test_cidr_leading_zero_octets_are_decimal():
    assert call("cidrsubnet", "010.001.0.0/16", 8, 1) == "10.1.1.0/24"


def test_yamldecode_scalars_like_go_cty_yaml():
    assert call("yamldecode", "a: yes\nb: 0x1F\nc: 1e3\nd: 2001-12-14\n1: n") == {
        "a": True, "b": "0x1F", "c": 1000, "d": "2001-12-14T00:00:00Z", "1": False,
    }
