"""Readers of AWS secrets: Secrets Manager secrets and SSM SecureString parameters.

What "read" means, from the AWS documentation:

- Secrets Manager (`aws_secretsmanager_secret`): `secretsmanager:GetSecretValue` on the
  secret (BatchGetSecretValue also needs it per secret), allowed by an identity policy or by
  the secret's resource policy (`aws_secretsmanager_secret_policy`, or the inline `policy`),
  with explicit Denies, permissions boundaries and SCPs applied by the AWS engine
  (sod_iac.access.aws). Action wildcards (`secretsmanager:Get*`, `*`), NotAction and
  resource patterns (`...:secret:prod/*`) are matched there.
- SSM Parameter Store (`aws_ssm_parameter` of type SecureString, or a type the code does not
  state): `ssm:GetParameter`, `ssm:GetParameters` or `ssm:GetParameterHistory` on the
  parameter, or `ssm:GetParametersByPath` on any path above it. "If a user has access to a
  path, then the user can access all levels of that path", even a parameter they are denied
  by name (AWS Systems Manager User Guide, "Restricting access to Parameter Store parameters
  using IAM policies"): a path grant is checked against the path ARN, not the parameter's.
- The value is encrypted with a KMS key; reading it decrypts with that key on the caller's
  behalf, so the caller also needs `kms:Decrypt` on the key (through the service:
  `kms:ViaService` conditions for `secretsmanager.*` / `ssm.*` hold). With the AWS managed
  key (`aws/secretsmanager`, `aws/ssm`, no key stated) every principal of the account that
  may read the secret may decrypt. With a customer key the key policy decides ("Key policies
  in AWS KMS"): every KMS key has exactly one key policy; IAM policies grant only if the key
  policy enables them (a statement for the account root, as the default key policy has); a
  key policy statement naming the principal (or `*`) grants directly; `aws_kms_grant` grants
  too; a Deny in either applies. A key without a policy in the code gets AWS's default key
  policy (enables IAM policies). A key the code does not define: unknown, so "possible".

A principal reads when some identity it can act as (itself, or a role it can assume) holds
both. Groups are readers in their own right (their members, current and future, read through
them); a user that reads only through a group is listed among the group's members.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sod_iac.access.aws import AwsAccess, Target
from sod_iac.access.aws_allow_index import may_match
from sod_iac.access.aws_arns import CALLER, arn_of, data_source_type
from sod_iac.access.aws_model import statement_evidence
from sod_iac.access.aws_policy import (
    Condition,
    Statement,
    is_wildcard_principal,
    judge_condition,
    resource_match,
    statement_action_match,
)
from sod_iac.access.graph import Decision, Level, best, outside_listed, weakest
from sod_iac.access.secret_model import NonReader, Reader, ReaderSet, ReadsAll, Secret, merge_reader, stated_limit
from sod_iac.core.model import Evidence, Project, Resource, unique_evidence
from sod_iac.core.values import Ref, Template, Unknown
from sod_iac.util.wildcard import glob_regex

SECRETS_MANAGER = "aws_secretsmanager_secret"
SSM_PARAMETER = "aws_ssm_parameter"

_SECRETSMANAGER_READ = ("secretsmanager:GetSecretValue",)
_SSM_READ = ("ssm:GetParameter", "ssm:GetParameters", "ssm:GetParameterHistory")
_SSM_PATH_READ = "ssm:GetParametersByPath"
_DECRYPT = "kms:Decrypt"

EVERY_SECRET = (("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:*",
                 "every Secrets Manager secret"),
                ("ssm:GetParameter", "arn:aws:ssm:*:*:parameter/*", "every SSM parameter"))
_ORG_KEYS = ("aws:principalorgid", "aws:principalorgpaths")
_ACCOUNT_KEYS = ("aws:principalaccount", "kms:calleraccount")
_ARN_KEYS = ("aws:principalarn",)


@dataclass(frozen=True)
class KeyRef:
    """The KMS key that encrypts a secret: `aws-managed`, `customer` (defined in the code, at
    `address`) or `unknown` (named by a value the code does not define: `text`)."""

    kind: str
    address: str | None = None
    text: str = ""


@dataclass
class Access:
    """How one identity (no role hops) gets to the secret value."""

    level: Level
    evidence: list[Evidence]
    how: str
    groups: tuple[str, ...] = ()  # groups whose grants the identity relies on


class AwsSecretReaders:
    def __init__(self, project: Project, aws: AwsAccess, near_misses: bool = False) -> None:
        self.project = project
        self.aws = aws
        self.near_misses = near_misses
        self._secrets: list[Secret] | None = None
        self._arns = {p: aws.arn(p) for p in aws.model.principals}
        self._allows: dict[tuple[str, str], list[Any] | None] = {}
        self._defined = {r.address for r in project.resources}
        self._memo: dict[tuple[str, str, Target, str], Decision] = {}
        self._principals = aws.principals()
        self._order = {p.id: i for i, p in enumerate(self._principals)}
        self._chain_positions: dict[str, dict[str, int]] = {}
        self._reads: dict[str, list[tuple[str, Target]]] = {}

    # --- secrets ---------------------------------------------------------------------
    def secrets(self) -> list[Secret]:
        if self._secrets is None:
            found = []
            for r in self.project.resources:
                if r.mode != "managed":
                    continue
                name = r.values.get("name")
                name = name if isinstance(name, str) else None
                if r.type == SECRETS_MANAGER:
                    found.append(Secret(r.address, "aws", "Secrets Manager secret", name, r,
                                        stated_limit(r.values.get("tags"))))
                elif r.type == SSM_PARAMETER and r.values.get("type") not in ("String", "StringList"):
                    found.append(Secret(r.address, "aws", "SSM SecureString parameter", name, r,
                                        stated_limit(r.values.get("tags"))))
            self._secrets = found
        return self._secrets

    # --- what reading takes ------------------------------------------------------------
    def reads(self, secret: Secret) -> list[tuple[str, Target]]:
        """(action, target) pairs, any of which reads the value (before decryption)."""
        if secret.address not in self._reads:
            self._reads[secret.address] = self._read_targets(secret)
        return self._reads[secret.address]

    def _read_targets(self, secret: Secret) -> list[tuple[str, Target]]:
        r = secret.resource
        arn = secret_arn(r)
        if r.type == SECRETS_MANAGER:
            return [(a, Target(arn, r.address, r.address)) for a in _SECRETSMANAGER_READ]
        out = [(a, Target(arn, r.address, r.address)) for a in _SSM_READ]
        for path in parameter_paths(secret.name):
            out.append((_SSM_PATH_READ, Target(path_arn(path), None, f"path {path}")))
        if secret.name is None:
            out.append((_SSM_PATH_READ, Target("arn:aws:ssm:*:*:parameter/*", None, "a path above it")))
        return out

    def key(self, secret: Secret) -> KeyRef:
        r = secret.resource
        arg = "kms_key_id" if r.type == SECRETS_MANAGER else "key_id"
        return self._key(r.values.get(arg), r.references.get(arg, []))

    def _key(self, value: Any, refs: list[str], depth: int = 0) -> KeyRef:
        if value is None or value == "":
            return KeyRef("aws-managed")
        if isinstance(value, str):
            if re.search(r"(^|:)alias/aws/", value):
                return KeyRef("aws-managed")
            for r in self.project.by_type("aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key"):
                if r.mode == "managed" and value in (r.values.get("arn"), r.values.get("key_id"), r.values.get("id")):
                    return KeyRef("customer", r.address)
            for r in self.project.by_type("aws_kms_alias"):
                name = r.values.get("name")
                if isinstance(name, str) and (value == name or value.endswith(":" + name)) and depth < 3:
                    return self._key(r.values.get("target_key_id"), r.references.get("target_key_id", []),
                                     depth + 1)
            return KeyRef("unknown", text=value)
        if isinstance(value, Ref):
            target = self.project.resource(value.address)
            if target is not None and target.mode == "managed":
                if target.type in ("aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key"):
                    return KeyRef("customer", target.address)
                if target.type == "aws_kms_alias" and depth < 3:
                    return self._key(target.values.get("target_key_id"),
                                     target.references.get("target_key_id", []), depth + 1)
            if target is not None and target.mode == "data":
                name = target.values.get("name") or target.values.get("key_id")
                if isinstance(name, str) and re.search(r"(^|:)alias/aws/", name):
                    return KeyRef("aws-managed")
            return KeyRef("unknown", text=str(value))
        keys = [a for a in refs if (self.project.resource(a) or Resource(address="", type="", name="")).type
                == "aws_kms_key"]
        if len(keys) == 1:
            return KeyRef("customer", keys[0])
        return KeyRef("unknown", text=str(value))

    # --- reader sets -------------------------------------------------------------------
    def _in_order(self, ids: Any) -> list[Any]:
        """The principals (of `principals()`) among `ids`, in that list's order."""
        order = self._order
        return [self._principals[i] for i in sorted(order[p] for p in ids if p in order)]

    def readers(self, secret: Secret) -> ReaderSet:
        result = ReaderSet(secret)
        key = self.key(secret)
        service = "secretsmanager" if secret.resource.type == SECRETS_MANAGER else "ssm"
        found: dict[str, Reader] = {}
        actors: dict[str, Access | None] = {}

        candidates = self._candidates(secret)
        decrypters = None if self.near_misses else self._decrypters(key)
        if decrypters is not None:  # reading takes both, by the same identity
            candidates &= decrypters
        relevant = self.aws.allows.reach(candidates)

        def access(actor: str) -> Access | None:
            if actor not in actors:
                # an identity no Allow can reach reads nothing and is no near miss: not asked
                actors[actor] = self._access(actor, secret, key, service, result) \
                    if actor in candidates else None
            return actors[actor]

        group_readers: dict[str, Reader] = {}
        # only the candidates and the principals that may become one are asked: each secret
        # costs what can read it, not a pass over every principal of the estate
        for group in sorted(g for g in candidates if self.aws.model.kinds.get(g) == "group"):
            got = access(group)
            if got is not None:
                group_readers[group] = Reader(group, got.level, got.evidence, got.how)
        for principal in self._in_order(relevant):
            reader = self._reader(principal.id, access, candidates)
            if reader is None:
                continue
            via_group = [g for g in self._groups_used(principal.id, access) if g in group_readers]
            if via_group:
                for g in via_group:
                    group_readers[g].members.append(principal.id)
                    group_readers[g].evidence.extend(
                        hop for group, hop in self.aws.model.groups_of.get(principal.id, [])
                        if group == g and hop not in group_readers[g].evidence)
                continue
            merge_reader(found, reader)
        for reader in group_readers.values():
            merge_reader(found, reader)
        for reader in self._resource_policy_readers(secret, key, service, result):
            merge_reader(found, reader)
        result.readers = list(found.values())
        blocked: dict[str, NonReader] = {}
        for item in result.blocked:
            if item.principal not in found and item.principal not in blocked:
                blocked[item.principal] = item
        result.blocked = list(blocked.values())
        if key.kind == "unknown":
            result.notes.append(f"the KMS key {key.text} is not defined in the code: its key policy is "
                                "unknown, so decrypting counts as possible")
        elif key.kind == "customer" and self._key_policy(key.address)[1] == "default":
            result.notes.append(f"{key.address} has no key policy in the code: AWS gives it the default "
                                "key policy, which lets IAM policies grant kms:Decrypt")
        return result

    def _candidates(self, secret: Secret) -> set[str]:
        """Identities an Allow may reach for some read of the secret (identity statements, or
        a resource policy naming them)."""
        index = self.aws.allows
        out: set[str] = set()
        for action, target in self.reads(secret):
            out.update(index.actors(action, target))
            out |= index.named_by_policy(target.policy_owner)
        return out

    def _decrypters(self, key: KeyRef) -> set[str] | None:
        """Identities that may decrypt with the key (its IAM policies or key policy naming
        them); None when anyone may (an AWS managed or unknown key, a key policy statement
        for everyone, a KMS grant)."""
        if key.kind != "customer":
            return None
        statements, _ = self._key_policy(key.address)
        for st, _ in statements:
            if st.effect == "Allow" and statement_action_match(st, _DECRYPT) and (
                    st.unknown or st.not_principals is not None
                    or any(kind == "everyone" for kind, _ in principal_entries(st, self.aws))):
                return None
        if any(key.address in r.references.get("key_id", []) for r in self.project.by_type("aws_kms_grant")):
            return None
        target = Target(self._key_arn(key.address), key.address, key.address)
        return set(self.aws.allows.actors(_DECRYPT, target)) | self.aws.allows.named_by_policy(key.address)

    def _reader(self, principal: str, access: Callable[[str], Access | None],
                candidates: set[str]) -> Reader | None:
        """The principal itself, or through a role it can assume (shortest chain first). Only
        the roles among `candidates` can read (`access` says None for the others): when the
        principal may assume more roles than there are candidates (an operator allowed
        `role/*`), those are found by position in its chain instead of walking all of it."""
        own = access(principal)
        if own is not None and own.level == "yes":
            return Reader(principal, own.level, own.evidence, own.how)
        chosen = Reader(principal, own.level, own.evidence, own.how) if own is not None else None
        chain = self.aws.assumable(principal)
        if len(chain) > len(candidates):
            where = self._chain_positions.get(principal)
            if where is None:
                where = self._chain_positions[principal] = {role: i for i, (role, _, _) in enumerate(chain)}
            chain = [chain[i] for i in sorted(where[r] for r in candidates if r in where)]
        for role, hop_level, hops in chain:
            got = access(role)
            if got is None:
                continue
            level = weakest(hop_level, got.level)
            if level == "no" or (chosen is not None and best(chosen.level, level) == chosen.level):
                continue
            chosen = Reader(principal, level, [*hops, *got.evidence], f"as {role}: {got.how}")
        return chosen

    def _groups_used(self, principal: str, access: Callable[[str], Access | None]) -> list[str]:
        own = access(principal)
        return list(own.groups) if own is not None else []

    def _access(self, actor: str, secret: Secret, key: KeyRef, service: str,
                result: ReaderSet) -> Access | None:
        """Read + decrypt for one identity, no role hops; records near misses in `result`."""
        ctx = self.context(actor, service)
        read: Decision | None = None
        read_action = ""
        denied: Decision | None = None
        for action, target in self.reads(secret):
            if not self._may_allow(actor, action, target):
                continue
            memo = (actor, action, target, service)
            got = self._memo.get(memo) if target.address is None else None
            if got is None:
                got = self.aws.can(actor, action, target, speculative=True, chain=False, context=ctx)
                if target.address is None:  # path targets are shared by every parameter below them
                    self._memo[memo] = got
            if got.denied_by and denied is None:
                denied = got
            if got.level != "no" and (read is None or best(read.level, got.level) != read.level):
                read, read_action = got, f"{action} on {target.label}"
        if read is None:
            if denied is not None and self._identity_allows(actor, secret):
                result.blocked.append(NonReader(actor, "an explicit Deny removes its read access",
                                                list(denied.denied_by)))
            elif self.aws.model.boundaries.get(actor) and self._identity_allows(actor, secret):
                result.blocked.append(NonReader(
                    actor, "its identity policy allows the read but its permissions boundary does not",
                    [e for src in self.aws.model.boundaries[actor] for e in src.evidence]))
            return None
        decrypt = self._decrypt(actor, key, service, ctx)
        if decrypt.level == "no":
            result.blocked.append(NonReader(
                actor, f"may {read_action} but not decrypt: {decrypt.how}", [*read.evidence, *decrypt.evidence]))
            return None
        level = weakest(read.level, decrypt.level)
        groups = tuple(self._groups_in(actor, [*read.evidence, *decrypt.evidence]))
        how = f"{read_action} ({_via(read.evidence)}); {decrypt.how}"
        return Access(level, unique_evidence([*read.evidence, *decrypt.evidence]), how, groups)

    def _may_allow(self, actor: str, action: str, target: Target) -> bool:
        """Cheap, sound pre-check before the engine: can any Allow reach the target at all?
        (an identity statement whose Resource could match it, or a resource policy on it)"""
        if target.address and self.aws.model.resource_policies.get(target.address):
            return True
        items = self._allow_resources(actor, action)
        if items is None:
            return True
        for item in items:
            if isinstance(item, Ref) and item.attribute in ("arn", "id") and item.address in self._defined:
                if item.address == target.address:  # a reference names one resource of the code
                    return True
            elif may_match(item, target.arn):
                return True
        return False

    def _allow_resources(self, actor: str, action: str) -> list[Any] | None:
        """Resource entries of the actor's Allow statements for `action` (None: any resource)."""
        key = (actor, action)
        if key not in self._allows:
            items: list[Any] | None = []
            for grant in self.aws.grants(actor):
                st = grant.statement
                if st.effect != "Allow" or not statement_action_match(st, action):
                    continue
                if st.unknown or st.resources is None:
                    items = None
                    break
                items.extend(st.resources)
            self._allows[key] = items
        return self._allows[key]

    def _groups_in(self, actor: str, evidence: list[Evidence]) -> list[str]:
        """Groups whose membership hop is in the evidence: the actor reads through them."""
        return [group for group, hop in self.aws.model.groups_of.get(actor, []) if hop in evidence]

    def _identity_allows(self, actor: str, secret: Secret) -> bool:
        for action, target in self.reads(secret):
            for grant in self.aws.grants(actor):
                st = grant.statement
                if st.effect == "Allow" and statement_action_match(st, action) \
                        and self._resource_level(st, target) != "no":
                    return True
        return False

    def _resource_level(self, st: Statement, target: Target, principal: str = "") -> Level:
        if st.resources is None and st.not_resources is None:
            return "yes"
        items = st.resources if st.resources is not None else st.not_resources or ()
        level: Level = "no"
        for item in items:
            level = best(level, self.aws.match_resource(item, target, st.policy_variables, principal))
        if st.resources is None:
            return outside_listed(level)
        return level

    # --- KMS -------------------------------------------------------------------------
    def _key_policy(self, address: str | None) -> tuple[list[tuple[Statement, tuple[Evidence, ...]]], str]:
        """Statements of a key's policy and its state: `stated`, `default` (none in the code:
        AWS's default key policy) or `unknown`."""
        key = self.project.resource(address) if address else None
        if key is None:
            return [], "unknown"
        unset = _unset(key, "policy")
        statements = []
        for src in self.aws.model.resource_policies.get(address, []):
            if src.name == address and unset:
                continue  # a plan's "known after apply" for a policy the code never sets
            statements.extend((st, statement_evidence(st, src.evidence)) for st in src.statements)
        if not statements:
            return [], "default"
        return statements, "stated"

    def _decrypt(self, actor: str, key: KeyRef, service: str, ctx: dict[str, Any]) -> Access:
        if key.kind == "aws-managed":
            return Access("yes", [], f"the AWS managed key aws/{service} lets the account's principals "
                                     f"decrypt through {service}")
        if key.kind == "unknown":
            return Access("possible", [], f"kms:Decrypt on {key.text} possible (key policy not in the code)")
        target = Target(self._key_arn(key.address), key.address, key.address)
        statements, state = self._key_policy(key.address)
        direct = self.aws.can(actor, _DECRYPT, target, speculative=True, chain=False, context=ctx,
                              identity=False)
        if direct.denied_by:
            return Access("no", list(direct.denied_by), f"a Deny on kms:Decrypt of {key.address} applies")
        level: Level = direct.level
        evidence = list(direct.evidence)
        how = f"kms:Decrypt granted by the key policy of {key.address}" if level != "no" else ""
        enables: Level = "yes" if state == "default" else "no"
        enable_evidence: list[Evidence] = []
        for st, src_evidence in statements:
            if st.effect != "Allow" or not statement_action_match(st, _DECRYPT):
                continue
            if st.unknown:
                enables = best(enables, "possible")
                got: Level = "possible"
            else:
                kinds = {kind for kind, _ in principal_entries(st, self.aws)}
                cond = _condition_level(st, ctx)
                if "account" in kinds:
                    if best(enables, cond) != enables:
                        enables, enable_evidence = cond, list(src_evidence)
                got = cond if ("everyone" in kinds or st.not_principals is not None) else "no"
            if best(level, got) != level:
                level, evidence = got, list(src_evidence)
                how = f"kms:Decrypt granted by a Principal \"*\" statement of the key policy of {key.address}"
        grant = self._kms_grants(actor, key.address)
        if grant is not None and best(level, grant.level) != level:
            level, evidence, how = grant.level, grant.evidence, grant.how
        if enables != "no":
            via_iam = self.aws.can(actor, _DECRYPT, target, speculative=True, chain=False, context=ctx)
            iam_level = weakest(via_iam.level, enables)
            if best(level, iam_level) != level:
                level = iam_level
                evidence = [*via_iam.evidence, *enable_evidence]
                default = " (default key policy)" if state == "default" else ""
                how = f"kms:Decrypt on {key.address} by its IAM policies, enabled by the key policy{default}"
        if level == "no":
            why = ("its key policy enables IAM policies, but none allows kms:Decrypt" if enables != "no"
                   else "the key policy neither names it nor enables IAM policies")
            return Access("no", enable_evidence or [e for _, ev in statements[:1] for e in ev],
                          f"no kms:Decrypt on {key.address}: {why}")
        return Access(level, evidence, how)

    def _kms_grants(self, actor: str, key: str | None) -> Access | None:
        arn = self._arns.get(actor)
        for r in self.project.by_type("aws_kms_grant"):
            if key not in r.references.get("key_id", []):
                continue
            ops = r.values.get("operations")
            if isinstance(ops, list) and all(isinstance(o, str) for o in ops) and "Decrypt" not in ops:
                continue
            grantee = r.values.get("grantee_principal")
            if isinstance(grantee, Ref) and grantee.address == actor or (
                    isinstance(grantee, str) and arn and resource_match(grantee, arn) == "yes"):
                level: Level = "conditional" if r.values.get("constraints") else "yes"
                return Access(level, [Evidence(address=r.address, detail=f"KMS grant of Decrypt to {actor}",
                                               location=r.location)], f"kms:Decrypt by grant {r.address}")
        return None

    def _key_arn(self, address: str | None) -> str:
        key = self.project.resource(address) if address else None
        known = key.values.get("arn") if key is not None else None
        if isinstance(known, str) and known.startswith("arn:"):
            return known
        return (arn_of(key) if key is not None else None) or "arn:aws:kms:*:*:key/*"

    # --- resource policy principals the engine does not enumerate ----------------------
    def _resource_policy_readers(self, secret: Secret, key: KeyRef, service: str,
                                 result: ReaderSet) -> list[Reader]:
        """Readers that a secret's resource policy names but the code does not define:
        everyone (`*`), other accounts, principals known only by ARN, services."""
        if secret.resource.type != SECRETS_MANAGER:
            return []
        out: list[Reader] = []
        address = secret.address
        arn = secret_arn(secret.resource)
        target = Target(arn, address, address)
        unset = _unset(secret.resource, "policy")
        for src in self.aws.model.resource_policies.get(address, []):
            if src.name == address and unset:
                continue
            for st in src.statements:
                if st.effect != "Allow" or not any(statement_action_match(st, a) for a in _SECRETSMANAGER_READ):
                    continue
                if st.unknown:
                    result.notes.append(f"{src.name}: a statement of the resource policy is unknown; it may "
                                        "name more readers")
                    continue
                if self._resource_level(st, target) == "no":
                    continue
                evidence = statement_evidence(st, src.evidence)
                out.extend(self._named_readers(st, evidence, key, service, result))
                if st.principals and any(c.key.lower() in _ARN_KEYS for c in st.conditions) \
                        and any(kind == "everyone" for kind, _ in principal_entries(st, self.aws)):
                    out.extend(self._pinned_readers(st, evidence, secret, key, service, target))
        return out

    def _pinned_readers(self, st: Statement, evidence: tuple[Evidence, ...], secret: Secret, key: KeyRef,
                        service: str, target: Target) -> list[Reader]:
        """Principal "*" narrowed by aws:PrincipalArn: the code's principals that the condition
        admits read through the resource policy alone (same account: either side suffices)."""
        out = []
        for principal in self._principals:
            ctx = self.context(principal.id, service)
            level = _condition_level(st, ctx)
            if level == "no":
                continue
            if self.aws.can(principal.id, _SECRETSMANAGER_READ[0], target, chain=False, context=ctx).denied_by:
                continue
            decrypt = self._decrypt(principal.id, key, service, ctx)
            level = weakest(level, decrypt.level)
            if level != "no":
                out.append(Reader(principal.id, level, [*evidence, *decrypt.evidence],
                                  f"GetSecretValue by the resource policy (Principal \"*\" with aws:PrincipalArn); "
                                  f"{decrypt.how}"))
        return out

    def _named_readers(self, st: Statement, evidence: tuple[Evidence, ...], key: KeyRef, service: str,
                       result: ReaderSet) -> list[Reader]:
        out: list[Reader] = []
        entries = principal_entries(st, self.aws)
        everyone = st.not_principals is not None or any(kind == "everyone" for kind, _ in entries)
        if everyone:
            keys = {c.key.lower() for c in st.conditions}
            arns = [v for c in st.conditions if c.key.lower() in _ARN_KEYS for v in c.values]
            if is_wildcard_principal(st):
                scope, who = "public", "everyone (Principal \"*\" without a condition that limits who)"
            elif arns:
                scope, who = None, ""
                entries = entries + [("arn", v) for v in arns if not self._names_code_principal(v)]
            elif keys & set(_ORG_KEYS):
                scope, who = "organisation", "everyone in the organisation (aws:PrincipalOrgID)"
            elif keys & set(_ACCOUNT_KEYS):
                scope, who = "account", "everyone in the account (aws:PrincipalAccount)"
            else:
                scope, who = None, "everyone the statement's conditions let through"
            if who:
                level = _condition_level(st, self.context("*", service), public=True)
                decrypt = self._decrypt_external("*", key, service)
                level = weakest(level, decrypt.level)
                if level != "no":
                    out.append(Reader("*", level, list(evidence), f"{who}; {decrypt.how}", scope=scope))
                else:
                    result.blocked.append(NonReader("*", f"the resource policy lets {who} call GetSecretValue, "
                                                         f"but {decrypt.how}", list(evidence)))
        for kind, value in entries:
            if kind in ("everyone", "code"):
                continue
            text = _text(value)
            if kind == "account":
                if _own_account(value):
                    continue  # the own account's root delegates to IAM: readers already computed
                how = (f"account {text} named: every principal that account's IAM policies allow "
                       "(if it is another account)")
                level: Level = "possible"
            elif kind == "service":
                how, level = f"service principal {text} named in the resource policy", "possible"
            elif kind == "arn":
                if self._names_code_principal(value):
                    continue
                how, level = "named by ARN in the resource policy (not defined in the code)", (
                    "yes" if isinstance(value, str) else "possible")
            else:
                continue
            level = weakest(level, _condition_level(st, {}))
            decrypt = self._decrypt_external(text, key, service)
            level = weakest(level, decrypt.level)
            if level == "no":
                result.blocked.append(NonReader(text, f"named in the resource policy, but {decrypt.how}",
                                                list(evidence)))
                continue
            out.append(Reader(text, level, list(evidence), f"{how}; {decrypt.how}"))
        return out

    def _names_code_principal(self, value: Any) -> bool:
        """An ARN that may be a principal the code creates (the engine counts it there). Not
        the identity running Terraform: its ARN is unknown (`*`), and an ARN other than its
        own `.arn` names someone else (AwsAccess.principal_level), to be counted as written."""
        if isinstance(value, Ref):
            return value.address in self.aws.model.principals
        return any(resource_match(value, arn) != "no" for p, arn in self._arns.items()
                   if self.aws.model.principals.get(p) is not None and self.aws.model.kinds.get(p) != "caller")

    def _decrypt_external(self, who: str, key: KeyRef, service: str) -> Access:
        """kms:Decrypt for a principal the code does not define (its IAM policies are unknown)."""
        if key.kind == "aws-managed":
            if who == "*":
                return Access("yes", [], f"the AWS managed key aws/{service} lets every principal of the "
                                         "account decrypt")
            return Access("possible", [], f"the AWS managed key aws/{service} decrypts only for the "
                                          "secret's own account")
        if key.kind == "unknown":
            return Access("possible", [], f"kms:Decrypt on {key.text} possible (key policy not in the code)")
        statements, state = self._key_policy(key.address)
        if state == "default":
            return Access("possible", [], f"{key.address} has the default key policy: its own account's IAM "
                                          "policies decide")
        level: Level = "no"
        how = f"the key policy of {key.address} does not let it decrypt"
        for st, _ in statements:
            if not statement_action_match(st, _DECRYPT):
                continue
            entries = principal_entries(st, self.aws)
            names = st.unknown or any(kind == "everyone" for kind, _ in entries) or any(
                kind == "arn" and who != "*" and (_text(v) == who or resource_match(_text(v), who) == "yes")
                for kind, v in entries)
            if st.effect == "Deny" and names and not st.conditions and not st.unknown:
                return Access("no", [], f"the key policy of {key.address} denies kms:Decrypt")
            if st.effect != "Allow":
                continue
            if names:
                got = "possible" if st.unknown else _condition_level(st, self.context("*", service), public=True)
                if best(level, got) != level:
                    level, how = got, f"the key policy of {key.address} lets it decrypt"
            elif any(kind == "account" for kind, _ in entries) and level == "no":
                level, how = "possible", (f"the key policy of {key.address} enables IAM policies of its "
                                          "account, which the code does not state for this principal")
        return Access(level, [], how)

    # --- request context -----------------------------------------------------------------
    def context(self, actor: str, service: str) -> dict[str, Any]:
        """Condition keys a read through `service` fixes: kms:ViaService is the service (in the
        secret's region, which the code may not state); the principal's own ARN and account."""
        arn = self._arns.get(actor)

        def via(cond: Condition) -> bool | None:
            return judge_condition(cond, lambda v: _service_match(v, service), folds_case=True)

        def principal_arn(cond: Condition) -> bool | None:
            if arn is None:
                return None
            return judge_condition(cond, lambda v: _arn_match(v, arn, actor))

        def account(cond: Condition) -> bool | None:
            return judge_condition(cond, lambda v: "yes" if _own_account(v) else "possible", folds_case=True)

        return {"kms:viaservice": via, "aws:principalarn": principal_arn,
                "aws:principalaccount": account, "kms:calleraccount": account}

    # --- every secret (SOD303) ---------------------------------------------------------
    def reads_everything(self) -> list[ReadsAll]:
        out = []
        kinds = self.aws.model.kinds
        candidates = [p.id for p in self._principals] + sorted(p for p, k in kinds.items() if k == "group")
        for principal in candidates:
            resource = self.aws.model.principals.get(principal)
            for action, arn, what in EVERY_SECRET:
                evidence = self._reads_all(principal, action, arn)
                if evidence is not None:
                    out.append(ReadsAll(principal, what, evidence, resource.location if resource else None))
        return out

    def _reads_all(self, principal: str, action: str, arn: str) -> list[Evidence] | None:
        target = Target(arn, None, arn)
        actors = [(principal, ())] + [(role, hops) for role, level, hops in self.aws.assumable(principal)
                                      if level == "yes"]
        for actor, hops in actors:
            got = self.aws.can(actor, action, target, chain=False)
            if got.level != "yes" or self._denies_some(actor, action, target):
                continue
            return [*hops, *got.evidence]
        return None

    def _denies_some(self, actor: str, action: str, target: Target) -> bool:
        sources = [g.statement for g in self.aws.grants(actor)]
        sources += [st for src in self.aws.model.scps for st in src.statements]
        return any(st.effect == "Deny" and statement_action_match(st, action)
                   and self._resource_level(st, target, actor) != "no" for st in sources)


# --- helpers ----------------------------------------------------------------------------

def secret_arn(resource: Resource) -> str:
    """ARN pattern of a secret: its `arn` when known (a plan of existing resources), else built
    from the name or `name_prefix` (aws_arns.arn_of)."""
    return arn_of(resource) or "*"


def parameter_paths(name: str | None) -> list[str]:
    """Every path above a hierarchical parameter: `/app/db/password` -> /app/db, /app, /."""
    if not name or not name.startswith("/"):
        return []
    parts = name.strip("/").split("/")[:-1]
    paths = ["/" + "/".join(parts[:i]) for i in range(len(parts), 0, -1)]
    return paths + ["/"]


def path_arn(path: str) -> str:
    return f"arn:aws:ssm:*:*:parameter/{path.strip('/')}"


def principal_entries(st: Statement, aws: AwsAccess) -> list[tuple[str, Any]]:
    """Principal entries of a resource-policy statement: ("everyone"|"account"|"code"|"arn"|
    "service", value)."""
    out: list[tuple[str, Any]] = []
    for kind, values in (st.principals or {}).items():
        for value in values:
            if kind == "Service":
                out.append(("service", value))
            elif kind not in ("AWS", "*"):
                continue
            elif value == "*":
                out.append(("everyone", value))
            elif isinstance(value, Ref) and value.address in aws.model.principals and not _is_account(value):
                out.append(("code", value))
            elif _is_account(value):
                out.append(("account", value))
            elif isinstance(value, Unknown) and not isinstance(value, Ref):
                out.append(("arn", value))
            else:
                out.append(("arn", value))
    return out


def _is_account(value: Any) -> bool:
    if isinstance(value, str):
        return bool(re.fullmatch(r"\d{12}", value)) or value.endswith(":root")
    if isinstance(value, Ref):
        return value.attribute == "account_id"  # the caller's arn and user_id name itself
    if isinstance(value, Template):
        last = value.parts[-1]
        return isinstance(last, str) and last.endswith(":root")
    return False


def _own_account(value: Any) -> bool:
    """The value names the account the code runs in (data.aws_caller_identity)."""
    refs = [value] if isinstance(value, Ref) else list(value.refs) if isinstance(value, Template) else []
    return bool(refs) and all(data_source_type(r.address) == CALLER for r in refs)


def _unset(resource: Resource, arg: str) -> bool:
    """The argument is not set in the code (a plan shows such computed arguments as
    "known after apply", without a reference)."""
    value = resource.values.get(arg)
    return value is None or value == "" or (
        type(value) is Unknown and value.reason == "known after apply" and not resource.references.get(arg))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _service_match(value: Any, service: str) -> str:
    if not isinstance(value, str):
        return "possible"
    v = value.lower()
    probes = [f"{service}.us-east-1.amazonaws.com", f"{service}.eu-west-3.amazonaws.com"]
    regex = glob_regex(v)
    hits = sum(1 for p in probes if regex.fullmatch(p))
    if hits == len(probes):
        return "yes"
    if hits or re.fullmatch(rf"{re.escape(service)}\.[a-z0-9-]+\.amazonaws\.com(\.cn)?", v):
        return "possible"
    return "no"


def _arn_match(value: Any, arn: str, actor: str) -> str:
    if isinstance(value, Ref):
        return "yes" if value.address == actor else "no"
    if not isinstance(value, str):
        return "possible"
    got = resource_match(value, arn)
    return got


def _condition_level(st: Statement, ctx: dict[str, Any], public: bool = False) -> Level:
    """Conditions of a resource-policy statement for a reader: the engine's classification,
    with the keys the question knows judged. For `*` readers (`public`), identity keys that
    only narrow *who* (organisation, account) do not stop the population from reading."""
    from sod_iac.access.aws import condition_level

    if public:
        kept = tuple(c for c in st.conditions if c.key.lower() not in _ORG_KEYS + _ACCOUNT_KEYS
                     and c.key.lower() != "aws:securetransport")
        st = Statement(st.effect, st.actions, st.not_actions, st.resources, st.not_resources, st.principals,
                       st.not_principals, kept, st.sid, st.index, st.unknown, st.policy_variables)
    return condition_level(st, ctx)


def _via(evidence: list[Evidence]) -> str:
    """The policies a grant comes from, each named once (a statement hop and its policy's hop
    share an address)."""
    if not evidence:
        return "resource policy"
    return ", ".join(list(dict.fromkeys(e.address for e in evidence))[:2])


