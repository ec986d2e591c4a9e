"""The shape of the code: import-linter contracts hold, and the core runs without Qt."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_pass() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    assert lint_imports.exists(), "import-linter is a test dependency: pip install -e '.[test]'"
    done = subprocess.run(
        [str(lint_imports), "--no-cache"], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_the_core_works_without_qt(tmp_path: Path) -> None:
    """``models``, ``checks``, ``exporters`` and ``studio.cli`` import and run with PySide6 absent.

    A ``sitecustomize`` module makes ``import PySide6`` fail in the child interpreter, as in an
    environment where it is not installed.
    """
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\nsys.modules['PySide6'] = None  # import PySide6 -> ImportError\n"
    )
    sample = ROOT / "samples" / "ecommerce-order-management.yaml"
    script = textwrap.dedent(
        f"""
        import importlib, pkgutil, sys
        try:
            import PySide6
        except ImportError:
            pass
        else:
            raise SystemExit("PySide6 should be unimportable here")
        import models, checks, exporters
        for package in (models, checks, exporters):
            for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
                importlib.import_module(info.name)
        from studio.cli import main
        from models.io import load_design, dumps_design
        design = load_design({str(sample)!r})
        assert dumps_design(design)
        code = main(["validate", {str(sample)!r}])
        assert code == 0, code
        print("core ok", sorted(m for m in sys.modules if m.startswith("PySide6")))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={"PYTHONPATH": f"{tmp_path}:{ROOT}", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip().splitlines()[-1] == "core ok ['PySide6']"
