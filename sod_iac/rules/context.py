"""What a check sees (Context): the project, the access graph and the rule settings, and how it
builds a finding (catalog metadata, location at the module call, identity).

Apart from the registry so that the registry, which discovers the rule modules, never imports
the settings they declare (rules/options.py builds its table from the registry).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sod_iac.core.model import Evidence, Finding, LoadError, Location, Project, Resource, fingerprint
from sod_iac.rules.options import resolve, resolve_resource
from sod_iac.rules.registry import get_rule


@dataclass
class Context:
    """What a check sees: the project, the access graph (once built) and rule settings.

    `errors` collects rule failures so one broken rule never hides the others' findings.
    """

    project: Project
    access: object | None = None
    config: dict[str, Any] = field(default_factory=dict)
    errors: list[LoadError] = field(default_factory=list)
    unit: str = ""
    """The analysis unit's key (sod_iac.pipeline.units) when the project is judged in several units,
    else empty: then findings carry the root module of their anchor in their identity."""

    @property
    def duties(self) -> Any:
        """The duty catalog service (sod_iac.access.duties), built once per scan."""
        from sod_iac.access.duties.service import duties_for

        return duties_for(self)

    def option(self, rule_id: str, name: str, *, address: str | None = None) -> Any:
        """Setting `name` of rule `rule_id` for the resource at `address` (the finding's anchor):
        `resources` (exact address, then the most specific wildcard), then `rules.ID`, then the
        top level, then the default of the rule's Options (sod_iac/rules/options.py)."""
        return resolve(self.config, rule_id, name, address)

    def resource_option(self, rule_id: str, name: str, address: str) -> Any:
        """Only what `resources` sets for this address (None when no entry does): for a rule whose
        resource carries its own value, ranked between per-resource and rule-wide settings."""
        return resolve_resource(self.config, rule_id, name, address)[1]

    def finding(
        self,
        rule_id: str,
        resource: str,
        message: str,
        *,
        principal: str | None = None,
        principals: Iterable[str] | None = None,
        secret: str | None = None,
        duties: Sequence[str] = (),
        evidence: Iterable[Evidence] = (),
        location: Location | None = None,
        severity: str | None = None,
        root: str | None = None,
        qualifier: str = "",
    ) -> Finding:
        """Build a Finding whose family/severity/title come from the catalog, and its identity.

        The location defaults to the anchor resource's; for a resource of a called module it is
        the `module` block of the scanned root instead (with a hop naming the module's folder),
        while `resource` and the identity stay the resource's; `severity` overrides the catalog
        default for a worse variant of the same problem (e.g. a public state bucket). The
        identity (model.fingerprint) is made here, never by the rule: `qualifier` is what the
        rule adds to it (see there), `root` the anchor's root module when the anchor is not a
        resource of the project (a backend's folder; "" for a file of the whole repository).
        """
        meta = get_rule(rule_id)
        principals = sorted(set(principals)) if principals is not None else None
        anchor = self.project.resource(resource)
        if location is None:
            location = anchor.location if anchor is not None else None
        evidence = list(evidence)
        if anchor is not None and anchor.call_site is not None and location == anchor.location:
            location, evidence = anchor.call_site, [*evidence, *_module_hops(anchor)]
        identity_root, qualifier = self._identity(anchor, root, qualifier)
        return Finding(
            rule_id=meta.id,
            family=meta.family,
            severity=severity or meta.severity,
            title=meta.title,
            message=message,
            resource=resource,
            principal=principal,
            principals=principals,
            secret=secret,
            duties=list(duties),
            location=location,
            evidence=evidence,
            fingerprint=fingerprint(meta.id, resource, duties, principal, root=identity_root, qualifier=qualifier),
        )

    def anchor(self, principal: str, evidence: Iterable[Evidence],
               location: Location | None = None) -> tuple[str, Location | None]:
        """Where a principal's finding is anchored: the principal's own resource when the code
        creates it; else the grant a reviewer must change, i.e. the first resource of the code in
        the evidence (a resource before a data source: `data "azurerm_client_config"` or a policy
        document only reads or renders, the role assignment or policy grants); else the
        principal as written. `location`: the principal's own, when known."""
        own = self.project.resource(principal)
        if own is not None and own.mode == "managed":
            return principal, location or own.location
        found = [r for e in evidence if (r := self.project.resource(e.address)) is not None]
        for r in sorted(found, key=lambda r: r.mode != "managed"):
            if r.mode == "managed" or own is None:
                return r.address, r.location
        return principal, location or (own.location if own is not None else None)

    def _identity(self, anchor: Resource | None, root: str | None, qualifier: str) -> tuple[str, str]:
        """The (root, qualifier) of a finding's identity. A project judged as one unit adds no
        root, except the one a rule names for an anchor whose address does not tell its root
        module (a backend: every root's is `terraform.backend.<type>`), as the qualifier
        `@folder`. A project judged in several units adds the root module of the anchor: the
        one the rule names, or the anchor resource's, or (an anchor that is no resource here,
        an ARN or a member) the unit's, the only place it is known to come from."""
        if not self.unit:
            return "", (f"@{root}" if root not in (None, "", ".") else "") + qualifier
        if root is None:
            root = anchor.root if anchor is not None and anchor.root else self.unit
        return root, qualifier


_MODULE_CALL = re.compile(r'^module\.[^.\[]+(\[(?:"[^"]*"|[^\]]*)\])?')


def _module_hops(anchor: Resource) -> list[Evidence]:
    """Where a resource of a reusable module is, for a finding shown at the root's `module`
    block: the resource's own block in the module's folder, then that `module` block."""
    call = _MODULE_CALL.match(anchor.address)
    return [Evidence(address=anchor.address, detail=f"declared in the module at {anchor.module_dir or '?'}",
                     location=anchor.location),
            Evidence(address=call.group(0) if call else anchor.module,
                     detail=f"calls the module at {anchor.module_dir or '?'}", location=anchor.call_site)]
