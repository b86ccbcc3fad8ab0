"""One module per command, each with `run(args, out) -> int` returning the exit code (pre-commit's
layout); cli.py parses the command line, imports the command's module and maps errors to exit codes."""

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
