"""Regenerate the golden report files: `cd tests && python -m golden`, then read `git diff
tests/golden` line by line before committing (a difference is a change in what users see)."""

from golden.render import write_all

changed = write_all()
print("\n".join(f"rewrote tests/golden/{name}" for name in changed) or "golden files unchanged")
