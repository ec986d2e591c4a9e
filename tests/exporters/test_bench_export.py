"""The export benchmark runs, prints every exporter and judges the goal (on RM-100)."""

from __future__ import annotations

import pytest

from bench import bench_export
from exporters.registry import EXPORTERS


def test_the_benchmark_prints_each_exporter_and_the_total(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert bench_export.main(["--size", "rm-100", "-n", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [line.split()[0] for line in lines]
    expected = [e.name for e in EXPORTERS if not getattr(e, "needs_tool", None)]
    assert [n for n in names if n in expected] == expected
    assert names[-1] == "total" and "goal <= 5 s: ok" in lines[-1]
    assert "(doc" in " ".join(names)
