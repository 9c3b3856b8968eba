"""The analysts' notebooks run from top to bottom on small generated work, and are committed clean.

Each notebook is executed by nbclient in a fresh kernel of this Python, with its own data
folder; a cell that raises fails the test. The settings keep every notebook small.
"""

import ast
import json
import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from profiling.demo import planting_location

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
# Two templates (the leak demo plants its leak on the second), two sizes, two worker counts.
SMALL = {
    "MOCKUPLAB_TEMPLATES": "desk-frame,greeting-card",
    "MOCKUPLAB_ARTWORK_SIZES": "300x400,600x800",
    "MOCKUPLAB_WORKERS": "1,2",
}
NAMED_RUNS = ("MOCKUPLAB_RUN", "MOCKUPLAB_RUN_AFTER", "MOCKUPLAB_JOB_BUDGET_MB")
PLOTLY = "application/vnd.plotly.v1+json"
# what each notebook must show once run: the demo's planted leak found at its line, and the
# dashboard's memory budget on the workers chart
SHOWN = {
    "leak_investigation.ipynb": (
        f"profiling/demo.py:{planting_location().rpartition(':')[2]} (render_keeping_a_copy)"
    ),
    "mode_comparison.ipynb": "256 MB budget",
}
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
    environment.update(SMALL)
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
    outputs = [output for cell in code_cells for output in cell.outputs]
    charts = [output for output in outputs if PLOTLY in output.get("data", {})]
    assert charts, "the notebook draws its charts"
    assert all("image/png" in chart["data"] for chart in charts), "each chart carries its PNG"
    assert SHOWN[path.name] in shown_text(outputs)


def shown_text(outputs: list) -> str:
    """Everything the outputs say: printed text, values' text and the charts' own text."""
    parts = [output.get("text", "") for output in outputs]
    for output in outputs:
        data = output.get("data", {})
        parts.append(data.get("text/plain", ""))
        parts.append(json.dumps(data.get(PLOTLY, {})))
    return "\n".join(parts)


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
