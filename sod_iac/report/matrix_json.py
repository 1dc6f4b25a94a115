"""`sod-iac matrix --format json`: the matrix as data; its schema is
sod_iac/report/schema/matrix.schema.json, beside the report's."""

from __future__ import annotations

from sod_iac import __version__
from sod_iac.pipeline.matrix import Matrix
from sod_iac.report.json_text import indented


def render(matrix: Matrix) -> str:
    data = matrix.model_dump(mode="json", exclude_none=True)
    return indented({"version": data.pop("version"), "tool": {"name": "sod-iac", "version": __version__}, **data})
