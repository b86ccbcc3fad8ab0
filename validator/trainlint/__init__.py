"""trainlint: a schema and semantic validator for image-model fine-tuning configs.

The Python API (imported lazily, so `import trainlint` stays cheap):

    from trainlint import check_paths, check_text, fix_text
"""

from __future__ import annotations

TYPE_CHECKING = False  # `typing` costs milliseconds at start-up; type checkers see through this
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "check_paths", "check_text", "fix_text"]


def __getattr__(name: str) -> Any:
    if name == "check_text":
        from .engine import check_text

        return check_text
    if name == "fix_text":
        from .fixer import fix_text

        return fix_text
    if name == "check_paths":
        from .api import check_paths

        return check_paths
    raise AttributeError(name)
