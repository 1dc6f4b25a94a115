"""`python -m sod_iac` runs the same CLI as the `sod-iac` console script."""

from sod_iac.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through subprocess tests
    main(prog_name="sod-iac")
