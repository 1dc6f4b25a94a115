"""The plan loader: `terraform show -json` output -> Resources of the planned future state.

Expected values are written from Terraform's documented plan semantics (JSON Output Format):
planned_values omit deleted objects and unknown values, after_unknown/after_sensitive mark
unknown and sensitive leaves, configuration references are module-relative.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sod_iac.core.model import Location
from sod_iac.core.values import Ref, Unknown
from sod_iac.load.plan import MAX_DEPTH, is_plan, load_plan

FIXTURES = Path(__file__).parent / "fixtures" / "plan"
AFTER_APPLY = Unknown("known after apply")


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def load(data: dict, locate=None):
    return load_plan(data, "plan.json", locate)


def by_address(resources):
    return {r.address: r for r in resources}


@pytest.fixture(scope="module")
def v12():
    resources, variables, errors = load(fixture("v1_2_modules.json"))
    assert errors == []
    return by_address(resources), {v.name: v for v in variables}


def plan_with(resources: list[dict], changes: list[dict] | None = None, config: list[dict] | None = None) -> dict:
    """A minimal format 1.2 plan with root-module resources, their changes and configuration."""
    return {
        "format_version": "1.2",
        "planned_values": {"root_module": {"resources": resources}},
        "resource_changes": changes or [],
        "configuration": {"root_module": {"resources": config or []}},
    }


def res(address: str, values: dict, **extra) -> dict:
    rtype, name = address.split("[")[0].split(".")[-2:]
    return {"address": address, "mode": "managed", "type": rtype, "name": name, "values": values, **extra}


def change(address: str, actions: list[str], after: dict | None, **marks) -> dict:
    rtype, name = address.split("[")[0].split(".")[-2:]
    return {"address": address, "mode": "managed", "type": rtype, "name": name,
            "change": {"actions": actions, "before": None, "after": after, **marks}}


def conf(address: str, expressions: dict) -> dict:
    rtype, name = address.split(".")
    return {"address": address, "mode": "managed", "type": rtype, "name": name, "expressions": expressions}


# --- detection ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["v1_2_modules.json", "v0_1_basic.json"])
def test_fixtures_are_plans(name):
    assert is_plan(fixture(name))


@pytest.mark.parametrize("data", [
    {"format_version": "1.2", "planned_values": {}},
    {"format_version": "0.1", "resource_changes": []},
    {"format_version": "1.0", "prior_state": {}},
    {"format_version": "1.1", "configuration": {}},
])
def test_detects_plan_by_content(data):
    assert is_plan(data)


@pytest.mark.parametrize("data", [
    {"format_version": "1.0", "terraform_version": "1.5.7", "values": {"root_module": {}}},  # show -json of a state
    {"version": 4, "terraform_version": "1.5.7", "resources": []},  # a raw terraform.tfstate
    {"planned_values": {}, "resource_changes": []},  # no format_version
    {"format_version": "1.2"},
    [{"format_version": "1.2", "planned_values": {}}],
    "plan.json",
    None,
])
def test_rejects_non_plans(data):
    assert not is_plan(data)


# --- addresses, modules, indices ----------------------------------------------------------


def test_future_state_addresses(v12):
    resources, _ = v12
    assert set(resources) == {
        "aws_iam_policy.boundary",
        'aws_iam_role.env["prod"]',
        'aws_iam_role.env["staging"]',
        "aws_iam_user.dev[0]",
        "aws_iam_user.dev[1]",
        "aws_secretsmanager_secret.db",
        "aws_secretsmanager_secret_version.db",
        "data.aws_caller_identity.current",
        "module.net.aws_iam_role.app",
        "module.net.aws_iam_role_policy.app",
        "module.net.aws_s3_bucket.logs",
        "module.net.data.aws_iam_policy_document.app",
        "module.net.module.audit[0].aws_iam_role.auditor",
        "module.net.module.audit[0].data.aws_iam_policy_document.trust",
    }
    assert all(r.source == "plan" and r.location is None for r in resources.values())


@pytest.mark.parametrize("address, module, rtype, name, mode, index", [
    ("aws_iam_policy.boundary", "", "aws_iam_policy", "boundary", "managed", None),
    ("aws_iam_user.dev[1]", "", "aws_iam_user", "dev", "managed", 1),
    ('aws_iam_role.env["staging"]', "", "aws_iam_role", "env", "managed", "staging"),
    ("data.aws_caller_identity.current", "", "aws_caller_identity", "current", "data", None),
    ("module.net.aws_iam_role.app", "module.net", "aws_iam_role", "app", "managed", None),
    ("module.net.data.aws_iam_policy_document.app", "module.net", "aws_iam_policy_document", "app", "data", None),
    ("module.net.module.audit[0].aws_iam_role.auditor", "module.net.module.audit[0]", "aws_iam_role", "auditor",
     "managed", None),
])
def test_resource_fields(v12, address, module, rtype, name, mode, index):
    r = v12[0][address]
    assert (r.module, r.type, r.name, r.mode, r.index) == (module, rtype, name, mode, index)


def test_string_keys_with_dots_and_quotes_in_module_and_resource_addresses():
    address = 'module.team["a.b"].aws_iam_role.x["say \\"hi\\""]'
    data = {
        "format_version": "1.2",
        "planned_values": {"root_module": {"child_modules": [{
            "address": 'module.team["a.b"]',
            "resources": [{"address": address, "mode": "managed", "type": "aws_iam_role", "name": "x",
                           "index": 'say "hi"', "values": {"name": "x"}}],
        }]}},
    }
    resources, _, errors = load(data)
    assert errors == []
    [r] = resources
    assert (r.address, r.module, r.index, r.name) == (address, 'module.team["a.b"]', 'say "hi"', "x")


# --- which objects are part of the future state -------------------------------------------


def test_delete_is_dropped_even_though_in_prior_state(v12):
    assert "aws_iam_role.old" not in v12[0]


def test_replace_create_update_and_noop_are_kept(v12):
    resources, _ = v12
    assert resources["aws_iam_policy.boundary"].values["name"] == "boundary-v2"  # ["delete", "create"]
    assert resources["aws_iam_user.dev[1]"].values["name"] == "dev-1"  # create
    assert resources['aws_iam_role.env["prod"]'].values["description"] == "prod role (managed)"  # update: after
    assert resources["aws_iam_user.dev[0]"].values["arn"] == "arn:aws:iam::111122223333:user/dev-0"  # no-op


def test_deleting_a_deposed_object_keeps_the_current_one(v12):
    # env["prod"] has an update for its current object and a delete for a deposed one
    assert 'aws_iam_role.env["prod"]' in v12[0]


def test_data_source_read_during_plan_comes_from_prior_state(v12):
    r = v12[0]["data.aws_caller_identity.current"]
    assert r.mode == "data"
    assert r.values["account_id"] == "111122223333"


def test_plan_without_planned_values_uses_prior_state_minus_deletes():
    data = {
        "format_version": "1.1",
        "prior_state": {"values": {"root_module": {"resources": [
            res("aws_iam_user.keep", {"name": "keep"}),
            res("aws_iam_user.gone", {"name": "gone"}),
        ]}}},
        "resource_changes": [change("aws_iam_user.gone", ["delete"], None)],
    }
    resources, _, errors = load(data)
    assert errors == []
    assert [r.address for r in resources] == ["aws_iam_user.keep"]


# --- unknown values -----------------------------------------------------------------------


def test_unknown_reference_becomes_ref_with_module_prefix(v12):
    policy = v12[0]["module.net.aws_iam_role_policy.app"]
    assert policy.values["role"] == Ref(address="module.net.aws_iam_role.app", attribute="id")
    assert policy.values["policy"] == Ref(address="module.net.data.aws_iam_policy_document.app", attribute="json")
    assert policy.values["name"] == "app-logs"


def test_unknown_reference_inside_indexed_module_instance(v12):
    auditor = v12[0]["module.net.module.audit[0].aws_iam_role.auditor"]
    assert auditor.values["assume_role_policy"] == Ref(
        address="module.net.module.audit[0].data.aws_iam_policy_document.trust", attribute="json")


def test_unknown_in_nested_block_list_becomes_ref(v12):
    doc = v12[0]["module.net.data.aws_iam_policy_document.app"]
    assert doc.values["statement"] == [{
        "actions": ["s3:GetObject"],
        "effect": "Allow",
        "resources": [Ref(address="module.net.aws_s3_bucket.logs", attribute="arn")],
        "sid": "",
    }]
    assert doc.values["json"] == AFTER_APPLY


def test_unknown_from_variable_names_the_variable(v12):
    resources, _ = v12
    assert resources["module.net.aws_iam_role.app"].values["permissions_boundary"] == Unknown("var.boundary_arn")
    trust = resources["module.net.module.audit[0].data.aws_iam_policy_document.trust"]
    assert trust.values["statement"][0]["principals"][0]["identifiers"] == [Unknown("var.reader_arn")]


def test_computed_attribute_without_expression_is_unknown(v12):
    resources, _ = v12
    assert resources["aws_iam_policy.boundary"].values["arn"] == AFTER_APPLY
    assert resources["aws_iam_user.dev[1]"].values["id"] == AFTER_APPLY
    assert resources["module.net.aws_iam_role.app"].values["arn"] == AFTER_APPLY


def test_no_unknown_is_an_empty_string(v12):
    for r in v12[0].values():
        stack = [r.values]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, Ref):
                assert node.address
    # the known empty string the plan states (sid = "") stays as it is
    assert v12[0]["module.net.data.aws_iam_policy_document.app"].values["statement"][0]["sid"] == ""


def test_local_reference_and_list_elements():
    data = plan_with(
        [res("aws_iam_policy_attachment.a", {"name": "a", "roles": [None, "static"], "users": [None, None]})],
        [change("aws_iam_policy_attachment.a", ["create"], {"name": "a"},
                after_unknown={"policy_arn": True, "roles": [True, False], "users": [True, True]})],
        [conf("aws_iam_policy_attachment.a", {
            "policy_arn": {"references": ["local.policy_arn"]},
            "roles": {"references": ["aws_iam_role.r[0].name", "aws_iam_role.r[0]", "aws_iam_role.r"]},
            "users": {"references": ["aws_iam_user.a.name", "aws_iam_user.a", "aws_iam_user.b.name", "aws_iam_user.b"]},
        })],
    )
    [r], _, errors = load(data)
    assert errors == []
    assert r.values["policy_arn"] == Unknown("local.policy_arn")
    # one reference: it is the unknown element; the keyless "aws_iam_role.r" is implied by r[0]
    assert r.values["roles"] == [Ref(address="aws_iam_role.r[0]", attribute="name"), "static"]
    # `users = [aws_iam_user.a.name, aws_iam_user.b.name]`: one reference per element
    assert r.values["users"] == [Ref(address="aws_iam_user.a", attribute="name"),
                                 Ref(address="aws_iam_user.b", attribute="name")]
    assert r.references == {"roles": ["aws_iam_role.r[0]"], "users": ["aws_iam_user.a", "aws_iam_user.b"]}


def test_ambiguous_list_element_stays_unknown():
    data = plan_with(
        [res("aws_iam_group_membership.g", {"users": [None, None, None]})],
        [change("aws_iam_group_membership.g", ["create"], {}, after_unknown={"users": [True, True, True]})],
        [conf("aws_iam_group_membership.g", {
            "users": {"references": ["aws_iam_user.a.name", "aws_iam_user.a", "aws_iam_user.b.name", "aws_iam_user.b"]},
        })],
    )
    [r], _, _ = load(data)
    assert r.values["users"] == [AFTER_APPLY, AFTER_APPLY, AFTER_APPLY]


# --- references ---------------------------------------------------------------------------


def test_references_map(v12):
    resources, _ = v12
    assert resources["module.net.aws_iam_role_policy.app"].references == {
        "policy": ["module.net.data.aws_iam_policy_document.app"],
        "role": ["module.net.aws_iam_role.app"],
    }
    assert resources["module.net.data.aws_iam_policy_document.app"].references == {
        "statement.resources": ["module.net.aws_s3_bucket.logs"],
    }
    assert resources["aws_secretsmanager_secret_version.db"].references == {
        "secret_id": ["aws_secretsmanager_secret.db"],
    }
    # var., local., each., count. are not objects
    assert resources['aws_iam_role.env["prod"]'].references == {}
    assert resources["module.net.aws_iam_role.app"].references == {}
    assert resources["module.net.module.audit[0].data.aws_iam_policy_document.trust"].references == {}


# --- sensitive values ---------------------------------------------------------------------


def test_sensitive_value_hidden(v12):
    resources, variables = v12
    version = resources["aws_secretsmanager_secret_version.db"]
    assert version.values["secret_string"] == Unknown("sensitive")
    assert version.values["secret_id"] == Ref(address="aws_secretsmanager_secret.db", attribute="id")
    printed = repr(list(resources.values())) + repr(list(variables.values()))
    printed += json.dumps([r.model_dump(mode="json") for r in resources.values()], default=str)
    assert "hunter2" not in printed


def test_sensitive_marks_nested_in_lists_and_whole_objects():
    data = plan_with(
        [res("aws_x.nested", {"blocks": [{"token": "s3cr3t-a", "name": "a"}, {"token": "s3cr3t-b", "name": "b"}]},
             sensitive_values={"blocks": [{"token": True}, {}]}),
         res("aws_x.whole", {"password": "s3cr3t-c", "user": "u"})],
        [change("aws_x.nested", ["create"], {}, after_sensitive={"blocks": [{}, {"token": True}]}),
         change("aws_x.whole", ["create"], {}, after_sensitive=True)],
    )
    resources, _, errors = load(data)
    assert errors == []
    r = by_address(resources)
    assert r["aws_x.nested"].values["blocks"] == [{"token": Unknown("sensitive"), "name": "a"},
                                                  {"token": Unknown("sensitive"), "name": "b"}]
    assert r["aws_x.whole"].values == {"password": Unknown("sensitive"), "user": Unknown("sensitive")}
    assert "s3cr3t" not in repr(resources)


def test_prior_state_sensitive_values_hidden():
    data = {"format_version": "1.0", "prior_state": {"values": {"root_module": {"resources": [
        res("aws_x.s", {"secret": "s3cr3t"}, sensitive_values={"secret": True})]}}}}
    [r], _, _ = load(data)
    assert r.values == {"secret": Unknown("sensitive")}


# --- variables ----------------------------------------------------------------------------


def test_variables(v12):
    _, variables = v12
    assert set(variables) == {"db_password", "region"}
    assert variables["region"].value == "eu-west-1" and not variables["region"].sensitive
    assert variables["db_password"].value == Unknown("sensitive") and variables["db_password"].sensitive
    assert all(v.module == "" for v in variables.values())


# --- format 0.1 (Terraform 0.12) ------------------------------------------------------------


def test_format_0_1():
    resources, variables, errors = load(fixture("v0_1_basic.json"))
    assert errors == []
    r = by_address(resources)
    # ops[1] is deleted by a smaller count: in prior_state, gone from the future state
    assert set(r) == {"aws_iam_role.ci", "aws_iam_role_policy.ci", "aws_iam_user.ops[0]",
                      "module.ci.aws_iam_role.deployer"}
    assert r["aws_iam_user.ops[0]"].index == 0
    assert r["module.ci.aws_iam_role.deployer"].module == "module.ci"
    # Terraform 0.12 listed only the referenced object, not the attribute
    assert r["aws_iam_role_policy.ci"].values["role"] == Ref(address="aws_iam_role.ci", attribute="")
    assert r["aws_iam_role_policy.ci"].references == {"role": ["aws_iam_role.ci"]}
    assert r["module.ci.aws_iam_role.deployer"].values["assume_role_policy"] == Unknown("var.trust_policy")
    assert r["aws_iam_role.ci"].values["arn"] == AFTER_APPLY
    assert [(v.name, v.value, v.sensitive) for v in variables] == [("env", "prod", False)]


# --- locations ----------------------------------------------------------------------------


def test_locate_maps_addresses():
    asked = []

    def locate(address):
        asked.append(address)
        return Location(path="main.tf", start_line=3, end_line=9) if address == "aws_x.a" else None

    data = plan_with([res("aws_x.a", {}), res("aws_x.b", {})])
    resources, _, errors = load(data, locate)
    assert errors == [] and asked == ["aws_x.a", "aws_x.b"]
    assert by_address(resources)["aws_x.a"].location == Location(path="main.tf", start_line=3, end_line=9)
    assert by_address(resources)["aws_x.b"].location is None


def test_failing_locate_is_an_error_not_a_crash():
    def locate(address):
        raise KeyError(address)

    resources, _, errors = load(plan_with([res("aws_x.a", {})]), locate)
    assert [r.address for r in resources] == ["aws_x.a"]
    assert len(errors) == 1 and "aws_x.a" in errors[0].message


# --- malformed input: one error per broken part, the rest still loaded ---------------------


def test_planned_values_of_wrong_shape():
    data = fixture("v1_2_modules.json")
    data["planned_values"] = []
    resources, _, errors = load(data)
    assert [(e.path, e.message) for e in errors] == [("plan.json", "planned_values: expected an object, got list")]
    r = by_address(resources)
    # still read from resource_changes (after) and prior_state; deletes still dropped
    assert "module.net.aws_iam_role_policy.app" in r and "data.aws_caller_identity.current" in r
    assert "aws_iam_role.old" not in r
    assert r["module.net.aws_iam_role_policy.app"].values["role"] == Ref(
        address="module.net.aws_iam_role.app", attribute="id")
    assert r["aws_secretsmanager_secret_version.db"].values["secret_string"] == Unknown("sensitive")


def test_resource_without_address():
    data = fixture("v1_2_modules.json")
    del data["planned_values"]["root_module"]["resources"][0]["address"]
    resources, _, errors = load(data)
    assert len(errors) == 1
    assert errors[0].message.startswith("planned_values.root_module.resources[0]: ")
    assert "address" in errors[0].message
    # the same object is still known from its change
    assert "aws_iam_policy.boundary" in by_address(resources)
    assert len(resources) == 14


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d["planned_values"]["root_module"].__setitem__("child_modules", {"a": 1}),
     "planned_values.root_module.child_modules: expected a list"),
    (lambda d: d["planned_values"]["root_module"]["child_modules"].append("oops"),
     "planned_values.root_module.child_modules[1]: expected an object"),
    (lambda d: d["planned_values"]["root_module"]["resources"].append({"address": "not an address!"}),
     "cannot read resource address"),
    (lambda d: d["planned_values"]["root_module"]["resources"].append({"address": ["aws_x.y"]}),
     'planned_values.root_module.resources[7]: expected a resource object with an "address"'),
    (lambda d: d["planned_values"]["root_module"]["resources"][0].__setitem__("values", ["x"]),
     "values: expected an object"),
    (lambda d: d.__setitem__("resource_changes", {"a": 1}), "resource_changes: expected a list"),
    (lambda d: d["resource_changes"].append(7), "resource_changes[15]"),
    (lambda d: d["resource_changes"][0].__setitem__("change", None), "resource_changes[0]"),
    (lambda d: d.__setitem__("prior_state", "x"), "prior_state: expected an object"),
    (lambda d: d["configuration"]["root_module"].__setitem__("module_calls", []),
     "configuration.root_module.module_calls: expected an object"),
    (lambda d: d.__setitem__("variables", [1]), "variables: expected an object"),
    (lambda d: d["variables"].__setitem__("x", 5), "variables.x"),
    (lambda d: d.__setitem__("format_version", 1.2), "format_version"),
    (lambda d: d.__setitem__("format_version", "2.0"), "format_version 2.0 is not supported"),
])
def test_malformed_part_is_one_error(mutate, where):
    data = fixture("v1_2_modules.json")
    mutate(data)
    resources, variables, errors = load(data)
    assert len(errors) == 1, errors
    assert where in errors[0].message and errors[0].path == "plan.json"
    assert "\n" not in errors[0].message
    assert len(resources) >= 9  # the rest is still there


def test_unreadable_changes_keep_prior_state_objects():
    """Without resource_changes the deletes are unknown: prior objects stay (over-approximation)."""
    data = fixture("v1_2_modules.json")
    data["resource_changes"] = "broken"
    resources, _, errors = load(data)
    assert len(errors) == 1
    assert "aws_iam_role.old" in by_address(resources)
    assert "module.net.aws_iam_role_policy.app" in by_address(resources)


def test_deleted_resource_absent_even_when_planned_values_is_broken():
    data = fixture("v0_1_basic.json")
    data["planned_values"] = {"root_module": "broken"}
    resources, _, errors = load(data)
    assert len(errors) == 1
    assert set(by_address(resources)) == {"aws_iam_role.ci", "aws_iam_role_policy.ci", "aws_iam_user.ops[0]",
                                          "module.ci.aws_iam_role.deployer"}


@pytest.mark.parametrize("data", [[], "x", 3, None, {"format_version": "1.2", "planned_values": 5}])
def test_not_a_plan_object_is_an_error(data):
    resources, variables, errors = load(data)
    assert resources == [] and variables == [] and len(errors) == 1


# --- deep nesting -------------------------------------------------------------------------


def nested(depth: int, leaf: object) -> object:
    node = leaf
    for _ in range(depth):
        node = {"a": [node]}
    return node


def test_deeply_nested_values_are_cut_not_crashing():
    deep = nested(5000, "bottom")
    data = plan_with([res("aws_x.deep", {"deep": deep, "name": "ok"})],
                     [change("aws_x.deep", ["create"], {}, after_unknown=nested(5000, "x"),
                             after_sensitive=nested(5000, True))],
                     [conf("aws_x.deep", {"deep": nested(5000, {"references": ["aws_y.z"]})})])
    resources, _, errors = load(data)
    [r] = resources
    assert r.values["name"] == "ok"
    assert len(errors) == 1 and f"deeper than {MAX_DEPTH}" in errors[0].message
    node, depth = r.values["deep"], 1
    while isinstance(node, (dict, list)):
        node = node["a"] if isinstance(node, dict) else node[0]
        depth += 1
    assert node == Unknown("nested too deeply") and depth <= MAX_DEPTH + 1


def test_deeply_nested_modules_are_cut_not_crashing():
    module: dict = {"address": "module.m", "resources": [res("aws_x.leaf", {})]}
    for _ in range(3000):
        module = {"address": "module.m", "child_modules": [module]}
    calls: dict = {}
    for _ in range(3000):
        calls = {"m": {"source": "./m", "module": {"module_calls": calls}}}
    data = {"format_version": "1.2",
            "planned_values": {"root_module": {"resources": [res("aws_x.top", {})], "child_modules": [module]}},
            "configuration": {"root_module": {"module_calls": calls}}}
    resources, _, errors = load(data)
    assert [r.address for r in resources] == ["aws_x.top"]
    assert len(errors) == 2
    assert all(f"{MAX_DEPTH} levels" in e.message for e in errors)


def test_deeply_nested_variable_value():
    data = {"format_version": "1.2", "planned_values": {}, "variables": {"v": {"value": nested(5000, 1)}}}
    _, variables, errors = load(data)
    assert [v.name for v in variables] == ["v"]
    assert len(errors) == 1 and "variables.v" in errors[0].message
