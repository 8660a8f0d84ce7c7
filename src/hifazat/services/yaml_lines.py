"""YAML that remembers where each key and item stood, so that an error can name its line.

Timestamps are left as text (the schema parses them and refuses naive ones) and a key given twice
in one mapping is an error rather than the silent last-one-wins of plain YAML."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

from hifazat.domain.errors import InvalidInput


class LineDict(dict[str, Any]):
    line: int = 0
    key_lines: dict[str, int]


class LineList(list[Any]):
    line: int = 0
    item_lines: list[int]


#: libyaml's parser where PyYAML was built with it (several times faster on a national history);
#: the constructors below are Python either way, and both parsers keep every node's line
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[valid-type,misc]
    source = "<input>"


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            raise InvalidInput(f"{loader.source}:{line}", f"key {key!r} is not text")
        if key in result:
            first = result.key_lines[key]
            raise InvalidInput(
                f"{loader.source}:{line}", f"key {key!r} is given twice (first at line {first})"
            )
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)


def load(text: str, source: str) -> Any:
    loader = _Loader(text)
    loader.source = source
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise InvalidInput(f"{source}:{line}", f"not valid YAML: {error.problem}") from None
    finally:
        loader.dispose()


def line_of(data: Any, path: Sequence[str | int]) -> int:
    """The line of the deepest element of `path` that the document has."""
    line = getattr(data, "line", 1)
    node = data
    for step in path:
        if isinstance(node, LineDict) and isinstance(step, str) and step in node:
            line = node.key_lines[step]
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line
