"""CLI commands beyond `scan`, `rules` and `explain`, one module each, registered in cli.py."""
