"""Running a private server as its own system user when the tests run as root.

PostgreSQL refuses to run as root, and MariaDB wants a non-root user too. When the suite runs
as root (CI does), a server's directory is handed to the service account its Debian package
created (``postgres``, ``mysql``) and its programs are run through ``runuser``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def is_root() -> bool:
    """Tell whether the tests run as root."""
    return os.geteuid() == 0


def private_dir(prefix: str, service_user: str) -> Path:
    """Create a fresh directory in the system temp dir, owned by ``service_user`` under root.

    Not under pytest's ``tmp_path``: that is mode 0700 and root's, so the service user could not
    reach it. The path is kept short because unix socket paths are limited to ~100 bytes.
    """
    path = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    if is_root():
        account = pwd.getpwnam(service_user)
        os.chown(path, account.pw_uid, account.pw_gid)
    return path


def as_service_user(argv: Sequence[str], service_user: str) -> list[str]:
    """Prefix ``argv`` with ``runuser`` when root, so it runs as ``service_user``."""
    if is_root():
        return ["runuser", "-u", service_user, "--", *argv]
    return list(argv)


def service_user_exists(name: str) -> bool:
    """Tell whether the system account ``name`` exists."""
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def run(argv: Sequence[str], cwd: Path, what: str) -> str:
    """Run ``argv`` and return its output; raise with that output when it fails."""
    done = subprocess.run(
        argv, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=180
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"{what} failed (exit {done.returncode}): {' '.join(argv)}\n"
            f"{done.stdout}\n{done.stderr}"
        )
    return done.stdout


def wait_until(ready: Callable[[], bool], timeout: float, what: str, log: Path) -> None:
    """Poll ``ready`` until it is true; raise with the tail of ``log`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not become ready in {timeout:.0f} s:\n{tail(log)}")
        time.sleep(0.1)


def tail(log: Path, lines: int = 40) -> str:
    """Return the last ``lines`` lines of ``log`` (or a note that it is absent)."""
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError as error:
        return f"(no log: {error})"


def remove_tree(path: Path) -> None:
    """Remove a server's directory, ignoring what is already gone."""
    shutil.rmtree(path, ignore_errors=True)
