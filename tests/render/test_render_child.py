"""A renderer in a child process is handed a heap-line callback only when its caller listens:
the profiler's line reads its whole capture per sample, beside the render."""

from __future__ import annotations

import json

import pytest

from mockups.render import child
from mockups.runs.folder import RunResult


@pytest.mark.parametrize("listens", [True, False])
def test_the_child_asks_for_a_heap_line_only_when_its_caller_listens(
    tmp_path, monkeypatch, capsys, listens
):
    handed: list[bool] = []

    def renderer(artwork, out_dir, *, options=None, progress=None, sample=None) -> RunResult:
        handed.append(sample is not None)
        raise child.errors.RenderError("stopped here: only the call matters")

    monkeypatch.setattr(child, "find_renderer", lambda name: renderer)
    captured: list[str] = []

    def run_child(command, **kwargs):
        captured.append(command[-1])
        raise SystemExit  # the request is all this test needs from the parent side

    monkeypatch.setattr(child.subprocess, "Popen", run_child)
    with pytest.raises(SystemExit):
        child.render_in_child(
            "profiled",
            tmp_path / "artwork.png",
            tmp_path / "out",
            progress=lambda *landed: None,
            sample=(lambda *point: None) if listens else None,
        )
    assert child.main(captured) == 2
    assert handed == [listens]
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["error"] == "RenderError"
