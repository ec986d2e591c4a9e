"""``archstudio render`` end to end: a real process, no display, no Graphviz on the PATH."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARCHSTUDIO = Path(sys.executable).with_name("archstudio")
SAMPLE = ROOT / "samples" / "ecommerce-order-management.yaml"
BAD = "archstudio: 1\nservices:\n  a:\n    purpse: x\n"


def _render(*args: str) -> subprocess.CompletedProcess[str]:
    """Run with no display, no Qt platform chosen and only the venv's programs on the PATH."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["PATH"] = str(ARCHSTUDIO.parent)
    return subprocess.run([str(ARCHSTUDIO), "render", *args], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, env=env)


def test_render_svg_and_png_headless(tmp_path: Path) -> None:
    svg, png = tmp_path / "design.svg", tmp_path / "design.png"
    done = _render(str(SAMPLE), "-o", str(svg))
    assert done.returncode == 0, done.stderr
    assert ET.parse(svg).getroot().tag == "{http://www.w3.org/2000/svg}svg"
    assert str(svg) in done.stdout
    done = _render(str(SAMPLE), "-o", str(png), "--scale", "1")
    assert done.returncode == 0, done.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_render_er_view(tmp_path: Path) -> None:
    out = tmp_path / "orders.svg"
    done = _render(str(SAMPLE), "-o", str(out), "--view", "er:orders-db")
    assert done.returncode == 0, done.stderr
    texts = {"".join(t.itertext()) for t in ET.parse(out).getroot().iter(
        "{http://www.w3.org/2000/svg}text")}
    assert "orders" in texts


def test_unknown_datastore_exits_2_with_a_suggestion(tmp_path: Path) -> None:
    done = _render(str(SAMPLE), "-o", str(tmp_path / "x.svg"), "--view", "er:orders")
    assert done.returncode == 2
    assert "did you mean 'orders-db'?" in done.stderr
    assert not (tmp_path / "x.svg").exists()


def test_invalid_design_exits_2_with_file_line_col(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    done = _render(str(bad), "-o", str(tmp_path / "x.png"))
    assert done.returncode == 2
    assert re.search(rf"{re.escape(str(bad))}:4:\d+", done.stderr), done.stderr


def test_bad_output_name_and_scale_exit_2(tmp_path: Path) -> None:
    done = _render(str(SAMPLE), "-o", str(tmp_path / "x.gif"))
    assert done.returncode == 2 and ".svg or .png" in done.stderr
    done = _render(str(SAMPLE), "-o", str(tmp_path / "x.png"), "--scale", "0")
    assert done.returncode == 2 and "scale" in done.stderr
