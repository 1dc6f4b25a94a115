"""GCP's resource hierarchy as the engine and its readers see it.

A module of its own, below the engine (gcp.py), its escalation reachers (gcp_escalation.py) and
the secret readers, so they share these names without importing one another.
"""

CONTAINER_KINDS = ("organization", "folder", "project")
"""Scopes whose bindings reach every resource inside them (the resource hierarchy)."""
