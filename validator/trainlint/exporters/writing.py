"""Fresh trainer files from an exporter's assignments: JSON, TOML, YAML and a launch script.

Assignments are values by path, the paths the trainers' readers give (`("config", "process", 0,
"train", "lr")`): a string step is a key of a mapping, a number an index of a list. The text is
made by a library where one writes the format (`json`, PyYAML, whose output YAML 1.1 and 1.2
readers read alike) and by a few lines here for TOML, whose standard library reads but does not
write, and for the shell.
"""

from __future__ import annotations

import json
import math
import shlex
from collections.abc import Mapping
from typing import Any

from ..diagnostics import ConfigPath


def nest(assign: Mapping[ConfigPath, Any]) -> dict[str, Any]:
    """The nested data the paths spell, in the order they come."""
    root: dict[str, Any] = {}
    for path, value in assign.items():
        node: Any = root
        for step, following in zip(path, path[1:], strict=False):
            child: Any = {} if isinstance(following, str) else []
            if isinstance(step, str):
                node = node.setdefault(step, child)
            else:
                while len(node) <= step:
                    node.append(child if len(node) == step else {})
                node = node[step]
        last = path[-1]
        if isinstance(last, str):
            node[last] = value
        else:
            while len(node) <= last:
                node.append(None)
            node[last] = value
    return root


def json_text(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def yaml_text(data: Mapping[str, Any], header: str = "") -> str:
    import yaml  # lazily: only an export to YAML needs the writer

    return header + yaml.safe_dump(dict(data), sort_keys=False, default_flow_style=False, allow_unicode=True)


def toml_value(value: Any) -> str:
    """A TOML value: a JSON string is a TOML basic string (the escapes JSON writes are TOML's too)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} has no TOML spelling here")
        return repr(value)
    if isinstance(value, str):  # DEL is the one control character JSON leaves and TOML refuses
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list) and not any(isinstance(item, dict) for item in value):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(f"no TOML value for {type(value).__name__}")


def toml_text(data: Mapping[str, Any], header: str = "", prefix: str = "") -> str:
    """Plain keys first, then tables and arrays of tables, each under its dotted name."""
    lines = [f"{toml_key(k)} = {toml_value(v)}" for k, v in data.items() if not _is_table(v)]
    out = header + "".join(line + "\n" for line in lines)
    for key, value in data.items():
        name = f"{prefix}{toml_key(key)}"
        if isinstance(value, dict):
            out += f"\n[{name}]\n" + toml_text(value, prefix=name + ".")
        elif _is_table(value):
            for item in value:
                out += f"\n[[{name}]]\n" + toml_text(item, prefix=name + ".")
    return out


def _is_table(value: Any) -> bool:
    return isinstance(value, dict) or (isinstance(value, list) and any(isinstance(i, dict) for i in value))


def toml_key(key: str) -> str:
    return key if key and all(c.isascii() and (c.isalnum() or c in "_-") for c in key) else json.dumps(key)


def shell_word(value: Any) -> str:
    """A flag's value as one shell word bash passes unchanged."""
    if isinstance(value, float):
        return repr(value)
    return shlex.quote(str(value))


def command_text(launcher: str, script: str, args: Mapping[str, Any], header: str = "") -> str:
    """`launcher script \\` then one `--flag=value` per line; True is a bare flag, False leaves it out."""
    lines = [f"{launcher} {shlex.quote(script)}"]
    for flag, value in args.items():
        if value is True:
            lines.append(flag)
        elif value is not False and value is not None:
            lines.append(f"{flag}={shell_word(value)}")
    return header + " \\\n  ".join(lines) + "\n"


def text_for(suffix_or_name: str, data: Any, header: str = "") -> str:
    """The text of a file of that suffix (or name): JSON, TOML, YAML or a launch script."""
    if suffix_or_name.endswith(".json"):
        return json_text(data)
    if suffix_or_name.endswith(".toml"):
        return toml_text(data, header)
    if suffix_or_name.endswith((".yaml", ".yml")):
        return yaml_text(data, header)
    command = data["commands"][0]
    return command_text(command["launcher"], command["script"], command["args"], header)
