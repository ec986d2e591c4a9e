"""The ``archstudio`` command: headless subcommands, or the studio when given a file.

This module imports no Qt: the studio is imported only when a window is asked for. Heavy
libraries (sqlglot, the OpenAPI validator) are imported inside the commands that use them, so
``archstudio --version`` stays fast.

Exit codes (documented in ``docs/cli.md``): 0 success; 1 findings at or above the threshold
(``check``, ``sql advise``) or files that ``fmt --check`` would change; 2 invalid input or bad
usage; 3 an internal error (a bug: please report it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

__all__ = ["COMMANDS", "EXIT_FINDINGS", "EXIT_INVALID", "EXIT_OK", "main"]

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_INVALID = 2
EXIT_INTERNAL = 3


@dataclass(frozen=True, slots=True)
class Command:
    """A subcommand: its name, one-line help, argument set-up and runner."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def _version() -> str:
    try:
        return metadata.version("archstudio")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


# --------------------------------------------------------------------------- validate


def _add_validate(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="design files")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="output format (default: text)")


def _run_validate(args: argparse.Namespace) -> int:
    from models.io import LoadError, load_design

    results = []
    for path in args.files:
        try:
            design = load_design(path)
        except LoadError as exc:
            results.append({"file": str(path), "valid": False,
                            "problems": [_problem_json(p) for p in exc.problems]})
            if args.format == "text":
                for problem in exc.problems:
                    print(problem, file=sys.stderr)
            continue
        results.append({"file": str(path), "valid": True, "problems": []})
        if args.format == "text":
            print(f"{path}: valid ({_summary(design)})")
    if args.format == "json":
        print(json.dumps(results, indent=2))
    return EXIT_OK if all(r["valid"] for r in results) else EXIT_INVALID


def _problem_json(problem: object) -> dict[str, object]:
    return {k: getattr(problem, k) for k in ("file", "line", "column", "message", "hint")}


def _summary(design: object) -> str:
    from models.design import Design
    from models.elements import ElementKind

    assert isinstance(design, Design)
    counts = [(sum(1 for _ in design.elements(kind)), kind.value) for kind in ElementKind]
    parts = [f"{n} {name}{'s' if n != 1 else ''}" for n, name in counts if n]
    parts.append(f"{sum(1 for _ in design.relations())} relations")
    return ", ".join(parts)


# --------------------------------------------------------------------------- schema


def _add_schema(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", type=Path, help="write to this file instead of stdout")


def _run_schema(args: argparse.Namespace) -> int:
    from models.io import write_atomic
    from models.schema import design_schema

    text = json.dumps(design_schema(), indent=2, ensure_ascii=False) + "\n"
    if args.output:
        write_atomic(args.output, text.encode("utf-8"))
    else:
        sys.stdout.write(text)
    return EXIT_OK


# --------------------------------------------------------------------------- fmt


def _add_fmt(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="design files")
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if any file is not in canonical form")
    parser.add_argument("--diff", action="store_true",
                        help="change nothing; print a unified diff of what would change")


def _run_fmt(args: argparse.Namespace) -> int:
    import difflib

    from models.io import LoadError, dumps_design, load_design, save_design

    status = EXIT_OK
    for path in args.files:
        try:
            design = load_design(path)
        except LoadError as exc:
            print(exc, file=sys.stderr)
            status = EXIT_INVALID
            continue
        old = path.read_text(encoding="utf-8-sig")
        new = dumps_design(design)
        if old == new:
            continue
        if args.check or args.diff:
            if args.diff:
                sys.stdout.writelines(difflib.unified_diff(
                    old.splitlines(keepends=True), new.splitlines(keepends=True),
                    f"{path}", f"{path} (formatted)"))
            else:
                print(f"{path}: would reformat")
            status = max(status, EXIT_FINDINGS)
        else:
            save_design(design, path)
            print(f"{path}: reformatted")
    return status


# --------------------------------------------------------------------------- sql


def _add_sql(parser: argparse.ArgumentParser) -> None:
    from checks.index_advisor import advise

    actions = parser.add_subparsers(dest="sql_command", metavar="ACTION", required=True)
    child = actions.add_parser(
        "advise", help="find the queries no index serves, from a schema and a queries file",
        description="Report, for each named query, whether an index serves it; suggest "
        "CREATE INDEX statements. Exit 1 if any query is unserved.")
    advise.add_arguments(child)


def _run_sql(args: argparse.Namespace) -> int:
    from checks.index_advisor import advise

    return advise.run(args)


# --------------------------------------------------------------------------- registry

#: The subcommands, in the order ``--help`` lists them. ``check``, ``export`` and ``sql`` are
#: added here by the issues that build them.
COMMANDS: tuple[Command, ...] = (
    Command("validate", "load and check design files against the format", _add_validate,
            _run_validate),
    Command("fmt", "rewrite design files in canonical form", _add_fmt, _run_fmt),
    Command("schema", "print the JSON Schema of the design format", _add_schema, _run_schema),
    Command("sql", "SQL tools: 'sql advise' checks queries against a schema's indexes",
            _add_sql, _run_sql),
)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="archstudio",
        description="Design, review and export software architectures. "
        "Run 'archstudio FILE' to open a design in the studio.",
        epilog="Exit codes: 0 ok, 1 findings / would change, 2 invalid input or usage, "
        "3 internal error.",
    )
    parser.add_argument("--version", action="version", version=f"archstudio {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        child = sub.add_parser(command.name, help=command.help, description=command.help)
        command.add_arguments(child)
        child.set_defaults(run=command.run)
    return parser


def _studio_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="archstudio", description="Open the studio.")
    parser.add_argument("file", nargs="?", type=Path, help="design file to open")
    parser.add_argument("--review", action="store_true",
                        help="open read-only with the review's findings shown")
    return parser


def _run_studio(argv: Sequence[str]) -> int:
    args = _studio_parser().parse_args(argv)
    try:
        from studio.app import run_studio
    except ImportError as exc:
        if args.file is None:
            print(f"archstudio: the studio is not available ({exc})", file=sys.stderr)
            return EXIT_INVALID
        print(f"archstudio: the studio is not available ({exc}); validating instead",
              file=sys.stderr)
        return _run_validate(argparse.Namespace(files=[args.file], format="text"))
    return run_studio(args.file, review=args.review)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``archstudio`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    names = {c.name for c in COMMANDS}
    if argv and (argv[0] in names or argv[0] in ("-h", "--help", "--version")):
        args = build_parser().parse_args(argv)
        try:
            return int(args.run(args))
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return EXIT_OK
    if argv and not argv[0].startswith("-") and not Path(argv[0]).suffix and \
            not Path(argv[0]).exists():
        build_parser().error(f"unknown command '{argv[0]}'{_suggest(argv[0], names)}")
    return _run_studio(argv)


def _suggest(word: str, names: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(names), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
