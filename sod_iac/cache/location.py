"""Where the user cache lives: one definition for every cache and the signing key."""

from __future__ import annotations

from pathlib import Path

import platformdirs


def default_dir() -> Path:
    """The user cache directory, per user and outside any scanned tree (platformdirs: on Linux
    $XDG_CACHE_HOME/sod-iac, or ~/.cache/sod-iac when it is unset or relative)."""
    return platformdirs.user_cache_path("sod-iac", appauthor=False)
