"""YAML that remembers where each key and item stood, so that an error can name its line.

Timestamps are left as text (the schema parses them and refuses naive ones) and a key given twice
in one mapping is an error rather than the silent last-one-wins of plain YAML.

A file is read within stated limits, each refused with the file and line: at most
`MAX_FILE_BYTES` of UTF-8 text, no character YAML forbids (NUL and other controls), nesting at
most `MAX_DEPTH` deep, at most `MAX_NODES` values counting each alias as what it repeats, no
number of more than `MAX_DIGITS` digits, and no explicit tag. Depth and size are measured on the
parser's event stream, which is iterative, before anything recursive (the composer, the
constructors) sees the document: a deep enough document would otherwise exhaust Python's
recursion limit or the C stack."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
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


#: a file's size limit: ten times the national benchmark's scenario (about 120 MB)
MAX_FILE_BYTES = 512 * 1024 * 1024
#: the deepest nesting of mappings and lists (a scenario with its policy inline needs 6)
MAX_DEPTH = 64
#: values in one document, an alias counting as every value it repeats
MAX_NODES = 50_000_000
#: the longest number (Python refuses to read more than 4,300 digits)
MAX_DIGITS = 1000

#: what YAML 1.1 accepts in a stream: tab, line breaks, printable ASCII, NEL and printable Unicode
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NUMBER = re.compile(r"[-+]?[0-9][0-9_,.:xXoObBa-fA-F]*")


def read_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """A file's text: at most `max_bytes` of UTF-8 (a byte-order mark is dropped); anything else
    is an InvalidInput naming the file and, where it can, the line."""
    source = str(path)
    too_large = InvalidInput(source, f"the file is larger than {max_bytes:,} bytes, the limit")
    try:
        with path.open("rb") as file:
            if os.fstat(file.fileno()).st_size > max_bytes:
                raise too_large  # said before reading any of it
            data = file.read(max_bytes + 1)
    except OSError as error:
        raise InvalidInput(source, f"cannot read the file: {error.strerror}") from None
    if len(data) > max_bytes:
        raise too_large
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInput(f"{source}:1", "the file is UTF-16; save it as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InvalidInput(
            f"{source}:{line}",
            f"not UTF-8 text: byte 0x{data[error.start]:02X} cannot be read (save the file as "
            "UTF-8)",
        ) from None
    return text.removeprefix("\ufeff")


def load(text: str, source: str) -> Any:
    """The one document of `text`, within the limits above."""
    text = text.removeprefix("\ufeff")
    bad = _NOT_YAML.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        code = ord(bad.group())
        what = "NUL" if code == 0 else f"the control character U+{code:04X}"
        raise InvalidInput(f"{source}:{line}", f"{what} is not allowed in a YAML file")
    loader = _Loader(text)
    loader.source = source
    try:
        _check_shape(text, source)
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 0
        raise InvalidInput(f"{source}:{line}", f"not valid YAML: {error.problem}") from None
    except (yaml.YAMLError, ValueError, OverflowError) as error:
        raise InvalidInput(source, f"not valid YAML: {error}") from None
    finally:
        loader.dispose()


def _check_shape(text: str, source: str) -> None:
    """Refuses a document too deep, too large once its aliases are expanded, with a number too
    long to read or with an explicit tag (`!!int x`, whose constructors fail in ways YAML does
    not report), naming the line; one pass over the parser's events, no recursion."""
    # each open collection: [values so far, its anchor]
    stack: list[list[Any]] = [[0, None]]
    anchors: dict[str, int] = {}
    scalar, alias = yaml.ScalarEvent, yaml.AliasEvent
    opening = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
    closing = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            kind = type(event)
            tag = getattr(event, "tag", None)
            if tag is not None:
                raise InvalidInput(
                    f"{source}:{event.start_mark.line + 1}",
                    f"the tag {tag} is not allowed: write the value without one",
                )
            if kind is scalar:
                stack[-1][0] += 1
                value = event.value
                if len(value) > MAX_DIGITS and event.implicit[0] and _NUMBER.fullmatch(value):
                    raise InvalidInput(
                        f"{source}:{event.start_mark.line + 1}",
                        f"a number of more than {MAX_DIGITS:,} digits",
                    )
                if event.anchor is not None:
                    anchors[event.anchor] = 1
            elif kind is alias:
                stack[-1][0] += anchors.get(event.anchor, 1)
            elif kind in opening:
                if len(stack) > MAX_DEPTH:
                    raise InvalidInput(
                        f"{source}:{event.start_mark.line + 1}",
                        f"nested more than {MAX_DEPTH} levels deep, the limit",
                    )
                stack.append([1, event.anchor])
            elif kind in closing:
                size, anchor = stack.pop()
                if anchor is not None:
                    anchors[anchor] = size
                stack[-1][0] += size
                if stack[-1][0] > MAX_NODES:
                    raise InvalidInput(
                        f"{source}:{event.start_mark.line + 1}",
                        f"more than {MAX_NODES:,} values (aliases counted as what they repeat)",
                    )
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
