"""`sod-iac rules` and `sod-iac explain`: the catalog, and one rule's page."""

from __future__ import annotations

import json
from typing import Any

import click

from sod_iac.cli.common import fail, guarded
from sod_iac.cli.options import CONTEXT_SETTINGS


@click.command(context_settings=CONTEXT_SETTINGS)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: an aligned table; json: a list of rule objects.")
def rules(fmt: str) -> None:
    """List every rule: id, family, default severity, status and title.

    Status is `implemented` for rules that run in a scan and `planned` for catalogued rules
    whose check is not written yet. `sod-iac explain ID` shows a rule in full.
    """
    with guarded():
        from sod_iac.rules import all_rules

        catalog = all_rules()
        if fmt == "json":
            rows = [{"id": r.id, "family": r.family, "severity": r.severity, "status": r.status,
                     "title": r.title} for r in catalog]
            click.echo(json.dumps(rows, indent=2))
            return
        table = [("ID", "FAMILY", "SEVERITY", "STATUS", "TITLE")]
        table += [(r.id, r.family, r.severity, r.status, r.title) for r in catalog]
        widths = [max(len(row[i]) for row in table) for i in range(4)]
        for row in table:
            click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[4])


@click.command(context_settings=CONTEXT_SETTINGS, short_help="Explain a rule: rationale, example, fix, references.")
@click.argument("rule_id", metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="text for the terminal, markdown for docs and PRs, json for tools.")
def explain(rule_id: str, fmt: str) -> None:
    """Explain one rule: why it matters, a bad and a fixed example, the fix and references.

    ID is a rule id such as SOD101 (case does not matter); `sod-iac rules` lists them all.
    """
    with guarded():
        from sod_iac.report import rule_help
        from sod_iac.rules import get_rule

        try:
            meta = get_rule(rule_id)
        except KeyError:
            fail(f"unknown rule {rule_id!r}; run 'sod-iac rules' to list the rules")
        if fmt == "json":
            click.echo(json.dumps(rule_help.as_dict(meta), indent=2, ensure_ascii=False))
        elif fmt == "markdown":
            click.echo(rule_help.markdown(meta), nl=False)
        else:
            click.echo(explanation(meta), nl=False)


def explanation(meta: Any) -> str:
    """The plain-text page `explain` prints (sod_iac.report.rule_help renders it)."""
    from sod_iac.report import rule_help

    return rule_help.text(meta)
