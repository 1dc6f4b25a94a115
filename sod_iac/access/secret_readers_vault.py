"""Readers of HashiCorp Vault KV secrets (no Vault engine exists besides this one).

What the Vault documentation says ("Policies" concept page, KV v1/v2 API docs):

- Secrets: `vault_kv_secret_v2` is read at `<mount>/data/<name>`; `vault_kv_secret` (KV v1)
  at its `path`; `vault_generic_secret` at its `path` (the provider writes a KV v2 mount at
  `<mount>/data/<rest>`, so both forms are tried).
- Policies (`vault_policy`, or `data "vault_policy_document"`) are `path "<pattern>" {
  capabilities = [...] }` rules. `*` is a glob only as the last character (a prefix match);
  `+` stands for exactly one path segment. Reading a value needs the `read` capability.
- "Policy paths are matched using the most specific defined policy": of all rules of all the
  token's policies that match a path, the one with the highest priority applies (priority:
  the first wildcard later; not ending in `*`; fewer `+` segments; longer; lexically greater),
  and rules for the very same pattern are merged. `deny` on that rule wins over everything.
  So a `deny` on a more specific path removes a reader; a broader `deny` under a more specific
  `read` does not.
- Who holds policies: tokens from auth-method roles (`token_policies`, legacy `policies`, of
  every `vault_*_auth_backend_role`, `vault_token_auth_backend_role.allowed_policies`),
  identity entities and groups (`policies`, `vault_identity_*_policies`), LDAP/Okta/GitHub
  groups and users, and `vault_token`. The built-in `root` policy reads everything; the
  built-in `default` policy reads no KV path, but if the code redefines `default`, its rules
  apply to every token: a population reader (SOD302).
A policy whose text or whose definition the code does not give reads "possibly" anything.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from sod_iac.access.cloud_common import as_list, hop
from sod_iac.access.graph import Level
from sod_iac.access.secret_model import Reader, ReaderSet, ReadsAll, Secret
from sod_iac.core.model import Evidence, Project, Resource
from sod_iac.core.values import Ref, Template, Unknown

SECRET_TYPES = ("vault_kv_secret_v2", "vault_kv_secret", "vault_generic_secret")
_HOLDER_ARGS = ("token_policies", "policies", "allowed_policies")
_EXTRA_HOLDERS = {"vault_identity_entity_policies": "entity_id", "vault_identity_group_policies": "group_id"}
_PROBE = "zz-sod-iac-probe"
_ANY_MOUNT = (f"~{_PROBE}~/data/{_PROBE}", f"~{_PROBE}~/{_PROBE}")
"""Paths at a mount no policy names (`~` starts no real mount path): read only through a rule
whose first segment is a wildcard."""


@dataclass(frozen=True)
class PathRule:
    pattern: str
    capabilities: frozenset[str]
    policy: str  # name
    evidence: tuple[Evidence, ...]


@dataclass
class Policy:
    name: str
    rules: list[PathRule] = field(default_factory=list)
    known: bool = True
    evidence: tuple[Evidence, ...] = ()


@dataclass
class Holder:
    """A principal that gets tokens with policies: an auth role, an entity, a group, a token."""

    address: str
    policies: list[tuple[str, Evidence]] = field(default_factory=list)  # (policy name or address, hop)


def pattern_regex(pattern: str) -> re.Pattern[str]:
    glob = pattern.endswith("*")
    body = pattern[:-1] if glob else pattern
    parts = ["[^/]+" if ch == "+" else re.escape(ch) for ch in body]
    return re.compile("".join(parts) + (".*" if glob else ""))


def priority(pattern: str) -> tuple[int, bool, int, int, str]:
    """Higher sorts first: Vault's documented order of precedence between matching paths."""
    wild = [i for i, ch in enumerate(pattern) if ch in "+*"]
    return (wild[0] if wild else len(pattern), not pattern.endswith("*"), -pattern.count("+"),
            len(pattern), pattern)


def parse_policy_text(text: str) -> list[tuple[str, frozenset[str]]] | None:
    """(pattern, capabilities) of an HCL or JSON Vault policy; None when it cannot be read."""
    text = text.strip()
    if text.startswith("{"):
        try:
            doc = json.loads(text)
        except ValueError:
            return None
        paths = doc.get("path") if isinstance(doc, dict) else None
        if not isinstance(paths, dict):
            return None
        return [(p, _capabilities(body)) for p, body in paths.items() if isinstance(body, dict)]
    out = []
    text = re.sub(r"(?m)(^|\s)(#|//).*$", r"\1", text)
    for match in re.finditer(r'path\s+"([^"]*)"\s*\{(.*?)\}', text, re.S):
        body = match.group(2)
        caps = re.search(r"capabilities\s*=\s*\[(.*?)\]", body, re.S)
        old = re.search(r'policy\s*=\s*"(\w+)"', body)
        values: dict[str, Any] = {}
        if caps:
            values["capabilities"] = re.findall(r'"([^"]*)"', caps.group(1))
        if old:
            values["policy"] = old.group(1)
        out.append((match.group(1), _capabilities(values)))
    return out


def _capabilities(body: dict) -> frozenset[str]:
    caps = {str(c).lower() for c in as_list(body.get("capabilities"))}
    old = str(body.get("policy", "")).lower()
    caps |= {"read": {"read", "list"}, "write": {"read", "list", "create", "update", "delete"},
             "sudo": {"read", "list", "create", "update", "delete", "sudo"}, "deny": {"deny"}}.get(old, set())
    return frozenset(caps)


class VaultSecretReaders:
    def __init__(self, project: Project) -> None:
        self.project = project
        self.policies: dict[str, Policy] = {}  # by name (and by address)
        self.holders: dict[str, Holder] = {}
        self._mounts: dict[str, str] = {}  # vault_mount address -> path
        self._build()

    # --- model -----------------------------------------------------------------------
    def _build(self) -> None:
        for r in self.project.resources:
            if r.type == "vault_mount" and isinstance(r.values.get("path"), str):
                self._mounts[r.address] = r.values["path"].strip("/")
            if r.type == "vault_policy" and r.mode == "managed":
                self._policy(r, r.values.get("name"), r.values.get("policy"))
        for r in self.project.resources:
            if r.mode != "managed":
                continue
            if r.type in _EXTRA_HOLDERS:
                target = r.references.get(_EXTRA_HOLDERS[r.type], [])
                address = target[0] if target else r.address
                self._hold(address, r, r.values.get("policies"), r.references.get("policies", []))
            elif r.type.startswith("vault_") and r.type not in ("vault_policy",) and any(
                    arg in r.values for arg in _HOLDER_ARGS) and _is_holder(r.type):
                for arg in _HOLDER_ARGS:
                    if arg in r.values:
                        self._hold(r.address, r, r.values.get(arg), r.references.get(arg, []))

    def _policy(self, r: Resource, name: Any, text: Any) -> None:
        label = name if isinstance(name, str) else r.address
        evidence = (hop(r, f"Vault policy {label}"),)
        rules: list[tuple[str, frozenset[str]]] | None = None
        source = text
        if isinstance(text, Ref) and text.address.startswith("data."):
            source = self.project.resource(text.address)
        if isinstance(source, Resource) and source.type == "vault_policy_document":
            rules = [(b.get("path"), _capabilities(b)) for b in as_list(source.values.get("rule"))
                     if isinstance(b, dict) and isinstance(b.get("path"), str)]
            evidence = (*evidence, hop(source, "policy document"))
        elif isinstance(text, str):
            rules = parse_policy_text(text)
        policy = Policy(label, known=rules is not None, evidence=evidence)
        for pattern, caps in rules or []:
            detail = f'path "{pattern}" {{ capabilities = {sorted(caps)} }}'
            policy.rules.append(PathRule(pattern, caps, label, (Evidence(
                address=r.address, detail=f"policy {label}: {detail}", location=r.location), *evidence[1:])))
        self.policies[label] = policy
        self.policies[r.address] = policy

    def _hold(self, address: str, r: Resource, value: Any, refs: list[str]) -> None:
        holder = self.holders.setdefault(address, Holder(address))
        items = as_list(value)
        if isinstance(value, (Unknown, Template)) and not isinstance(value, Ref):
            items = [value]
        for item in items:
            if isinstance(item, Ref) and item.address in self.policies:
                name = item.address
            elif isinstance(item, str):
                name = item
            else:
                candidates = [a for a in refs if a in self.policies]
                name = candidates[0] if len(candidates) == 1 else str(item)
            holder.policies.append((name, hop(r, f"gives tokens the policy {self._label(name)}")))

    def _label(self, name: str) -> str:
        policy = self.policies.get(name)
        return policy.name if policy is not None else name

    # --- secrets ---------------------------------------------------------------------
    def secrets(self) -> list[Secret]:
        out = []
        for r in self.project.resources:
            if r.mode == "managed" and r.type in SECRET_TYPES:
                paths = self.paths(r)
                out.append(Secret(r.address, "vault", "Vault KV secret", paths[0] if paths else None, r, None))
        return out

    def paths(self, r: Resource) -> list[str]:
        """API paths at which the secret's value is read (several when the KV version is unsure)."""
        if r.type == "vault_kv_secret_v2":
            mount = self._mount(r.values.get("mount"))
            name = r.values.get("name")
            if mount is None or not isinstance(name, str):
                return []
            return [f"{mount}/data/{name.strip('/')}"]
        path = r.values.get("path")
        if not isinstance(path, str):
            return []
        path = path.strip("/")
        if r.type == "vault_kv_secret" or "/data/" in path:
            return [path]
        mount = next((m for m in sorted(self._mounts.values(), key=len, reverse=True)
                      if path.startswith(m + "/")), path.split("/", 1)[0])
        rest = path[len(mount) + 1:]
        return [path, f"{mount}/data/{rest}"]

    def _mount(self, value: Any) -> str | None:
        if isinstance(value, str):
            return value.strip("/")
        if isinstance(value, Ref) and value.address in self._mounts:
            return self._mounts[value.address]
        return None

    # --- reading ---------------------------------------------------------------------
    def decide(self, policy_names: list[str], path: str) -> tuple[Level, list[Evidence]]:
        """Can a token holding these policies read `path`?"""
        if "root" in policy_names and "root" not in self.policies:
            return "yes", []
        rules: list[PathRule] = []
        unknown = []
        for name in policy_names:
            policy = self.policies.get(name)
            if policy is None:
                if name != "default":
                    unknown.append(name)
                continue
            if not policy.known:
                unknown.append(policy.name)
            rules.extend(policy.rules)
        matching = [r for r in rules if pattern_regex(r.pattern).fullmatch(path)]
        if matching:
            top = max(priority(r.pattern) for r in matching)
            winners = [r for r in matching if priority(r.pattern) == top]
            caps = frozenset().union(*(r.capabilities for r in winners))
            evidence = [e for r in winners for e in r.evidence]
            if "deny" in caps:
                return "no", evidence
            if "read" in caps or "sudo" in caps and "read" in caps:
                return "yes", evidence
        if unknown:
            return "possible", []
        return "no", []

    def readers(self, secret: Secret) -> ReaderSet:
        result = ReaderSet(secret)
        paths = self.paths(secret.resource)
        if not paths:
            result.notes.append("the secret's path is not known: every token with an unknown or broad policy "
                                "is a possible reader")
            paths = [f"{_PROBE}/{_PROBE}"]
        default = self.policies.get("default")
        for holder in sorted(self.holders.values(), key=lambda h: h.address):
            names = [n for n, _ in holder.policies]
            if default is not None:
                names.append("default")
            level, evidence = self._best(names, paths)
            if level == "no" and not self.paths(secret.resource):
                level = "possible" if any(self.policies.get(n) is None or not self.policies[n].known
                                          for n in names if n != "default") else "no"
            if level == "no":
                continue
            used = [h for n, h in holder.policies]
            via = ", ".join(self._label(n) for n in names)
            result.readers.append(Reader(holder.address, level, [*used, *evidence],
                                         f"read on {paths[0]} through the policies {via}"))
        if default is not None:
            level, evidence = self._best(["default"], paths)
            if level != "no":
                result.readers.append(Reader("default-policy", level, evidence,
                                             f"the code redefines Vault's default policy, attached to every token: "
                                             f"read on {paths[0]}", scope="all-authenticated"))
        return result

    def _best(self, names: list[str], paths: list[str]) -> tuple[Level, list[Evidence]]:
        level: Level = "no"
        evidence: list[Evidence] = []
        for path in paths:
            got, why = self.decide(names, path)
            if got == "yes":
                return got, why
            if got == "possible" and level == "no":
                level, evidence = got, why
        return level, evidence

    def reads_everything(self) -> list[ReadsAll]:
        """Holders that read every secret: a path at a mount the code does not name (a rule
        whose first segment is `*` or `+`, or the root policy), every secret of the code, and no
        deny anywhere. A rule under one mount (`kv/*`, `secret/data/app/*`) reads that mount or
        prefix only: Vault matches a policy path as a prefix glob (`*` only at the end, `+` one
        segment), so it grants nothing elsewhere, as a Key Vault role on one vault reads that
        vault only. Such holders are counted by each secret's reader set (SOD301), not here."""
        secrets = self.secrets()
        out = []
        for holder in sorted(self.holders.values(), key=lambda h: h.address):
            names = [n for n, _ in holder.policies]
            if any(self.policies.get(n) is None and n not in ("default", "root") for n in names):
                continue
            level, evidence = self._best(names, list(_ANY_MOUNT))
            if level != "yes" or any("deny" in r.capabilities for n in names if n in self.policies
                                     for r in self.policies[n].rules):
                continue
            if any(self._best(names, self.paths(s.resource))[0] != "yes" for s in secrets if self.paths(s.resource)):
                continue
            resource = self.project.resource(holder.address)
            out.append(ReadsAll(holder.address, "every Vault secret, at any mount",
                                [h for _, h in holder.policies] + evidence,
                                resource.location if resource is not None else None))
        return out


def _is_holder(rtype: str) -> bool:
    return (rtype.endswith("_auth_backend_role") or rtype in (
        "vault_token_auth_backend_role", "vault_identity_entity", "vault_identity_group", "vault_token",
        "vault_ldap_auth_backend_group", "vault_ldap_auth_backend_user", "vault_okta_auth_backend_group",
        "vault_okta_auth_backend_user", "vault_github_team", "vault_github_user", "vault_approle_auth_backend_role",
        "vault_jwt_auth_backend_role", "vault_cert_auth_backend_role"))
