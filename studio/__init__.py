"""The studio: the Qt desktop application, and ``studio.cli``, the headless command line.

Importing the package guards the process against a reference-counting defect of the installed
PySide6 (6.12) on Python 3.11: a Python ``paint()`` override returning ``None``, and every call
of a void Qt method, drop one reference to ``None`` (some calls drop one to ``True``/``False``)
that was never taken. After a few thousand calls the count reaches zero and the interpreter
aborts ("Fatal Python error: none_dealloc"). Python 3.12 makes these singletons immortal
(PEP 683); :func:`pin_singletons` gives them the same protection on older interpreters by
adding a reference count no program can use up. It is here, not in a Qt module, so that every
process that imports any part of the studio is protected before its first Qt call.
"""


from __future__ import annotations

import ctypes
import sys

__all__ = ["pin_singletons"]

_PINNED = 1 << 40


def pin_singletons() -> None:
    """Make ``None``, ``True`` and ``False`` practically immortal (before Python 3.12)."""
    if sys.version_info >= (3, 12):  # pragma: no cover - immortal already
        return
    for singleton in (None, True, False):
        if sys.getrefcount(singleton) < _PINNED:
            ctypes.c_ssize_t.from_address(id(singleton)).value += _PINNED


pin_singletons()
