"""The analysts' notebooks run from top to bottom on small generated work, and are committed clean.

Each notebook is executed by nbclient in a fresh kernel of this Python, with its own data
folder; a cell that raises fails the test. The settings keep every notebook small.
"""

import ast
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SMALL = {
    "MOCKUPLAB_TEMPLATES": "desk-frame,greeting-card,desk-frame,greeting-card",
    "MOCKUPLAB_ARTWORK_SIZES": "300x400,600x800",
    "MOCKUPLAB_WORKERS": "1,2,4",
}
# pillow leaks a little on its first render: the leak steps then have a suspect to show.
SMALL_FOR = {"leak_investigation.ipynb": {"MOCKUPLAB_TEMPLATES": "desk-frame,pillow"}}
NAMED_RUNS = ("MOCKUPLAB_RUN", "MOCKUPLAB_RUN_AFTER")
CELL_SECONDS = 240
LOGIC = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For, ast.While, ast.If)
LOGIC += (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def notebook_id(path: Path) -> str:
    return path.name


def test_both_analyst_notebooks_are_there():
    names = {path.name for path in NOTEBOOKS}
    assert {"leak_investigation.ipynb", "mode_comparison.ipynb"} <= names


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=notebook_id)
def test_the_notebook_runs_from_top_to_bottom_on_a_small_artwork(path, tmp_path):
    environment = {key: value for key, value in os.environ.items() if key not in NAMED_RUNS}
    environment.update(SMALL, **SMALL_FOR.get(path.name, {}))
    environment["MOCKUPLAB_HOME"] = str(tmp_path / "home")
    environment.pop("PYTHONPATH", None)  # the kernel imports the installed project
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=CELL_SECONDS, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute(env=environment)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in code_cells)
    assert (tmp_path / "home").is_dir()  # it worked in its own data folder


@pytest.mark.parametrize("path", NOTEBOOKS, ids=notebook_id)
def test_the_committed_notebook_has_no_outputs_and_no_execution_counts(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type == "code":
            stripped = cell.outputs == [] and cell.execution_count is None
            assert stripped, (
                f"{path.name} cell {number} was saved with its output; strip it: "
                ".venv/bin/nbstripout notebooks/*.ipynb"
            )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=notebook_id)
def test_the_notebook_cells_call_the_library_and_hold_no_logic_of_their_own(path):
    notebook = nbformat.read(path, as_version=4)
    for number, cell in enumerate(notebook.cells, start=1):
        if cell.cell_type != "code":
            continue
        found = [type(node).__name__ for node in ast.walk(ast.parse(cell.source))]
        logic = [name for name in found if name in {kind.__name__ for kind in LOGIC}]
        assert not logic, (
            f"{path.name} cell {number} holds {', '.join(logic)}: move it into profiling"
        )
