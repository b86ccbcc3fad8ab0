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
    from collections.abc import Callable
    from pathlib import Path
    from typing import NoReturn, TextIO

from .commands import EXIT_ERROR, EXIT_OK  # noqa: E402 - after the guarded imports type checkers read


def _path(text: str) -> Path:
    from pathlib import Path

    return Path(text)


def _codes(text: str) -> list[str]:
    return [c.strip().upper() for c in text.split(",") if c.strip()]


def _selection(p: argparse.ArgumentParser) -> None:
    # each may be given more than once and adds up: `--select TL4 --select TL5` is `--select TL4,TL5`
    p.add_argument(
        "--select", type=_codes, action="extend", help="rule codes or prefixes to run (default: all, TL); repeatable"
    )
    p.add_argument(
        "--extend-select",
        type=_codes,
        action="extend",
        default=[],
        help="add codes or prefixes to the selection; repeatable",
    )
    p.add_argument(
        "--ignore", type=_codes, action="extend", default=[], help="rule codes or prefixes to skip; repeatable"
    )


def _quiet(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print the findings (or diffs) only: no summary, no notes on skipped files",
    )


def _configuration(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--config",
        type=_path,
        metavar="FILE",
        help="use this configuration file for every file (default: the closest one to each file)",
    )
    group.add_argument("--isolated", action="store_true", help="ignore all configuration files")


def _inputs(p: argparse.ArgumentParser) -> None:
    from .inputs import FORMAT_NAMES

    p.add_argument(
        "--input-format",
        choices=FORMAT_NAMES,
        metavar="NAME",
        help=f"read every file as this format ({', '.join(FORMAT_NAMES)}); default: detect it from the content",
    )
    p.add_argument(
        "--training-type",
        metavar="TYPE",
        help="style, subject, character or object, for trainers' configs that say none in a "
        "`# trainlint:` comment or the configuration",
    )
    p.add_argument(
        "--preset",
        metavar="PRESET",
        help="the preset to compare trainers' configs with (sdxl/style, ...), when neither a comment nor "
        "the configuration names one",
    )


def _build_show(show: argparse.ArgumentParser) -> None:
    show.add_argument("file", metavar="CONFIG")
    show.add_argument("--format", choices=("text", "json"), help="text (default) or json (docs/show.md)")
    _configuration(show)
    _inputs(show)


def _jobs(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-j",
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="processes to use (default 0: one per core; a few files are checked in-process)",
    )


def _gitignore(p: argparse.ArgumentParser) -> None:
    import argparse

    p.add_argument(
        "--respect-gitignore",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="folder searches leave out what .gitignore, .ignore and git's excludes ignore (default: on, "
        "or `respect-gitignore` in the configuration)",
    )


def _only_configs(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--only-configs",
        action="store_true",
        help="skip named files that are not trainlint configs, as in folders (for pre-commit hooks)",
    )


def _paths(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths", nargs="*", metavar="PATH", help="files, folders and globs (default: .); - reads standard input"
    )
    p.add_argument(
        "--stdin-filename",
        metavar="PATH",
        help="the file the text on standard input stands for: its configuration, format and folder (not read)",
    )


def _build_check(check: argparse.ArgumentParser) -> None:
    _paths(check)
    check.add_argument(
        "--staged",
        action="store_true",
        help="also check the files staged in git, and the configs that use a staged image, caption, preset or "
        "dataset file, deletions included (for pre-commit hooks)",
    )
    _selection(check)
    _inputs(check)
    _configuration(check)
    check.add_argument(
        "--format",
        "--output-format",
        dest="format",
        metavar="FORMAT",
        help="text (default), concise, json, sarif, github (default when GITHUB_ACTIONS=true) or junit",
    )
    check.add_argument(
        "-o", "--output", type=_path, metavar="FILE", help="write the report to FILE; the terminal keeps the summary"
    )
    check.add_argument("--fail-on", help="lowest severity that fails: error, warning (default) or info")
    check.add_argument("--exit-zero", action="store_true", help="exit 0 even with findings")
    check.add_argument(
        "--show-settings",
        action="store_true",
        help="print the configuration file and settings each file would be checked with, then exit",
    )
    check.add_argument("--fix", action="store_true", help="apply safe fixes first, then report what is left")
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="check every file again, neither reading nor writing the results cache (also TRAINLINT_NO_CACHE=1)",
    )
    check.add_argument(
        "--cache-dir",
        type=_path,
        metavar="DIR",
        help="keep the results cache in DIR (default: the `cache-dir` setting, else .trainlint_cache/ in the "
        "project; also TRAINLINT_CACHE_DIR)",
    )
    _quiet(check)
    _gitignore(check)
    _only_configs(check)
    _jobs(check)


def _build_fix(fix: argparse.ArgumentParser) -> None:
    _paths(fix)
    _selection(fix)
    _inputs(fix)
    _configuration(fix)
    fix.add_argument("--diff", action="store_true", help="print the diff instead of writing; exit 1 if any")
    _quiet(fix)
    _gitignore(fix)
    _only_configs(fix)
    _jobs(fix)


def _build_rule(rule: argparse.ArgumentParser) -> None:
    rule.add_argument("code", metavar="CODE|NAME", help="a code (TL401) or a name (lr-steps-same-direction)")
    _configuration(rule)


def _build_schema(schema: argparse.ArgumentParser) -> None:
    from .resources import TRAINER_SCHEMAS

    schema.add_argument("--schema-version", type=int, default=1, dest="version", metavar="N")
    schema.add_argument(
        "--write",
        nargs="?",
        const="-",
        metavar="PATH",
        help="write the schema to PATH (default: .trainlint/v1/config.schema.json at the repository root), "
        "where editors load it; `check` reports a copy that is out of date",
    )
    schema.add_argument(
        "--for",
        dest="trainer",
        metavar="TRAINER",
        help=f"print the schema of a trainer's own config file instead: {', '.join(TRAINER_SCHEMAS)} "
        "(docs/trainer-schemas.md)",
    )


def _build_init(init: argparse.ArgumentParser) -> None:
    init.add_argument(
        "path",
        nargs="?",
        metavar="PATH",
        help="file, or folder (one without a .yaml suffix is made) to hold config.trainlint.yaml (the default)",
    )
    init.add_argument(
        "--preset",
        metavar="P",
        help="built-in preset (default: sdxl/style), written pinned, or a repository preset file (presets/house.yaml)",
    )
    init.add_argument(
        "--editor",
        choices=("modeline", "vscode"),
        default="modeline",
        help="bind the config to the repository's schema copy (.trainlint/v1/config.schema.json, written) "
        "with a modeline (default), or by file name in .vscode/settings.json (yaml.schemas)",
    )
    init.add_argument(
        "--schema",
        dest="schema_ref",
        metavar="URL|PATH",
        help="name this schema in the modeline instead: a URL (the published one resolves once it is served) "
        "or a local file, written relative",
    )
    init.add_argument("--name", help="the config's name (default: from the file name)")
    init.add_argument("--dataset", default="./data", metavar="DIR", help="dataset folder, relative to the config")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")


def _build_export(export: argparse.ArgumentParser) -> None:
    from .inputs import FORMAT_NAMES

    trainers = [name for name in FORMAT_NAMES if name != "trainlint"]
    export.add_argument("file", metavar="CONFIG", help="a trainlint config")
    export.add_argument("--to", required=True, choices=trainers, metavar="TRAINER", help=", ".join(trainers))
    where = export.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", type=_path, metavar="FILE", help="write here (default: standard output)")
    where.add_argument(
        "--into",
        type=_path,
        metavar="EXISTING",
        help="update the values trainlint manages in this trainer config in place, every other byte as it was",
    )
    export.add_argument(
        "--approximate",
        action="store_true",
        help="write the nearest value the trainer can hold where it cannot hold the config's, and say so",
    )
    export.add_argument(
        "--images",
        type=_positive,
        metavar="N",
        help="the image count, where the dataset folder is not there and the steps depend on it",
    )
    export.add_argument("--force", action="store_true", help="overwrite existing files")
    _configuration(export)


def _build_import(imp: argparse.ArgumentParser) -> None:
    imp.add_argument("path", metavar="FILE|FOLDER", help="a trainer's config, or a folder of them")
    imp.add_argument(
        "-o",
        "--output",
        type=_path,
        metavar="OUT",
        help="the config to write (default: standard output); for a folder, the folder to write one config per file in",
    )
    imp.add_argument(
        "--training-type",
        metavar="TYPE",
        help="style, subject, character or object, for files with no `# trainlint:` comment saying it",
    )
    imp.add_argument("--preset", metavar="PRESET", help="the built-in preset to start from (default: base model/type)")
    imp.add_argument("--force", action="store_true", help="overwrite files that exist")
    _configuration(imp)


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return value


# command -> (help, what adds its arguments); one table for the parser and the dispatch
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], object]]] = {
    "check": ("check configs (files, folders, globs)", _build_check),
    "fix": ("apply safe fixes (classification tag, YAML 1.1-safe numbers)", _build_fix),
    "show": ("the effective config: each value, its source and its ratio to the preset", _build_show),
    "rule": ("explain a rule, by code or name", _build_rule),
    "rules": ("list the rules (with the plugins the configuration allows)", _configuration),
    "presets": (
        "list the built-in presets, or show one with its sources",
        lambda p: p.add_argument("name", nargs="?", metavar="NAME"),
    ),
    "schema": (
        "print the JSON Schema (or a trainer's config's, --for), or write the repository's copy for editors",
        _build_schema,
    ),
    "init": ("write a new config from a preset, bound to the schema for editors", _build_init),
    "server": (
        "the language server for editors, on standard input and output (needs trainlint[server])",
        lambda p: p.add_argument("--stdio", action="store_true", help="talk over stdio (the default and only way)"),
    ),
    "export": ("write a trainlint config as a trainer's config, or update one in place", _build_export),
    "import": ("turn trainers' configs into trainlint configs", _build_import),
}


# commands whose module has another name (`import` is a Python keyword)
MODULES = {"import": "import_"}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `only`, that command alone (argparse costs ~10 ms to build them all), which parses
    its command line as the whole parser would: the others matter only for help and unknown commands."""
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> NoReturn:  # argparse exits 2 by default; keep that, with our prefix
            from .text import printable  # the message quotes the command line: file names from anyone

            self.print_usage(sys.stderr)
            self.exit(EXIT_ERROR, f"trainlint: error: {printable(message + _suggestion(message, self))}\n")

    def formatter(prog: str) -> argparse.HelpFormatter:
        # argparse's own, told the width: asking itself, it imports shutil (and with it bz2, lzma, zlib)
        # for every argument added, as it checks each one by formatting it
        return argparse.HelpFormatter(prog, width=_columns() - 2)

    parser = Parser(
        prog="trainlint",
        description="Check image-model fine-tuning configs against their presets.",
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"trainlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, (summary, add_arguments) in COMMANDS.items():
        if only in (None, name):  # each parser costs a millisecond (gettext looks for translations)
            add_arguments(sub.add_parser(name, help=summary, formatter_class=formatter))
    return parser


def _command_parser(parser: argparse.ArgumentParser, name: str) -> argparse.ArgumentParser:
    import argparse

    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found: argparse.ArgumentParser = action.choices[name]
    return found


def _suggestion(message: str, parser: argparse.ArgumentParser) -> str:
    """Did-you-mean for argparse's errors (Python 3.14's `suggest_on_error`, which 3.11 lacks): an
    invalid choice (a command, a format) gets the closest valid one, an unknown option the closest
    option of the command that was given."""
    import re

    from .text import did_you_mean

    choice = re.search(r"invalid choice: '(.*?)' \(choose from (.*)\)$", message)
    if choice:
        return did_you_mean(choice.group(1), re.findall(r"'([^']*)'", choice.group(2)))
    unknown = re.match(r"unrecognized arguments: (.*)$", message)
    if unknown:
        options = [o for o in parser._option_string_actions if o.startswith("--")]
        for word in unknown.group(1).split():
            if word.startswith("-"):
                hint = did_you_mean(word.partition("=")[0], options)
                if hint:
                    return hint
    return ""


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
    parser = build_parser(first if first in COMMANDS else None)
    args, extra = parser.parse_known_args(argv)
    if args.command is None:
        if extra:
            parser.parse_args(argv)  # argparse's own error for them, with our prefix
        parser.print_help()
        return EXIT_ERROR
    if extra:  # the command's own usage and options, not the top level's
        _command_parser(parser, args.command).error(f"unrecognized arguments: {' '.join(extra)}")
    import importlib

    from .errors import UsageError
    from .text import printable

    module = importlib.import_module(f".commands.{MODULES.get(args.command, args.command)}", __package__)
    handler: Callable[[argparse.Namespace, TextIO], int] = module.run

    try:
        return handler(args, sys.stdout)
    except UsageError as exc:
        print(f"trainlint: error: {printable(str(exc))}", file=sys.stderr)  # names files, keys and values
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:  # one place turns surprises into exit 2, never a bare traceback
        if os.environ.get("TRAINLINT_DEBUG"):
            raise
        print(
            f"trainlint: internal error: {type(exc).__name__}: {printable(str(exc))} "
            "(set TRAINLINT_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return EXIT_ERROR
