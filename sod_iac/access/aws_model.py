"""Where AWS permissions come from in Terraform: principals, the policies that reach them
(inline, managed, via groups, permission sets), boundaries, trust, resource policies, SCPs.

This module only gathers and links; judging what a principal can do is aws.py's job.
Every policy that reaches a principal carries its evidence chain (file:line of every hop).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sod_iac.access.aws_arns import CALLER, account_of, arn_of, caller_arn, partition_free
from sod_iac.access.aws_managed import managed_policy
from sod_iac.access.aws_policy import Statement, parse_policy
from sod_iac.access.aws_policy.parse import in_written_order
from sod_iac.access.aws_policy.quote import quote_statement
from sod_iac.access.escalation import ROLE_IN_USE_RESOURCES
from sod_iac.core.model import Evidence, Project, Resource
from sod_iac.core.values import UNREAD_STATEMENTS, Ref, Unknown

PRINCIPAL_TYPES = {"aws_iam_role": "role", "aws_iam_user": "user", "aws_iam_group": "group",
                   "aws_ssoadmin_permission_set": "permission-set"}

# resource policies: resource type -> (argument holding the policy, argument naming the target)
RESOURCE_POLICIES: dict[str, tuple[str, str | None]] = {
    "aws_s3_bucket_policy": ("policy", "bucket"),
    "aws_s3_bucket": ("policy", None),
    "aws_kms_key": ("policy", None),
    "aws_kms_key_policy": ("policy", "key_id"),
    "aws_secretsmanager_secret_policy": ("policy", "secret_arn"),
    "aws_secretsmanager_secret": ("policy", None),
    "aws_sqs_queue_policy": ("policy", "queue_url"),
    "aws_sns_topic_policy": ("policy", "arn"),
    "aws_ecr_repository_policy": ("policy", "repository"),
}
TARGET_TYPES = {"bucket": ["aws_s3_bucket"], "key_id": ["aws_kms_key"],
                "secret_arn": ["aws_secretsmanager_secret"], "queue_url": ["aws_sqs_queue"],
                "arn": ["aws_sns_topic"], "repository": ["aws_ecr_repository"]}


@dataclass(frozen=True)
class PolicySource:
    """A policy document reaching a principal (or a resource), with how it got there."""

    statements: tuple[Statement, ...]
    evidence: tuple[Evidence, ...]
    name: str
    problems: tuple[str, ...] = ()


@dataclass
class AwsModel:
    principals: dict[str, Resource | None] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    identity: dict[str, list[PolicySource]] = field(default_factory=lambda: defaultdict(list))
    boundaries: dict[str, list[PolicySource]] = field(default_factory=lambda: defaultdict(list))
    trust: dict[str, PolicySource] = field(default_factory=dict)
    groups_of: dict[str, list[tuple[str, Evidence]]] = field(default_factory=lambda: defaultdict(list))
    resource_policies: dict[str, list[PolicySource]] = field(default_factory=lambda: defaultdict(list))
    attached_policies: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    scps: list[PolicySource] = field(default_factory=list)
    names: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """(resource type, name) -> every address of the code with that name: names are unique
    only per account, so modules and provider aliases may reuse one."""
    runs_as: dict[str, list[tuple[str, Evidence]]] = field(default_factory=lambda: defaultdict(list))
    """Compute resources (functions, instances, jobs, ...) -> the roles their code runs with."""
    accounts: dict[str, str] = field(default_factory=dict)
    """Principals of the code -> the account their provider configuration states (absent when
    it states none: the account is then unknown, `*` in their ARN)."""


# compute resources that run code with a role: type -> path to the argument naming the role
# (the catalog's vocabulary, escalation.ROLE_IN_USE_RESOURCES, is the one source)
RUNS_AS: dict[str, tuple[str, ...]] = {
    rtype: tuple(arg.split(".")) for entries in ROLE_IN_USE_RESOURCES.values() for rtype, arg in entries}
PROFILE_HOLDERS = ("aws_instance", "aws_launch_template")


def statement_evidence(st: Statement, evidence: tuple[Evidence, ...] | list[Evidence]) -> tuple[Evidence, ...]:
    """The chain of a statement: its own hop (where it is written) first, then how its
    document reaches the principal or resource."""
    return (st.hop, *evidence) if st.hop is not None else tuple(evidence)


def _hop(resource: Resource, detail: str) -> Evidence:
    return Evidence(address=resource.address, detail=detail, location=resource.location)


def _strings(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return list(value)
    return [value]


class ModelBuilder:
    """Reads a Project once and links policies to principals."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.model = AwsModel()
        self._by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._policy_docs: dict[str, tuple[Any, Resource]] = {}
        self._managed: dict[str, PolicySource] = {}

    def build(self) -> AwsModel:
        resources = [r for r in self.project.resources if r.type.startswith("aws_")]
        for r in resources:
            if r.mode == "managed" and r.type in PRINCIPAL_TYPES:
                self.model.principals[r.address] = r
                self.model.kinds[r.address] = PRINCIPAL_TYPES[r.type]
                name = r.values.get("name")
                if isinstance(name, str):
                    self._by_name[(r.type, name)].append(r.address)
            if r.mode == "data" and r.type == CALLER:  # its own principal (DESIGN.md)
                self.model.principals[r.address] = r
                self.model.kinds[r.address] = "caller"
            if r.address in self.model.principals and (account := account_of(self.project, r)):
                self.model.accounts[r.address] = account
            if r.type == "aws_iam_instance_profile" and isinstance(r.values.get("name"), str):
                self._by_name[("aws_iam_instance_profile", r.values["name"])].append(r.address)
            if r.type == "aws_iam_policy" and r.mode == "managed":
                self._policy_docs[r.address] = (r.values.get("policy"), r)
                name = r.values.get("name")
                if isinstance(name, str):
                    self._by_name[("aws_iam_policy", name)].append(r.address)
        self.model.names = dict(self._by_name)
        handlers = {
            "aws_iam_role": self._role, "aws_iam_user": self._user_or_group,
            "aws_iam_group": self._user_or_group,
            "aws_iam_role_policy": self._inline("role", "aws_iam_role"),
            "aws_iam_user_policy": self._inline("user", "aws_iam_user"),
            "aws_iam_group_policy": self._inline("group", "aws_iam_group"),
            "aws_iam_role_policy_attachment": self._attachment("role", "aws_iam_role"),
            "aws_iam_user_policy_attachment": self._attachment("user", "aws_iam_user"),
            "aws_iam_group_policy_attachment": self._attachment("group", "aws_iam_group"),
            "aws_iam_role_policy_attachments_exclusive": self._attachment("role_name", "aws_iam_role", "policy_arns"),
            "aws_iam_user_policy_attachments_exclusive": self._attachment("user_name", "aws_iam_user", "policy_arns"),
            "aws_iam_group_policy_attachments_exclusive": self._attachment("group_name", "aws_iam_group",
                                                                            "policy_arns"),
            "aws_iam_policy_attachment": self._policy_attachment,
            "aws_iam_group_membership": self._group_membership,
            "aws_iam_user_group_membership": self._user_group_membership,
            "aws_ssoadmin_permission_set_inline_policy": self._sso_inline,
            "aws_ssoadmin_managed_policy_attachment": self._sso_managed,
            "aws_organizations_policy_attachment": self._scp_attachment,
        }
        for r in resources:
            handler = handlers.get(r.type)
            if handler and r.mode == "managed":
                handler(r)
            if r.type in RESOURCE_POLICIES and r.mode == "managed":
                self._resource_policy(r)
            if r.type in RUNS_AS and r.mode == "managed":
                self._runs_as(r)
        return self.model

    def _runs_as(self, r: Resource) -> None:
        """Link a compute resource to the role its code runs with (through an instance
        profile for EC2). A block argument holds the profile as `{name}` or `{arn}`."""
        path = RUNS_AS[r.type]
        value: Any = r.values
        for step in path:
            value = value.get(step) if isinstance(value, dict) else None
            if isinstance(value, list) and value and isinstance(value[0], dict):
                value = value[0]
        refs = r.references.get(".".join(path), [])
        if isinstance(value, dict):  # launch template: iam_instance_profile { name | arn }
            key = "name" if value.get("name") is not None else "arn"
            refs = r.references.get(f"{'.'.join(path)}.{key}", [])
            value = value.get(key)
        if r.type not in PROFILE_HOLDERS:
            for role in self.targets(value, refs, "aws_iam_role"):
                self.model.runs_as[r.address].append((role, _hop(r, f"runs with {role}")))
            return
        for profile in self.targets(value, refs, "aws_iam_instance_profile"):
            resource = self.project.resource(profile)
            if resource is None:
                continue
            for role in self.targets(resource.values.get("role"), resource.references.get("role", []),
                                     "aws_iam_role"):
                self.model.runs_as[r.address].append(
                    (role, _hop(resource, f"instance profile of {r.address} holds {role}")))

    # --- resolving references ----------------------------------------------------------
    def targets(self, value: Any, refs: Iterable[str], rtype: str) -> list[str]:
        """Principals (or policies) of `rtype` that an argument names: by reference, by name
        or ARN, else through the argument's references. Unresolved names stay as written."""
        found: list[str] = []
        refs = list(refs)
        for item in _strings(value):
            if isinstance(item, Ref) and self._type_of(item.address) == rtype:
                found.append(item.address)
            elif isinstance(item, str):
                found.extend(self._named(rtype, item, refs) or [item])
        if not found:
            found.extend(a for a in refs if self._type_of(a) == rtype)
        return sorted(set(found))

    def _named(self, rtype: str, text: str, refs: Iterable[str]) -> list[str]:
        """The resources of `rtype` a name or ARN stands for. A name is unique only within one
        account: when the argument refers to a resource of that name (`aws_iam_role.this.name`
        evaluates to the name), that resource is the one meant, not its namesakes in other
        module instances or provider accounts. A bare name matches every namesake of the code."""
        name = text.rsplit("/", 1)[-1] if text.startswith("arn:") else text
        namesakes = self._by_name.get((rtype, name), [])
        referenced = [a for a in refs if a in namesakes]
        return referenced or list(namesakes)

    def _type_of(self, address: str) -> str | None:
        resource = self.project.resource(address)
        return resource.type if resource else None

    def _principal(self, address: str, rtype: str) -> str:
        """An address the code defines, or a principal known only by name (kept as written)."""
        if address not in self.model.principals:
            self.model.principals[address] = None
            self.model.kinds[address] = PRINCIPAL_TYPES.get(rtype, "role")
        return address

    # --- documents ---------------------------------------------------------------------
    def document(self, value: Any, refs: Iterable[str], resource: Resource) -> tuple[list[PolicySource], str]:
        """Policy sources for a `policy_arn`-like value: customer policies in the code,
        AWS-managed policies from the offline dataset, or an unknown document."""
        out: list[PolicySource] = []
        label = "policy"
        refs = list(refs)
        for item in _strings(value) or [Unknown("policy_arn")]:
            item = partition_free(item, any_unknown=True)
            addresses: list[str] = []
            if isinstance(item, Ref) and self._type_of(item.address) == "aws_iam_policy":
                if item.address in self._policy_docs:
                    addresses = [item.address]
                else:  # data "aws_iam_policy": look the policy up by its arn or name
                    data = self.project.resource(item.address)
                    item = (data.values.get("arn") or data.values.get("name")) if data else item
            if not addresses and isinstance(item, str):
                if ":aws:policy/" in item:
                    label = item.rsplit("/", 1)[-1]
                    out.append(self._managed_source(item, label))
                    continue
                addresses = [a for a in self._named("aws_iam_policy", item, refs) if a in self._policy_docs]
            if not addresses:
                candidates = [a for a in refs if a in self._policy_docs]
                addresses = candidates if len(candidates) == 1 else []
            for address in addresses:
                doc, policy = self._policy_docs[address]
                out.append(self._source(doc, (_hop(policy, "policy document"),), address, (policy, "policy")))
            if not addresses:
                out.append(self._source(Unknown(f"policy {item} is not in the code"), (), str(item)))
        return out, label

    def _managed_source(self, arn: str, label: str) -> PolicySource:
        """An AWS-managed policy, parsed once however many principals it is attached to (the
        same statements then: ReadOnlyAccess lists thousands of actions)."""
        if arn not in self._managed:
            doc = managed_policy(arn)
            self._managed[arn] = self._source(
                Unknown(f"AWS-managed policy {label} is not in the dataset") if doc is None else doc,
                (), f"AWS-managed {label}", managed=label)
        return self._managed[arn]

    def _source(self, doc: Any, hops: tuple[Evidence, ...], name: str,
                where: tuple[Resource, str] | None = None, managed: str = "") -> PolicySource:
        """A parsed document; `where` (the resource and argument holding it) or `managed` (an
        AWS-managed policy's name) gives each statement its own hop."""
        statements, problems = self._parse(doc, where, managed)
        return PolicySource(tuple(statements), hops, name, tuple(problems))

    def _parse(self, doc: Any, where: tuple[Resource, str] | None, managed: str = "") -> tuple[list[Statement], list[str]]:
        statements, problems = parse_policy(doc)
        seen: dict[str, int] = defaultdict(int)  # statements alike (no Sid, same actions): by order
        located = []
        for st in statements:
            located.append(self._located(st, where, managed, seen[st.signature]))
            seen[st.signature] += 1
        return located, problems

    def _located(self, st: Statement, where: tuple[Resource, str] | None, managed: str,
                 occurrence: int = 0) -> Statement:
        """The statement with its hop: the statement block or policy argument it is written in
        (found by its signature among the sites of the holding resource and of the documents
        that argument refers to; the `occurrence`-th of the sites alike), or the AWS-managed
        policy it belongs to."""
        if managed:
            return replace(st, hop=Evidence(address=f"AWS-managed {managed}", kind="statement",
                                            detail=f"AWS-managed policy {managed}, {quote_statement(st)}"))
        if where is None:
            return st
        resource, argument = where
        sites = list(self._sites(resource, argument))
        alike = [(address, site) for address, site in sites if site.signature == st.signature] \
            or [(address, site) for address, site in sites if site.signature == UNREAD_STATEMENTS]
        if alike:
            address, site = alike[min(occurrence, len(alike) - 1)]
            st = in_written_order(st, site.actions)
            return replace(st, hop=Evidence(address=address, detail=quote_statement(st), location=site.location,
                                            kind="statement"))
        return replace(st, hop=Evidence(address=resource.address, detail=quote_statement(st), kind="statement"))

    def _sites(self, resource: Resource, argument: str, depth: int = 0) -> Iterable[tuple[str, Any]]:
        """Statement sites a policy argument may come from: the resource's own, then those of
        the policy documents it refers to (and their source/override documents)."""
        yield from ((resource.address, s) for s in resource.statement_sites if s.argument == argument)
        if depth > 3:
            return
        for address in resource.references.get(argument, []):
            ref = self.project.resource(address)
            if ref is not None and ref.type == "aws_iam_policy_document":
                yield from ((ref.address, s) for s in ref.statement_sites)
                for arg in ("source_policy_documents", "override_policy_documents"):
                    yield from self._sites(ref, arg, depth + 1)
            elif ref is not None and ref is not resource:
                yield from self._sites(ref, "policy", depth + 1)

    def _add(self, principal: str, source: PolicySource, hop: Evidence) -> None:
        self.model.identity[principal].append(
            PolicySource(source.statements, (*source.evidence, hop), source.name, source.problems))

    # --- handlers ----------------------------------------------------------------------
    def _role(self, r: Resource) -> None:
        self._user_or_group(r)
        trust = r.values.get("assume_role_policy")
        statements, problems = self._parse(trust, (r, "assume_role_policy"))
        self.model.trust[r.address] = PolicySource(tuple(statements), (_hop(r, "trust policy"),),
                                                   "trust policy", tuple(problems))
        for block in _strings(r.values.get("inline_policy")):
            if isinstance(block, dict) and block.get("policy") is not None:
                self._add(r.address, self._source(block["policy"], (), f"inline {block.get('name')}", (r, "inline_policy")),
                          _hop(r, f"inline policy {block.get('name') or ''}".strip()))
        managed = r.values.get("managed_policy_arns")
        if managed:
            sources, _ = self.document(managed, r.references.get("managed_policy_arns", []), r)
            for source in sources:
                self._add(r.address, source, _hop(r, f"managed_policy_arns: {source.name}"))

    def _user_or_group(self, r: Resource) -> None:
        boundary = r.values.get("permissions_boundary")
        if boundary:
            sources, _ = self.document(boundary, r.references.get("permissions_boundary", []), r)
            for source in sources:
                self.model.boundaries[r.address].append(PolicySource(
                    source.statements, (*source.evidence, _hop(r, f"permissions boundary {source.name}")),
                    source.name, source.problems))

    def _inline(self, arg: str, rtype: str):
        def handle(r: Resource) -> None:
            source = self._source(r.values.get("policy"), (), r.address, (r, "policy"))
            for principal in self.targets(r.values.get(arg), r.references.get(arg, []), rtype):
                self._add(self._principal(principal, rtype), source, _hop(r, f"inline policy on {principal}"))
        return handle

    def _attachment(self, arg: str, rtype: str, policy_arg: str = "policy_arn"):
        """aws_iam_*_policy_attachment (one policy) and *_attachments_exclusive (a list)."""
        def handle(r: Resource) -> None:
            sources, _ = self.document(r.values.get(policy_arg), r.references.get(policy_arg, []), r)
            self._attach(r, sources, self.targets(r.values.get(arg), r.references.get(arg, []), rtype), rtype)
        return handle

    def _attach(self, r: Resource, sources: list[PolicySource], principals: list[str], rtype: str) -> None:
        for principal in principals:
            principal = self._principal(principal, rtype)
            for source in sources:
                self._add(principal, source, _hop(r, f"attaches {source.name} to {principal}"))
                self._note_attached(source, principal)

    def _policy_attachment(self, r: Resource) -> None:
        sources, _ = self.document(r.values.get("policy_arn"), r.references.get("policy_arn", []), r)
        for arg, rtype in (("users", "aws_iam_user"), ("roles", "aws_iam_role"), ("groups", "aws_iam_group")):
            self._attach(r, sources, self.targets(r.values.get(arg), r.references.get(arg, []), rtype), rtype)

    def _note_attached(self, source: PolicySource, principal: str) -> None:
        if source.evidence and source.evidence[0].address in self._policy_docs:
            self.model.attached_policies[principal].add(source.evidence[0].address)

    def _group_membership(self, r: Resource) -> None:
        for group in self.targets(r.values.get("group"), r.references.get("group", []), "aws_iam_group"):
            group = self._principal(group, "aws_iam_group")
            for user in self.targets(r.values.get("users"), r.references.get("users", []), "aws_iam_user"):
                self.model.groups_of[self._principal(user, "aws_iam_user")].append(
                    (group, _hop(r, f"adds {user} to {group}")))

    def _user_group_membership(self, r: Resource) -> None:
        for user in self.targets(r.values.get("user"), r.references.get("user", []), "aws_iam_user"):
            user = self._principal(user, "aws_iam_user")
            for group in self.targets(r.values.get("groups"), r.references.get("groups", []), "aws_iam_group"):
                self.model.groups_of[user].append(
                    (self._principal(group, "aws_iam_group"), _hop(r, f"adds {user} to {group}")))

    def _sso_inline(self, r: Resource) -> None:
        source = self._source(r.values.get("inline_policy"), (), r.address, (r, "inline_policy"))
        for ps in self.targets(r.values.get("permission_set_arn"), r.references.get("permission_set_arn", []),
                               "aws_ssoadmin_permission_set"):
            self._add(self._principal(ps, "aws_ssoadmin_permission_set"), source, _hop(r, "inline policy"))

    def _sso_managed(self, r: Resource) -> None:
        sources, _ = self.document(r.values.get("managed_policy_arn"), r.references.get("managed_policy_arn", []), r)
        for ps in self.targets(r.values.get("permission_set_arn"), r.references.get("permission_set_arn", []),
                               "aws_ssoadmin_permission_set"):
            for source in sources:
                self._add(self._principal(ps, "aws_ssoadmin_permission_set"), source,
                          _hop(r, f"attaches {source.name}"))

    def _scp_attachment(self, r: Resource) -> None:
        """Only SCPs attached to the organisation root apply to every principal for certain."""
        target = r.values.get("target_id")
        at_root = isinstance(target, str) and target.startswith("r-") or (
            isinstance(target, Ref) and self._type_of(target.address) == "aws_organizations_organization")
        if not at_root:
            return
        for address in r.references.get("policy_id", []):
            policy = self.project.resource(address)
            if policy is None or policy.type != "aws_organizations_policy":
                continue
            if policy.values.get("type", "SERVICE_CONTROL_POLICY") != "SERVICE_CONTROL_POLICY":
                continue
            statements, problems = self._parse(policy.values.get("content"), (policy, "content"))
            self.model.scps.append(PolicySource(tuple(statements), (
                _hop(policy, "service control policy"), _hop(r, "attached to the organisation root")),
                address, tuple(problems)))

    def _resource_policy(self, r: Resource) -> None:
        arg, target_arg = RESOURCE_POLICIES[r.type]
        doc = r.values.get(arg)
        if doc is None or doc == "":
            return
        if target_arg is None:
            targets = [r.address]
        else:
            targets = self.targets(r.values.get(target_arg), r.references.get(target_arg, []),
                                   TARGET_TYPES[target_arg][0])
        statements, problems = self._parse(doc, (r, arg))
        for target in targets:
            self.model.resource_policies[target].append(PolicySource(
                tuple(statements), (_hop(r, f"resource policy on {target}"),), r.address, tuple(problems)))


def build_model(project: Project) -> AwsModel:
    return ModelBuilder(project).build()


def principal_arn(model: AwsModel, address: str) -> str:
    """ARN pattern of a principal: built from the code, or as written for external ones."""
    resource = model.principals.get(address)
    if model.kinds.get(address) == "caller":
        return caller_arn(model.accounts.get(address))  # only its own name is certain
    if resource is not None:
        return arn_of(resource, model.accounts.get(address)) or "*"
    if address.startswith("arn:"):
        return address
    kind = model.kinds.get(address, "role")
    return f"arn:aws:iam::*:{kind}/{address}"
