"""The code's shape: imports point one way (no cycle among the project's modules, imports inside functions
included), and no module grows past what a reader takes in at once."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("helpdesk", "tickets", "accounts")
MAX_LINES = 450
# The one state machine stays one module: its table and its actions read together.
LONGER_ALLOWED = {"tickets/workflow.py"}


def project_modules(root=ROOT):
    """Every module of the project's packages, as ``{dotted name: path}``; a package is its ``__init__``."""
    modules = {}
    for package in PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imports_of(module, path, modules):
    """The project's modules that ``module`` imports, wherever the statement stands (in a function too).

    ``from a import b`` imports the module ``a.b`` when there is one, else a name of ``a``; ``import a.b``
    imports ``a.b``. Reaching a module through its parent packages does not count as importing them.
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in modules and name != module)
    return found


def import_graph(root=ROOT):
    """``{module: the project's modules it imports}``."""
    modules = project_modules(root)
    return {module: imports_of(module, path, modules) for module, path in modules.items()}


def find_cycle(graph):
    """One cycle of the graph as a list of modules (first == last), or None."""
    state = {}  # 1: on the current path, 2: done

    def visit(module, path):
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                found = visit(target, path)
                if found:
                    return found
        path.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state:
            found = visit(module, [])
            if found:
                return found
    return None


def test_the_graph_sees_imports_inside_functions_and_relative_ones(tmp_path):
    (tmp_path / "tickets").mkdir()
    (tmp_path / "tickets" / "__init__.py").write_text("")
    (tmp_path / "tickets" / "a.py").write_text("def later():\n    from tickets import b\n")
    (tmp_path / "tickets" / "b.py").write_text("from .a import later\n")
    graph = import_graph(tmp_path)
    assert graph["tickets.a"] == {"tickets.b"}
    assert graph["tickets.b"] == {"tickets.a"}
    assert find_cycle(graph) == ["tickets.a", "tickets.b", "tickets.a"]


def test_no_import_cycle_among_the_projects_modules():
    graph = import_graph()
    assert "tickets.notifications.tasks" in graph["tickets.notifications"]  # the graph is read
    cycle = find_cycle(graph)
    assert cycle is None, "Import cycle: " + " → ".join(cycle)


def test_no_module_is_longer_than_a_reader_takes_in():
    too_long = {}
    for path in project_modules().values():
        name = path.relative_to(ROOT).as_posix()
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if "/migrations/" not in name and name not in LONGER_ALLOWED and lines > MAX_LINES:
            too_long[name] = lines
    assert too_long == {}
