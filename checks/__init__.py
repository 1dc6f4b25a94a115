"""Checkov external checks for sod-iac (see sod_iac_checks.py and README "Use with Checkov").

Checkov loads only folders that have an `__init__.py`; it never imports this file itself.
"""
