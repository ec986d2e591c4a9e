"""The api editor (being built: this module only has its entry point so far)."""

from __future__ import annotations

from typing import Any

__all__ = ["install"]


def install(window: Any) -> None:
    """Add the api editor's actions to window (nothing yet)."""
