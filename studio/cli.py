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


# --------------------------------------------------------------------------- export


def _add_export(parser: argparse.ArgumentParser) -> None:
    from exporters.registry import EXPORTERS

    formats = "\n".join(f"  {e.name:<8} {e.description}" for e in EXPORTERS)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = (
        f"formats:\n{formats}\n  {'all':<8} every format (images only when Graphviz is "
        "installed)\n\nOne format is written into DIR; several go into DIR/<format>/."
    )
    parser.add_argument("file", type=Path, metavar="FILE", help="design file")
    parser.add_argument("--to", required=True, metavar="FORMAT[,FORMAT...]",
                        help="formats to export, comma-separated, or 'all'")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="DIR",
                        help="folder to write into (created if missing)")
    parser.add_argument("--dialect", choices=("postgres", "mysql", "sqlite"), default=None,
                        help="SQL dialect of the DDL export (default: each store's own engine, "
                        "PostgreSQL for the others)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print nothing but errors (no file list, no summary)")


def _run_export(args: argparse.Namespace) -> int:
    from exporters.base import ExportError, ExportOptions
    from exporters.registry import available, resolve_formats
    from models.io import LoadError, SaveError, load_design

    try:
        chosen, skipped = resolve_formats(n.strip() for n in args.to.split(",") if n.strip())
    except ExportError as exc:
        print(f"archstudio export: {exc}", file=sys.stderr)
        return EXIT_INVALID
    missing = [e for e in chosen if not available(e)]
    if missing or not chosen:
        for exporter in missing:
            tool = getattr(exporter, "needs_tool", "")
            print(f"archstudio export: '{exporter.name}' needs the '{tool}' program, which is "
                  "not installed (Graphviz: apt-get install graphviz, or https://graphviz.org)",
                  file=sys.stderr)
        if not chosen:
            print("archstudio export: no format given", file=sys.stderr)
        return EXIT_INVALID
    for exporter in skipped:
        print(f"archstudio export: skipping '{exporter.name}': needs the "
              f"'{getattr(exporter, 'needs_tool', '')}' program (Graphviz), not installed",
              file=sys.stderr)
    try:
        design = load_design(args.file)
    except LoadError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    review = _export_review(design) if any(getattr(e, "needs_review", False)
                                          for e in chosen) else ()
    options = ExportOptions(dialect=args.dialect, review=review)
    try:  # every format is produced before anything is written: no half-done export
        outputs = [(e.name, e.export(design, options)) for e in chosen]
        counts = [(name, _write(files, args.output if len(outputs) == 1 else args.output / name,
                                quiet=args.quiet)) for name, files in outputs]
    except (ExportError, SaveError) as exc:
        print(f"archstudio export: {exc}", file=sys.stderr)
        return EXIT_INVALID
    if not args.quiet:
        print(_export_summary(counts, args.output), file=sys.stderr)
    return EXIT_OK


def _write(files: object, folder: Path, *, quiet: bool) -> int:
    """Write one format's files into ``folder``, listing each path on stdout; their count."""
    from exporters.files import write_files

    written = write_files(files, folder)  # type: ignore[arg-type]
    if not quiet:
        for path in written:
            print(folder / path.relative_to(folder.resolve()))
    return len(written)


def _export_summary(counts: list[tuple[str, int]], folder: Path) -> str:
    """``wrote 16 files to out (mermaid 5, openapi 2, ...)``; one format needs no breakdown."""
    total = sum(n for _, n in counts)
    head = f"wrote {total} file{'s' if total != 1 else ''} to {folder}"
    if len(counts) == 1:
        return f"{head} ({counts[0][0]})"
    return f"{head} ({', '.join(f'{name} {n}' for name, n in counts)})"


def _export_review(design: object) -> tuple[object, ...]:
    """The check engine's findings for the design document (none when there is no engine)."""
    try:
        from checks.engine import check_design
    except ImportError:  # the engine is optional for exporting: the review is then empty
        print("archstudio export: the check engine is not available; the document's quality "
              "review is left empty", file=sys.stderr)
        return ()
    return tuple(check_design(design).findings)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- check, rules

_FAIL_ON = ("error", "warning", "info")


def _selectors(values: Sequence[str] | None) -> list[str]:
    return [s.strip() for v in values or () for s in v.split(",") if s.strip()]


def _add_check(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="design files")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                        help="output format (default: text)")
    parser.add_argument("--fail-on", choices=_FAIL_ON, default="error",
                        help="exit 1 when a finding is at or above this severity "
                        "(default: error)")
    parser.add_argument("--select", action="append", metavar="RULES",
                        help="only these rules: codes, names or groups, comma-separated "
                        "(replaces the design's checks.select)")
    parser.add_argument("--ignore", action="append", metavar="RULES",
                        help="skip these rules: codes, names or groups, comma-separated")
    parser.add_argument("--today", type=_date, metavar="YYYY-MM-DD",
                        help="the date to review against (default: today)")


def _date(text: str) -> object:
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date (YYYY-MM-DD)") from None


def _run_check(args: argparse.Namespace) -> int:
    from checks.base import Severity
    from checks.engine import Engine
    from checks.registry import UnknownRuleError
    from models.io import LoadError, load_design

    try:
        engine = Engine(select=_selectors(args.select) or None,
                        ignore=_selectors(args.ignore), today=args.today)
    except UnknownRuleError as exc:
        print(f"archstudio check: {exc}", file=sys.stderr)
        return EXIT_INVALID
    progress = _Progress()
    reports, invalid = [], False
    for path in args.files:
        try:
            design = load_design(path)
        except LoadError as exc:
            for problem in exc.problems:
                print(problem, file=sys.stderr)
            invalid = True
            continue
        reports.append(engine.run(design, progress=progress.for_file(path)))
    progress.done()
    if reports or args.format != "text":
        _print_reports(args.format, reports, engine)
    else:  # a "0 errors in 0 files" summary would read like a clean review
        print("archstudio check: no design checked (no file could be read)", file=sys.stderr)
    threshold = Severity(args.fail_on).rank
    if invalid:
        return EXIT_INVALID
    failed = any(f.severity.rank >= threshold for r in reports for f in r.findings)
    return EXIT_FINDINGS if failed else EXIT_OK


def _print_reports(fmt: str, reports: list, engine: object) -> None:
    import os

    from checks import output

    if fmt == "json":
        sys.stdout.write(output.format_json(reports))
    elif fmt == "sarif":
        rules = getattr(engine, "rules", ())
        sys.stdout.write(output.format_sarif(reports, rules, version=_version()))
    else:
        colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        sys.stdout.write(output.format_text(reports, colour=colour))


class _Progress:
    """Rule-by-rule progress on stderr, only on a terminal and only once a run passes 1 s."""

    def __init__(self) -> None:
        import time

        self._clock = time.monotonic
        self._start = self._clock()
        self._shown = False

    def for_file(self, path: Path) -> Callable[[int, int, object], None]:
        def report(done: int, total: int, rule: object) -> None:
            if self._clock() - self._start > 1.0 and sys.stderr.isatty():
                name = getattr(rule, "name", "")
                sys.stderr.write(f"\r\x1b[Kchecking {path}: {done + 1}/{total} {name}")
                sys.stderr.flush()
                self._shown = True
        return report

    def done(self) -> None:
        if self._shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _add_rules(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also print each rule's anti-pattern, best practice and options")
    parser.add_argument("--format", choices=("text", "markdown"), default="text",
                        help="'markdown' prints docs/rules.md")


def _run_rules(args: argparse.Namespace) -> int:
    from checks import output
    from checks.registry import RULES

    if args.format == "markdown":
        sys.stdout.write(output.rules_markdown(RULES))
    else:
        sys.stdout.write(output.rules_text(RULES, verbose=args.verbose))
    return EXIT_OK


# --------------------------------------------------------------------------- render


def _add_render(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="design file")
    parser.add_argument("-o", "--output", required=True, type=Path, metavar="OUT",
                        help="the picture to write: OUT.svg or OUT.png")
    parser.add_argument("--view", default="architecture", metavar="VIEW",
                        help="'architecture' (the default) or 'er:DATASTORE', the ER diagram "
                        "of a SQL datastore")
    parser.add_argument("--scale", type=_positive, default=2.0,
                        help="PNG pixels per canvas unit (default: 2, crisp on high-DPI screens)")


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value <= 16:
        raise argparse.ArgumentTypeError(f"'{text}' is not a scale between 0 and 16")
    return value


def _run_render(args: argparse.Namespace) -> int:
    import importlib

    try:  # by name, like the studio itself: this module must not import Qt
        render = importlib.import_module("studio.render")
    except ImportError as exc:
        print(f"archstudio render: needs the studio's Qt libraries ({exc})", file=sys.stderr)
        return EXIT_INVALID
    return int(render.run(args))


# --------------------------------------------------------------------------- registry

#: The subcommands, in the order ``--help`` lists them. ``check``, ``export`` and ``sql`` are
#: added here by the issues that build them.
COMMANDS: tuple[Command, ...] = (
    Command("validate", "load and check design files against the format", _add_validate,
            _run_validate),
    Command("fmt", "rewrite design files in canonical form", _add_fmt, _run_fmt),
    Command("check", "review design files against the rules (see 'archstudio rules')",
            _add_check, _run_check),
    Command("rules", "list the review's rules", _add_rules, _run_rules),
    Command("schema", "print the JSON Schema of the design format", _add_schema, _run_schema),
    Command("sql", "SQL tools: 'sql advise' checks queries against a schema's indexes",
            _add_sql, _run_sql),
    Command("export", "export a design: Mermaid, OpenAPI, DDL, ADR, document, Graphviz",
            _add_export, _run_export),
    Command("render", "draw a design's diagram as the studio shows it, to SVG or PNG",
            _add_render, _run_render),
)


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand.

    With ``only``, just that subcommand's arguments are set up: some set-ups import heavy
    modules (the exporter registry, the index advisor), which ``--version`` and ``--help``
    must not pay for. ``None`` sets up every subcommand.
    """
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
        if only is None or command.name == only:
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
        args = build_parser(only=argv[0] if argv[0] in names else "").parse_args(argv)
        try:
            return int(args.run(args))
        except KeyboardInterrupt:
            return 130
        except BrokenPipeError:
            return EXIT_OK
    if argv and not argv[0].startswith("-") and not Path(argv[0]).suffix and \
            not Path(argv[0]).exists():
        build_parser(only="").error(f"unknown command '{argv[0]}'{_suggest(argv[0], names)}")
    return _run_studio(argv)


def _suggest(word: str, names: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, sorted(names), n=1)
    return f"; did you mean '{close[0]}'?" if close else ""


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
