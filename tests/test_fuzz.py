"""Property-based robustness tests (hypothesis, derandomized: the same examples every run).

Whatever the input, the loaders and engines never raise: what they cannot read becomes a
typed error naming the file. The fast paths of the AWS engine give the same answers as the
reference functions of aws_policy. Bounded: small example counts, no deadlines on wall time.
"""

from __future__ import annotations

import copy
import json
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sod_iac.access.aws import ANY, AwsAccess
from sod_iac.access.aws_escalation import EscalationFinder
from sod_iac.access.aws_policy import (
    fast_resource_match,
    parse_policy,
    resource_match,
    statement_action_match,
    statement_action_match_reference,
)
from sod_iac.cache.parsed import CacheError, decode
from sod_iac.core.model import LoadError, Project, Resource
from sod_iac.core.values import OneOf, Ref, SetValue, Template, Unknown
from sod_iac.load import load_project
from sod_iac.load.evaluate import BlockObject, Lazy, ModuleValue, ResourceValue, get_attr, index
from sod_iac.load.functions import FUNCTIONS, CallError, call_function
from sod_iac.load.plan import load_plan

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "plan"
FUZZ = settings(derandomize=True, deadline=None, max_examples=60, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(FUZZ, max_examples=25)

# --------------------------------------------------------------------------- JSON shapes

scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12))
policy_words = st.sampled_from([
    "Version", "Statement", "Effect", "Allow", "Deny", "Action", "NotAction", "Resource", "NotResource",
    "Principal", "NotPrincipal", "Condition", "Sid", "AWS", "Service", "Federated", "*", "s3:*",
    "iam:PassRole", "iam:*", "sts:AssumeRole", "arn:aws:iam::111122223333:role/x", "arn:aws:s3:::b/*",
    "StringEquals", "StringLike", "Bool", "aws:SourceIp", "aws:MultiFactorAuthPresent",
    "iam:PassedToService", "2012-10-17", "true", "${aws:username}", "ec2:Run?nstances",
])
json_values = st.recursive(
    st.one_of(scalars, policy_words),
    lambda inner: st.one_of(st.lists(inner, max_size=5),
                            st.dictionaries(st.one_of(policy_words, st.text(max_size=6)), inner, max_size=5)),
    max_leaves=40,
)


def statement_shapes() -> st.SearchStrategy[Any]:
    value = st.one_of(policy_words, st.lists(policy_words, max_size=4), json_values)
    statement = st.dictionaries(st.sampled_from(["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
                                                 "Principal", "NotPrincipal", "Condition"]), value, max_size=8)
    return st.one_of(
        json_values,
        st.fixed_dictionaries({"Version": st.one_of(st.just("2012-10-17"), json_values),
                               "Statement": st.one_of(statement, st.lists(statement, max_size=6), json_values)}),
    )


policies = statement_shapes()


# --------------------------------------------------------------------------- IAM policies


@FUZZ
@given(policies)
def test_policy_parser_never_raises(document):
    statements, problems = parse_policy(document)
    assert all(isinstance(p, str) for p in problems)
    parse_policy(json.dumps(document))  # the same as JSON text


def _project(policy: Any, trust: Any) -> Project:
    def text(doc: Any) -> str:
        return json.dumps(doc) if not isinstance(doc, str) else doc

    return Project(resources=[
        Resource(address="aws_iam_role.r", type="aws_iam_role", name="r",
                 values={"name": "r", "assume_role_policy": text(trust)}),
        Resource(address="aws_iam_role_policy.p", type="aws_iam_role_policy", name="p",
                 values={"role": "r", "policy": text(policy)}, references={"role": ["aws_iam_role.r"]}),
        Resource(address="aws_iam_user.u", type="aws_iam_user", name="u", values={"name": "u"}),
        Resource(address="aws_iam_user_policy.u", type="aws_iam_user_policy", name="u",
                 values={"user": "u", "policy": text(policy)}, references={"user": ["aws_iam_user.u"]}),
    ])


@SLOW
@given(policies, policies)
def test_aws_engine_never_raises_on_any_policy(policy, trust):
    aws = AwsAccess(_project(policy, trust))
    finder = EscalationFinder(aws)
    for principal in aws.principals():
        aws.can(principal.id, "iam:PassRole", ANY)
        aws.full_admin(principal.id)
        finder.held_paths(principal.id)


actions = st.one_of(policy_words, st.text(alphabet="abcIAMs3:*?-_é", max_size=14))


@FUZZ
@given(st.lists(actions, max_size=6), actions, st.booleans())
def test_fast_action_matching_agrees_with_the_reference(patterns, action, negated):
    statement = parse_policy({"Version": "2012-10-17", "Statement": {
        "Effect": "Allow", ("NotAction" if negated else "Action"): patterns, "Resource": "*"}})[0]
    for st_ in statement:
        assert statement_action_match(st_, action) == statement_action_match_reference(st_, action)


arn_text = st.lists(st.sampled_from(["a", "b", ":", "/", "*", "?", "$", "{", "}", "arn:aws:iam::", "role/",
                                     "${aws:username}", "${*}", "-"]), max_size=10).map("".join)


@FUZZ
@given(arn_text, arn_text, st.booleans())
def test_fast_resource_matching_agrees_with_the_reference(pattern, arn, variables):
    assert fast_resource_match(pattern, arn, variables) == resource_match(pattern, arn, variables=variables)


# --------------------------------------------------------------------------- plan loader


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, prefix + (k,)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, prefix + (i,)))
    return out


def _mutate(doc: Any, data: Any) -> Any:
    doc = copy.deepcopy(doc)
    for _ in range(data.draw(st.integers(1, 4))):
        paths = _paths(doc)
        path = paths[data.draw(st.integers(0, len(paths) - 1))]
        op = data.draw(st.sampled_from(["replace", "delete", "wrap", "stringify"]))
        if not path:
            doc = data.draw(json_values) if op == "replace" else [doc] if op == "wrap" else doc
            continue
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        key = path[-1]
        if op == "replace":
            parent[key] = data.draw(json_values)
        elif op == "delete":
            del parent[key]
        elif op == "wrap":
            parent[key] = [parent[key]]
        else:
            parent[key] = json.dumps(parent[key])
    return doc


PLANS = {p.name: json.loads(p.read_text()) for p in sorted(FIXTURES.glob("*.json"))}


@FUZZ
@given(st.sampled_from(sorted(PLANS)), st.data())
def test_plan_loader_never_raises_on_mutated_plans(name, data):
    plan = _mutate(PLANS[name], data)
    resources, variables, errors = load_plan(plan, "plans/plan.json")
    assert all(isinstance(e, LoadError) and e.path == "plans/plan.json" for e in errors)
    assert all(isinstance(r, Resource) for r in resources)


# --------------------------------------------------------------------------- expressions

names = st.sampled_from(["var.m", "var.l", "var.s", "var.n", "local.a", "local.b", "each.key", "each.value",
                         "count.index", "aws_iam_role.r.arn", "aws_iam_role.r", "self.x", "path.module",
                         "aws_iam_role.r.tags[var.missing]", "data.aws_s3_objects.o.keys[count.index]",
                         "module.m.out", "data.aws_iam_policy_document.d.json", "var.missing"])
literals = st.one_of(st.integers(-5, 300).map(str), st.sampled_from(["true", "false", "null", "1.5", "1e3"]),
                     st.text(alphabet="abc-:*/ ", max_size=6).map(lambda s: json.dumps(s)),
                     st.sampled_from(['"${var.s}-x"', '"a%{ if var.n > 1 }b%{ endif }"', '"${upper(var.s)}"']))
functions = st.sampled_from(["jsonencode", "jsondecode", "merge", "concat", "lookup", "element", "length",
                             "format", "join", "split", "upper", "try", "coalesce", "toset", "tolist", "keys",
                             "values", "flatten", "distinct", "contains", "replace", "substr", "range",
                             "zipmap", "base64encode", "cidrsubnet", "max", "min", "abs", "can", "file",
                             "templatefile", "regex", "nosuchfunction"])


def _compound(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(inner, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.lists(st.tuples(st.sampled_from(["a", "b", "Effect", '"k-1"']), inner), max_size=3).map(
            lambda kv: "{" + ", ".join(f"{k} = {v}" for k, v in kv) + "}"),
        st.tuples(functions, st.lists(inner, max_size=3), st.booleans()).map(
            lambda t: f"{t[0]}({', '.join(t[1])}{'...' if t[2] and t[1] else ''})"),
        st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||"]), inner).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"),
        inner.map(lambda x: f"!{x}"),
        inner.map(lambda x: f"-{x}"),
        st.tuples(inner, inner).map(lambda t: f"[for k, v in {t[0]} : {t[1]} if v != null]"),
        st.tuples(inner, inner).map(lambda t: f"{{for k, v in {t[0]} : k => {t[1]}...}}"),
        st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
        inner.map(lambda x: f"{x}[*].name"),
        inner.map(lambda x: f"{x}.attr"),
    )


expressions = st.recursive(st.one_of(names, literals), _compound, max_leaves=12)


@SLOW
@given(expressions, expressions)
def test_evaluator_never_raises(first, second):
    text = f'''
variable "m" {{
  default = {{ a = "x", b = ["y"] }}
}}
variable "l" {{
  default = ["p", "q"]
}}
variable "s" {{
  default = "s"
}}
variable "n" {{
  default = 2
}}
locals {{
  a = {first}
  b = local.a
}}
resource "aws_iam_role" "r" {{
  name               = "r"
  assume_role_policy = jsonencode({{ Statement = [{{ Effect = "Allow", Action = "sts:AssumeRole", Principal = {{ AWS = local.b }} }}] }})
}}
resource "aws_iam_role_policy" "p" {{
  for_each = toset(["one"])
  role     = aws_iam_role.r.id
  policy   = jsonencode({{ Statement = [{{ Effect = "Allow", Action = {second}, Resource = local.a }}] }})
}}
'''
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "main.tf").write_text(text, encoding="utf-8")
        project = load_project([tmp], jobs=1)
        assert all(isinstance(e, LoadError) and e.path == "main.tf" for e in project.errors)
        assert not [e for e in project.errors if "internal error" in e.message]  # caught, but a defect
        assert not project.warnings  # an expression we failed to evaluate: a defect too
        aws = AwsAccess(project)
        for principal in aws.principals():
            aws.can(principal.id, "iam:PassRole", ANY)


# --------------------------------------------------------------------------- functions and values

# What an argument can be once evaluated: unknowns of every kind, null, scalars (the awkward ones
# too: inf, nan, -0.0, a lone surrogate from an HCL `\\ud800` escape), strings that functions
# parse (formats, regexps, CIDRs, JSON, YAML, CSV, base64), collections and sets, nested mixes,
# and the evaluator's own objects (a resource, a module's outputs, a nested block).
_ROLE = ResourceValue("aws_iam_role.r", lambda: {"name": "r", "tags": {"a": Unknown("var.t")}})
unknowns = st.sampled_from([
    Unknown("var.x"), Ref(address="aws_iam_role.r", attribute="arn"), Ref(address="module.m"),
    CallError("lookup(): no key"), Template(("arn:aws:s3:::", Ref(address="aws_s3_bucket.b", attribute="id"), "/*")),
    Template((Unknown("var.y"),)),
    OneOf("depends on var.c", ("a", Ref(address="aws_iam_role.r", attribute="arn"))),
    OneOf("for over an unknown collection", ([], [Unknown("n of an unknown collection")])),
])
awkward_strings = st.sampled_from([
    "", "%s", "%d %v %q %#v %5.2f %%", "%[2]s", "^a(b)?$", "(?P<x>a)", "[", "\\p{Greek}", "10.0.0.0/8",
    "fd00::/8", "256.0.0.1/33", '{"a": [1, null, true]}', "{", "a: [1, 2]\nb: {c: d}", "- &x [*x]",
    "a,b\n1,2\n", "YQ==", "~/x", "../x", "true", "1e3", "-0", "\ud800", "${x}", "ab\u0301c",
])
awkward_numbers = st.sampled_from([0, -1, 1, 2.5, -0.0, 10**20, 1e300, float("inf"), float("-inf"), float("nan")])
argument_strings = st.one_of(awkward_strings, st.text(max_size=8))
leaves = st.one_of(awkward_strings, awkward_numbers, unknowns, st.none(), st.booleans(), st.text(max_size=6),
                   st.integers(-10**20, 10**20), st.floats(), st.sampled_from([
                       _ROLE, Lazy(lambda name: Ref(address="module.m", attribute=name), "module.m"),
                       ModuleValue(lambda name: Ref(address="module.m", attribute=name), "module.m",
                                   lambda: ["a"], collection=True),
                       BlockObject({"a": 1}, "aws_eks_cluster.c", "vpc_config[0]")]))
arguments = st.recursive(
    leaves,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.lists(inner, max_size=3).map(SetValue),
                            st.dictionaries(st.one_of(argument_strings, unknowns), inner, max_size=3)),
    max_leaves=8,
)
FUNCTION_FUZZ = settings(FUZZ, max_examples=15)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@FUNCTION_FUZZ
@given(args=st.lists(arguments, max_size=4))
def test_every_function_returns_whatever_the_arguments(name, args):
    """registry.py's contract: a value, an Unknown or a CallError; an exception is a defect
    (wrong arity included: 0 to 4 arguments, whatever the function takes)."""
    call_function(name, args)


AWKWARD = [None, True, False, 0, -1, 1, 2.5, -0.0, 10**20, 1e300, float("inf"), float("nan"), "", "a", "1",
           "true", "%s", "%[2]s", "[", "\\p{Greek}", "10.0.0.0/8", '{"a":1}', "a: [1]", "a,b\n1,2", "YQ==",
           "\ud800", Unknown("var.x"), Ref(address="aws_iam_role.r", attribute="arn"), CallError("lookup(): no key"),
           Template(("a-", Unknown("var.y"))), [], [1, "a"], ["a", Unknown("var.x")], [[1], ["a"]], SetValue(["a"]),
           {"a": 1}, {"k": Ref(address="aws_iam_role.r")}, {"a": [None, {"b": True}]}, _ROLE]


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_every_function_over_a_sweep_of_awkward_arguments(name):
    """Hypothesis explores shapes; this sweep makes sure every awkward value meets every function
    in every position of 0 to 3 arguments (seeded: the same calls every run)."""
    pick = random.Random(name).choice
    for count in range(4):
        for _ in range(60 if count else 1):
            call_function(name, [pick(AWKWARD) for _ in range(count)])


@FUZZ
@given(arguments, st.one_of(arguments, st.text(max_size=4)))
def test_index_and_attribute_of_any_value_never_raise(base, key):
    """`base[key]` and `base.key` over every kind of value: an unknown base or key (a Ref, the
    `count.index` of an unknown count) gives an unknown, never an exception."""
    index(base, key)
    if isinstance(key, str):
        get_attr(base, key)


# --------------------------------------------------------------------------- cache entries


@FUZZ
@given(json_values)
def test_cache_decoder_accepts_trees_or_raises_cache_error(data):
    for candidate in (data, {"body": data, "error": None, "error_line": None},
                      {"body": [data, []], "error": None, "error_line": None},
                      {"body": [[["a", data, 1, 1]], []], "error": None, "error_line": None}):
        try:
            decode(candidate, "x.tf")
        except CacheError:
            pass


# --------------------------------------------------------------------------- limits


def test_a_module_that_calls_itself_stops(write_tree):
    root = write_tree({"main.tf": 'module "again" {\n  source = "./"\n}\n'
                                  'resource "aws_iam_role" "r" {\n  name = "r"\n  assume_role_policy = "{}"\n}\n'})
    project = load_project([root], jobs=1)
    assert all(isinstance(e, LoadError) for e in project.errors)
    assert len(project.resources) < 64  # expansion is bounded, not endless


def test_modules_calling_each_other_stop(write_tree):
    root = write_tree({"a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
                       "b/main.tf": 'module "a" {\n  source = "../a"\n}\nvariable "x" {\n  default = 1\n}\n'})
    project = load_project([root / "a"], jobs=1, repo_root=root)
    assert all(isinstance(e, LoadError) for e in project.errors)


def test_a_policy_with_thousands_of_statements_and_actions(write_tree):
    statements = [{"Effect": "Allow", "Action": [f"s3:Get{i}Object{j}" for j in range(20)],
                   "Resource": f"arn:aws:s3:::bucket-{i}/*"} for i in range(2000)]
    statements.append({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"})
    root = write_tree({"main.tf": 'resource "aws_iam_user" "u" {\n  name = "u"\n}\n'
                                  'resource "aws_iam_user_policy" "p" {\n  user = aws_iam_user.u.name\n'
                                  f'  policy = {json.dumps(json.dumps({"Version": "2012-10-17", "Statement": statements}))}\n}}\n'})
    project = load_project([root], jobs=1)
    assert not project.errors
    aws = AwsAccess(project)
    assert aws.can("aws_iam_user.u", "iam:PassRole", ANY).held
    assert not aws.can("aws_iam_user.u", "s3:DeleteBucket", ANY).held
