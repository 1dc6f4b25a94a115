"""`sod-iac matrix PATH...`: the Separation-of-Duties matrix auditors ask for.

Thin: options as `scan` reads them (sod_iac.pipeline.options), the content from
sod_iac.pipeline.matrix, the formats from sod_iac/report/matrix_*.py, exit codes as `scan`.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
MATRIX_FORMATS = ("markdown", "csv", "html", "json")


def render_matrix(matrix, fmt: str, link_base: str | None = None) -> str:
    """One matrix in one format (the Action uses it for the job summary too)."""
    if fmt == "csv":
        from sod_iac.report import matrix_csv

        return matrix_csv.render(matrix)
    if fmt == "html":
        from sod_iac.report import matrix_html

        return matrix_html.render(matrix, link_base=link_base)
    if fmt == "json":
        from sod_iac.report import matrix_json

        return matrix_json.render(matrix)
    from sod_iac.report import matrix_markdown

    return matrix_markdown.render(matrix, link_base=link_base)


@click.command("matrix", context_settings=CONTEXT_SETTINGS,
               short_help="The SoD matrix: principals x duties, conflicts highlighted.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(MATRIX_FORMATS), default="markdown", show_default=True,
              help="markdown for a PR or job summary, csv for a spreadsheet, html for a self-contained "
                   "page (sortable, filterable, printable), json for tools (schema: "
                   "sod_iac/report/schema/matrix.schema.json).")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the matrix to FILE instead of standard output.")
@click.option("--principal", metavar="GLOB", help="Only principals whose id matches (e.g. 'aws_iam_role.*').")
@click.option("--duty", metavar="GLOB", help="Only duties (columns) whose name matches (e.g. 'key-*').")
@click.option("--environment", metavar="NAME",
              help="Only principals that can change this environment (SOD121's environments).")
@click.option("--only-conflicts", is_flag=True, help="Only principals holding a conflict.")
@click.option("--repo-root", type=click.Path(file_okay=False, path_type=Path),
              help="Repository root, as for `sod-iac scan`.")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A .tfvars or .tfvars.json file, as for terraform -var-file. Repeatable.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Configuration file, as for `sod-iac scan` (default: the nearest .sod-iac.yaml).")
@click.option("--baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="Conflicts whose finding is in this baseline count as suppressed.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), envvar="SOD_IAC_CACHE_DIR",
              help="Parse cache folder, as for `sod-iac scan`.")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the cache.")
def matrix(paths: tuple[Path, ...], fmt: str, output: Path | None, principal: str | None, duty: str | None,
           environment: str | None, only_conflicts: bool, repo_root: Path | None, var_files: tuple[Path, ...],
           config_file: Path | None, baseline: Path | None, cache_dir: Path | None, no_cache: bool) -> None:
    """Show every principal against every duty of the catalog, conflicts highlighted.

    Rows: the principals of the scanned code (AWS roles, users, the identity running Terraform,
    AWS groups as a roll-up of their members, GCP members and service accounts, Azure
    principals, Kubernetes subjects, identities only a rule knows such as GitHub teams), with
    their cloud and the environments they can change. Columns: the duties of the catalog and
    of the config, grouped by the conflict they belong to. A cell is held, possible or not
    held; a held cell names the file:line that grants it. Inputs, config, units and inline
    ignores are those of `sod-iac scan`.

    Exit codes: 0 no highlighted conflict, 1 a highlighted conflict is held and its finding
    is not suppressed, 2 an input could not be analysed or a usage error.
    """
    from sod_iac.cli.common import common_parent, fail, guarded, link_base, parse_cache_dir, write_report
    from sod_iac.pipeline.options import scan_options

    inputs = list(paths) or [Path(".")]
    for path in inputs:
        if not path.exists():
            fail(f"no such file or directory: {path}")
    for name, given in (("--repo-root", repo_root), ("--config", config_file), ("--baseline", baseline)):
        if given is not None and not (given.is_dir() if name == "--repo-root" else given.is_file()):
            fail(f"{name} not found: {given}")
    for var_file in var_files:
        if not var_file.is_file():
            fail(f"--var-file not found: {var_file}")
    with guarded():
        from sod_iac.pipeline.config import ConfigError
        from sod_iac.pipeline.matrix import MatrixFilters, build_matrix, exit_code
        from sod_iac.pipeline.suppress import BaselineError

        root = (repo_root or common_parent(inputs)).absolute()
        try:
            options, _ = scan_options(root, config_file, (), (), None, repo_root=repo_root,
                                      var_files=list(var_files), cache_dir=parse_cache_dir(cache_dir, no_cache),
                                      baseline=baseline)
            result = build_matrix(inputs, options, MatrixFilters(principal=principal, duty=duty,
                                                                 environment=environment,
                                                                 only_conflicts=only_conflicts))
        except (ConfigError, BaselineError) as exc:
            fail(str(exc))
        write_report(render_matrix(result, fmt, link_base=link_base(root)), output)
        for error in result.errors:
            where = f"{error.path}:{error.line}" if error.line else error.path
            click.echo(f"sod-iac: {where}: {error.message}", err=True)
        code = exit_code(result)
    sys.exit(code)
