"""The studio's editors: API, schema, query and decision editors that open as tabs.

:data:`EDITORS` is the explicit, ordered registry of their ``install(window)`` functions; the
main window calls each once, and each adds its actions to the window's menus and follows
``window.document_changed``.
"""

from __future__ import annotations

from studio.editors import api, decision, query, schema

__all__ = ["EDITORS"]

EDITORS = (api.install, schema.install, query.install, decision.install)
