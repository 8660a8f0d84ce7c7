"""Runtime dependencies are exactly what src/ imports, as ranges; the locks pin a version of each.

`pip install hifazat` must give a package that runs: a module imported by src/ but declared only in
the dev extra breaks the installed command (issue 14: httpx and `hifazat worker`), and one declared
but never needed weighs on every install. The locks (requirements/*.lock, `make lock`) pin what is
installed; a range changed without recompiling them would install something the range excludes."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from collections.abc import Iterator
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "hifazat"

#: Needed at run time yet never imported by src/: each is loaded by name by a library src/ uses.
LOADED_BY_NAME = {
    "psycopg": "SQLAlchemy's postgresql+psycopg dialect imports the driver named in the URL",
    "python-multipart": "FastAPI parses the web's Form() fields with it",
    "uvloop": "uvicorn runs on this event loop when it is installed",
    "httptools": "uvicorn parses HTTP with it when it is installed",
}


def _pyproject() -> dict[str, object]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        project: dict[str, object] = tomllib.load(f)["project"]
    return project


def _requirements(key: str) -> list[Requirement]:
    project = _pyproject()
    if key == "runtime":
        lines = project["dependencies"]
    else:
        extras = project["optional-dependencies"]
        assert isinstance(extras, dict)
        lines = extras[key]
    assert isinstance(lines, list)
    return [Requirement(line) for line in lines]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imported_modules(source: str) -> Iterator[str]:
    """Top-level names of the absolute imports a module runs (not those under TYPE_CHECKING)."""

    def visit(node: ast.AST) -> Iterator[str]:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for statement in node.orelse:
                yield from visit(statement)
            return
        if isinstance(node, ast.Import):
            yield from (alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.partition(".")[0]
        for child in ast.iter_child_nodes(node):
            yield from visit(child)

    yield from visit(ast.parse(source))


def third_party_imports() -> dict[str, set[str]]:
    """Distribution name → the src/ files importing it (stdlib and hifazat itself left out)."""
    distributions = packages_distributions()
    found: dict[str, set[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        for module in imported_modules(path.read_text(encoding="utf-8")):
            if module in sys.stdlib_module_names or module in ("hifazat", "__future__"):
                continue
            names = distributions.get(module)
            assert names, (
                f"{path.relative_to(ROOT)} imports {module}, which no distribution provides"
            )
            for name in names:
                found.setdefault(canonicalize_name(name), set()).add(str(path.relative_to(ROOT)))
    return found


def test_the_scanner_sees_nested_imports_and_skips_type_checking() -> None:
    source = (
        "import a.b, c\n"
        "from d.e import f\n"
        "from . import g\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import h\nelse:\n    import i\n"
        "def run() -> None:\n    import j\n"
    )
    assert sorted(imported_modules(source)) == ["a", "c", "d", "i", "j", "typing"]


def test_runtime_dependencies_are_exactly_what_src_imports() -> None:
    imported = third_party_imports()
    declared = {canonicalize_name(r.name) for r in _requirements("runtime")}
    by_name = {canonicalize_name(name) for name in LOADED_BY_NAME}

    missing = {name: sorted(files) for name, files in imported.items() if name not in declared}
    assert not missing, f"imported by src/ but not in [project.dependencies]: {missing}"
    unused = declared - imported.keys() - by_name
    assert not unused, f"declared in [project.dependencies] but imported nowhere in src/: {unused}"
    assert not by_name & imported.keys(), "imported now: take it off LOADED_BY_NAME"
    assert by_name <= declared, "LOADED_BY_NAME lists a package that is not declared"


@pytest.mark.parametrize("key", ["runtime", "dev"])
def test_dependencies_are_ranges_not_pins(key: str) -> None:
    pinned = [
        str(r)
        for r in _requirements(key)
        if any(spec.operator in ("==", "===") for spec in r.specifier)
    ]
    assert not pinned, f"pinned with == (pins belong in requirements/*.lock): {pinned}"
    unbounded = [str(r) for r in _requirements(key) if not r.specifier]
    assert not unbounded, f"no version range: {unbounded}"


def _locked(lock: str) -> dict[str, str]:
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    return {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", text, re.M)
    }


@pytest.mark.parametrize(
    ("lock", "keys"), [("runtime.lock", ["runtime"]), ("dev.lock", ["runtime", "dev"])]
)
def test_locks_pin_a_version_in_every_declared_range(lock: str, keys: list[str]) -> None:
    locked = _locked(lock)
    stale = [
        f"{r} (locked: {locked.get(canonicalize_name(r.name), 'absent')})"
        for key in keys
        for r in _requirements(key)
        if not r.specifier.contains(locked.get(canonicalize_name(r.name), "0a0"), prereleases=True)
    ]
    assert not stale, f"requirements/{lock} is stale, run `make lock`: {stale}"


def test_the_locks_agree_on_every_version() -> None:
    runtime, dev = _locked("runtime.lock"), _locked("dev.lock")
    assert runtime, "requirements/runtime.lock pins nothing"
    disagree = {name: (v, dev.get(name)) for name, v in runtime.items() if dev.get(name) != v}
    assert not disagree, f"runtime.lock → dev.lock: {disagree}"
