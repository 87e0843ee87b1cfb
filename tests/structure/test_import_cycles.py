"""The import cycles issue 14 named are gone, counting imports inside functions too.

Each pair's modules must not reach each other both ways: a cycle means two modules that
can only be understood (and changed) together. Walks the source with `ast`, so an import
moved into a function to dodge the cycle at load time still counts.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "scoring"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """Every scoring module ``path`` imports, at the top or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for guard in ast.walk(tree):
        # Imports for type annotations only (``if TYPE_CHECKING:``) never run, so they make no cycle.
        if isinstance(guard, ast.If) and "TYPE_CHECKING" in ast.unparse(guard.test):
            guard.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # ``from . import audit`` imports the module ``package.audit``, not the package's own
            # code; ``from .models import User`` imports ``models``.
            submodules = {f"{base}.{alias.name}" for alias in node.names} & modules
            found.update(submodules or {base})
    return {m for m in found if m in modules and m != name}


def import_graph() -> dict[str, set[str]]:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    modules = set(paths)
    return {name: imports_of(path, modules) for name, path in paths.items()}


def reaches(graph: dict[str, set[str]], start: str, goal: str) -> list[str] | None:
    """The import path from ``start`` to ``goal``, or None."""
    seen, stack = {start}, [[start]]
    while stack:
        path = stack.pop()
        for nxt in sorted(graph.get(path[-1], ())):
            if nxt == goal:
                return path + [nxt]
            if nxt not in seen:
                seen.add(nxt)
                stack.append(path + [nxt])
    return None


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("scoring.services.setup", "scoring.services.assignments"),
        ("scoring.services.setup", "scoring.services.documents"),
        ("scoring.services.moderation", "scoring.services.results"),
        ("scoring.engine.analysis", "scoring.engine.report"),
    ],
)
def test_no_cycle_between(one, other):
    graph = import_graph()
    there, back = reaches(graph, one, other), reaches(graph, other, one)
    assert not (there and back), f"{' -> '.join(there)}, and back: {' -> '.join(back)}"


def test_the_graph_is_read_from_the_source():
    # Guards the walk itself: these imports exist, so a broken walk cannot pass the test above.
    graph = import_graph()
    assert "scoring.services.lifecycle" in graph["scoring.services.setup"]
    assert "scoring.services.outcome" in graph["scoring.services.results"]
    assert "scoring.engine.report" in graph["scoring.engine.analysis"]


def test_documents_use_no_private_name_of_set_up():
    source = (PACKAGE / "services" / "documents.py").read_text(encoding="utf-8")
    assert "setup._" not in source
