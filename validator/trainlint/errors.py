"""The errors that cross layers; each maps to an exit code in one place (cli.py)."""


class UsageError(Exception):
    """Bad invocation or unreadable input: exit code 2."""


class PresetError(Exception):
    """A preset that cannot be resolved; `code` is the rule that reports it."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint


class FixError(Exception):
    """A file that could not be fixed safely; it is left exactly as it was."""


class InitError(Exception):
    """A preset that does not exist or a file that would be overwritten."""
