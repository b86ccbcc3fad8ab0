"""The `trainlint` command: argument parsing and exit codes, nothing else.

Exit codes: 0 nothing at or above the failing severity, 1 findings (or, for
`fix --diff`, changes to make), 2 usage or internal error.
"""

from __future__ import annotations

import os
import sys

from . import __version__

TYPE_CHECKING = False  # `--version` and `--help` load neither typing nor pathlib (start-up is a hook's cost)
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable, Iterator
    from pathlib import Path
    from typing import NoReturn, TextIO

    from .discovery import Target
    from .results import FileResult
    from .settings import Settings
    from .settings_file import Resolver

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _path(text: str) -> Path:
    from pathlib import Path

    return Path(text)


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.split(",") if c.strip()]


def _selection(p: argparse.ArgumentParser) -> None:
    p.add_argument("--select", type=_codes, help="rule codes or prefixes to run (default: all, TL)")
    p.add_argument("--extend-select", type=_codes, default=[], help="add codes or prefixes to the selection")
    p.add_argument("--ignore", type=_codes, default=[], help="rule codes or prefixes to skip")


def _configuration(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--config", type=_path, metavar="FILE",
                       help="use this configuration file for every file (default: the closest one to each file)")
    group.add_argument("--isolated", action="store_true", help="ignore all configuration files")


def _jobs(p: argparse.ArgumentParser) -> None:
    p.add_argument("-j", "--jobs", type=int, default=0, metavar="N",
                   help="processes to use (default 0: one per core; a few files are checked in-process)")


def _only_configs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--only-configs", action="store_true",
                   help="skip named files that are not trainlint configs, as in folders (for pre-commit hooks)")


def _build_check(check: argparse.ArgumentParser) -> None:
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    _selection(check)
    _configuration(check)
    check.add_argument("--format", "--output-format", dest="format", metavar="FORMAT",
                       help="text (default), concise, json, sarif, github (default when GITHUB_ACTIONS=true) or junit")
    check.add_argument("-o", "--output", type=_path, metavar="FILE",
                       help="write the report to FILE; the terminal keeps the summary")
    check.add_argument("--fail-on", help="lowest severity that fails: error, warning (default) or info")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument("--show-settings", action="store_true",
                       help="print the configuration file and settings each file would be checked with, then exit")
    check.add_argument("--fix", action="store_true", help="apply safe fixes first, then report what is left")
    _only_configs(check)
    _jobs(check)


def _build_fix(fix: argparse.ArgumentParser) -> None:
    fix.add_argument("paths", nargs="*", default=["."], metavar="PATH")
    _selection(fix)
    _configuration(fix)
    fix.add_argument("--diff", action="store_true", help="print the diff instead of writing; exit 1 if any")
    _only_configs(fix)
    _jobs(fix)


def _build_rule(rule: argparse.ArgumentParser) -> None:
    rule.add_argument("code", metavar="CODE")
    _configuration(rule)


def _build_init(init: argparse.ArgumentParser) -> None:
    init.add_argument("path", nargs="?", metavar="PATH", help="file or folder (default: config.trainlint.yaml)")
    init.add_argument("--preset", metavar="P", help="built-in preset (default: sdxl/style); written pinned")
    init.add_argument("--schema", dest="schema_ref", metavar="URL|PATH",
                      help="schema for the modeline: the published URL (default) or a local file, written relative")
    init.add_argument("--name", help="the config's name (default: from the file name)")
    init.add_argument("--dataset", default="./data", metavar="DIR", help="dataset folder, relative to the config")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")


# command -> (help, what adds its arguments); one table for the parser and the dispatch
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None]]] = {
    "check": ("check configs (files, folders, globs)", _build_check),
    "fix": ("apply safe fixes (classification tag, YAML 1.1-safe numbers)", _build_fix),
    "show": ("the effective config: each value, its source and its ratio to the preset",
             lambda p: p.add_argument("config", metavar="CONFIG")),
    "rule": ("explain a rule", _build_rule),
    "rules": ("list the rules (with the plugins the configuration allows)", _configuration),
    "presets": ("list the built-in presets, or show one with its sources",
                lambda p: p.add_argument("name", nargs="?", metavar="NAME")),
    "schema": ("print the JSON Schema",
               lambda p: p.add_argument("--schema-version", type=int, default=1, dest="version")),
    "init": ("write a new config from a preset, bound to the schema for editors", _build_init),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `only`, that command alone (argparse costs ~10 ms to build them all), which parses
    its command line as the whole parser would: the others matter only for help and unknown commands."""
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:  # argparse exits 2 by default; keep that, with our prefix
            self.print_usage(sys.stderr)
            self.exit(EXIT_ERROR, f"trainlint: error: {message}\n")

    def formatter(prog: str) -> argparse.HelpFormatter:
        # argparse's own, told the width: asking itself, it imports shutil (and with it bz2, lzma, zlib)
        # for every argument added, as it checks each one by formatting it
        return argparse.HelpFormatter(prog, width=_columns() - 2)

    parser = Parser(prog="trainlint", description="Check image-model fine-tuning configs against their presets.",
                    formatter_class=formatter)
    parser.add_argument("--version", action="version", version=f"trainlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, (summary, add_arguments) in COMMANDS.items():
        if only in (None, name):  # each parser costs a millisecond (gettext looks for translations)
            add_arguments(sub.add_parser(name, help=summary, formatter_class=formatter))
    return parser


def _columns() -> int:
    """The terminal's width as `shutil.get_terminal_size` finds it: $COLUMNS, the terminal, else 80."""
    try:
        return int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        pass
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


def entry() -> NoReturn:
    """The `trainlint` command: `main`, its output flushed, then an exit that leaves the
    interpreter's teardown undone. Freeing every object of a run over thousands of files
    costs tens of milliseconds nobody waits for usefully; trainlint registers no exit
    handlers, and files it writes are closed before `main` returns."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # a closed pipe (`| head`) or a full disk: the output is incomplete
        code = EXIT_ERROR
    os._exit(code)


def main(argv: list[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else argv
    if words == ["--version"]:  # asked by every tool that pins or probes us: answered before argparse is even loaded
        print(f"trainlint {__version__}")
        return EXIT_OK
    first = next((w for w in words if not w.startswith("-")), None)
    args = build_parser(first if first in COMMANDS else None).parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return EXIT_ERROR
    handler: Callable[[argparse.Namespace, TextIO], int] = globals()[f"cmd_{args.command}"]
    from .errors import UsageError

    try:
        return handler(args, sys.stdout)
    except UsageError as exc:
        print(f"trainlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # noqa: BLE001 - one place turns surprises into exit 2, never a bare traceback
        if os.environ.get("TRAINLINT_DEBUG"):
            raise
        print(f"trainlint: internal error: {type(exc).__name__}: {exc} (set TRAINLINT_DEBUG=1 for details)",
              file=sys.stderr)
        return EXIT_ERROR


def _resolver(args: argparse.Namespace) -> Resolver:
    """Configuration discovery with the command line's overrides on top; plugins load as configs are found."""
    from .diagnostics import Severity
    from .errors import UsageError
    from .plugins import CODE_PATTERN
    from .settings_file import Overrides, Resolver

    for code in [*(getattr(args, "select", None) or []), *getattr(args, "extend_select", []), *getattr(args, "ignore", [])]:
        plugin_code = CODE_PATTERN.match(code.ljust(5, "0"))  # TL9xx belong to plugins, known once they load
        if not plugin_code and not any(r.startswith(code) for r in _all_codes()):
            raise UsageError(f"no rule code starts with {code!r} (see `trainlint rules`)")
    fail_on = None
    if getattr(args, "fail_on", None) is not None:
        try:
            fail_on = Severity.parse(args.fail_on)
        except ValueError as exc:
            raise UsageError(f"--fail-on: {exc}") from None
    select = getattr(args, "select", None)
    overrides = Overrides(select=tuple(select) if select else None, extend_select=tuple(getattr(args, "extend_select", [])),
                          ignore=tuple(getattr(args, "ignore", [])), fail_on=fail_on)
    return Resolver(args.config, args.isolated, overrides)


def _plugin_errors(resolver: Resolver) -> int:
    """Report plugins that could not be used (the run went on without them): exit 2 after the report."""
    for error in resolver.plugin_errors:
        print(f"trainlint: error: {error}", file=sys.stderr)
    return EXIT_ERROR if resolver.plugin_errors else EXIT_OK


def _all_codes() -> list[str]:
    from .rules import iter_rules

    return [r.code for r in iter_rules()]


def _format(args: argparse.Namespace) -> str:
    from .errors import UsageError
    from .reporters import FORMATS

    name = args.format or ("github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text")
    if name not in FORMATS:
        raise UsageError(f"unknown format {name!r} (choose from: {', '.join(FORMATS)})")
    return name


def _kept(results: Iterable[FileResult], into: list[FileResult]) -> Iterator[FileResult]:
    for result in results:
        into.append(result)
        yield result


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from .api import check_paths, iter_check
    from .errors import UsageError
    from .reporters import renderer
    from .reporters.text import summary

    name = _format(args)
    resolver = _resolver(args)
    if args.show_settings:
        return _show_settings(args, resolver, out)
    if args.fix:
        _fix_paths(args, resolver, write=True, out=None)
    if args.output is None:  # written while later files are still being checked
        results: list[FileResult] = []
        renderer(name)(_kept(iter_check(args.paths, jobs=args.jobs, only_configs=args.only_configs,
                                        resolver=resolver), results), out)
    else:  # the report file is opened only once every file is checked: never a half-written report
        results = check_paths(args.paths, jobs=args.jobs, only_configs=args.only_configs, resolver=resolver)
        try:
            with open(args.output, "w", encoding="utf-8", newline="\n") as report:
                renderer(name)(results, report)
        except OSError as exc:
            raise UsageError(f"--output {args.output}: cannot write: {exc.strerror or exc}") from None
        out.write(f"{summary(results)}; {name} report written to {args.output}\n")
    if _plugin_errors(resolver):
        return EXIT_ERROR
    failing = any(d.severity >= r.fail_on for r in results for d in r.diagnostics)
    return EXIT_FINDINGS if failing and not args.exit_zero else EXIT_OK


def _show_settings(args: argparse.Namespace, resolver: Resolver, out: TextIO) -> int:
    """Which configuration file wins for each file, and what it resolves to (with the command line on top)."""
    from .api import with_settings
    from .repository import read_candidate
    from .settings_file import describe

    def considered(target: Target, settings: Settings) -> bool:  # as a check would decide
        try:
            return read_candidate(_path(target.path), settings, target.explicit, target.link) is not None
        except OSError:
            return True  # the check would report it: show what it would be checked with

    for target, settings in with_settings(args.paths, None, args.only_configs, resolver):
        if considered(target, settings):
            out.write(f"{target.display}:\n" + "".join(f"  {line}\n" for line in describe(settings).splitlines()))
    return _plugin_errors(resolver)


def _fix_paths(args: argparse.Namespace, resolver: Resolver, write: bool, out: TextIO | None) -> tuple[int, int]:
    from .api import fix_paths
    from .text import printable

    changed = errors = 0
    for report in fix_paths(args.paths, write=write, jobs=args.jobs, only_configs=args.only_configs, resolver=resolver):
        if report.error is not None:
            errors += 1
            print(printable(f"{report.display}: not fixed: {report.error}"), file=sys.stderr)
        elif report.changed:
            changed += 1
            if out is not None:
                out.write(report.diff if not write else f"fixed {printable(report.display)}\n")
    return changed, errors


def cmd_fix(args: argparse.Namespace, out: TextIO) -> int:
    resolver = _resolver(args)
    changed, errors = _fix_paths(args, resolver, write=not args.diff, out=out)
    verb = "would fix" if args.diff else "fixed"
    print(f"{verb} {changed} file{'' if changed == 1 else 's'}" + (f", {errors} not fixed" if errors else ""),
          file=sys.stderr if args.diff else out)
    if errors or _plugin_errors(resolver):
        return EXIT_ERROR
    return EXIT_FINDINGS if args.diff and changed else EXIT_OK


def cmd_show(args: argparse.Namespace, out: TextIO) -> int:
    from pathlib import Path

    from .show import render_effective

    return render_effective(Path(args.config), out)


def cmd_rule(args: argparse.Namespace, out: TextIO) -> int:
    from pathlib import Path

    from .docs import rule_markdown
    from .errors import UsageError
    from .rules import get

    resolver = _resolver(args)
    resolver.config_for(Path.cwd() / "-")  # loads the plugins the configuration here allows
    rule = get(args.code)
    if rule is None:
        from .plugins import CODE_PATTERN, installed

        _plugin_errors(resolver)
        if CODE_PATTERN.match(args.code.upper()):
            raise UsageError(f"unknown rule {args.code!r}: the plugin range, and no allowed plugin defines it; allow its "
                             f"plugin with `plugins = [...]` in the configuration (installed: {', '.join(installed()) or 'none'})")
        raise UsageError(f"unknown rule {args.code!r} (see `trainlint rules`)")
    out.write(rule_markdown(rule, heading="#"))
    return EXIT_OK


def cmd_rules(args: argparse.Namespace, out: TextIO) -> int:
    from pathlib import Path

    from .plugins import owner
    from .rules import iter_rules

    resolver = _resolver(args)
    allowed = resolver.settings_for(Path.cwd() / "-").plugins
    for r in iter_rules():
        if owner(r.code) not in (None, *allowed):
            continue
        out.write(f"{r.code}  {r.name:<28} {str(r.severity):<8} {'fix' if r.fixable else '   '}  {r.summary()}\n")
    return _plugin_errors(resolver)


def cmd_presets(args: argparse.Namespace, out: TextIO) -> int:
    from .show import render_preset, render_presets

    return render_preset(args.name, out) if args.name else render_presets(out)


def cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    from .errors import UsageError
    from .resources import SUPPORTED_SCHEMA_VERSIONS, schema_path

    if args.version not in SUPPORTED_SCHEMA_VERSIONS:
        raise UsageError(f"schema version {args.version} is not supported (supported: "
                         f"{', '.join(map(str, SUPPORTED_SCHEMA_VERSIONS))})")
    out.write(schema_path(args.version).read_text(encoding="utf-8"))
    return EXIT_OK


def cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    from .errors import InitError, UsageError
    from .init import run

    try:
        _, message = run(args.path, args.preset, args.schema_ref, args.name, args.dataset, args.force)
    except InitError as exc:
        raise UsageError(str(exc)) from None
    out.write(message)
    return EXIT_OK
