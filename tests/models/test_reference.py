"""docs/format.md is generated from the model and never drifts from it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from models.codec import class_spec
from models.reference import format_reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "format.md"


def test_docs_format_md_is_the_generated_reference() -> None:
    assert DOC.read_text(encoding="utf-8") == format_reference(), (
        "docs/format.md is stale: run 'python -m models.reference > docs/format.md'"
    )


def test_every_field_of_every_documented_class_has_a_row_with_an_example() -> None:
    from models.reference import _classes

    text = format_reference()
    classes = [cls for cls, _ in _classes()]
    assert len(classes) > 30
    for cls in classes:
        assert f"\n## {cls.__name__}\n" in text
        for spec in class_spec(cls).fields:
            row = next(
                (line for line in text.splitlines() if line.startswith(f"| `{spec.key}` |")), None
            )
            assert row is not None, f"{cls.__name__}.{spec.key} is not documented"
            assert row.rstrip().endswith("` |"), row  # the example column


def test_every_model_dataclass_is_documented() -> None:
    import models.elements as elements
    from models.reference import _classes

    documented = {cls for cls, _ in _classes()}
    declared = {
        obj
        for obj in vars(elements).values()
        if dataclasses.is_dataclass(obj) and class_spec(obj).fields
    }
    assert declared - documented == set()
