"""The embedded back-end: renders in background threads of this process, followed by id through
the same interface as the Redis queue; a plugin's renderer renders in a child process."""

from __future__ import annotations

import os
import sys
import types

import pytest

from mockups.jobs import JobNotFound, JobRefused, LocalRenders, RenderJob, RenderSlots
from mockups.jobs.backend import RenderBackend
from mockups.jobs.redis_queue import RenderQueue
from mockups.options import RenderOptions
from mockups.render.renderers import PROFILED
from mockups.runs.folder import read_run
from tests.jobs_support import wait_for

TEMPLATES = ["poster", "mug"]


@pytest.fixture
def renders() -> LocalRenders:
    return LocalRenders(RenderSlots(1))


def ended(renders: LocalRenders, job_id: str):
    return wait_for(lambda: renders.status(job_id), lambda s: s.state in ("finished", "failed"))


def test_both_back_ends_offer_the_one_interface():
    for backend in (LocalRenders, RenderQueue):
        for method in ("submit", "status", "landed", "samples"):
            assert callable(getattr(backend, method)), f"{backend.__name__}.{method}"
    assert isinstance(LocalRenders(RenderSlots(1)), RenderBackend)


def test_a_render_is_followed_by_id_until_its_run_is_on_disk(renders, artwork_jpeg, tmp_path):
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=TEMPLATES)
    )
    assert renders.submit(job) == job.id
    final = ended(renders, job.id)
    assert final.state == "finished", final.error
    assert (final.done, final.total) == (2, 2)
    run = read_run(tmp_path / "run")
    assert renders.landed(job.id) == sorted(run.mockups, key=lambda m: m.finished_unix)
    assert renders.samples(job.id) == [], "a plain render draws no heap line"
    assert {m.worker.split("/")[0] for m in run.mockups} == {str(os.getpid())}


def test_a_profiled_render_runs_in_a_child_process_found_by_name(renders, artwork_jpeg, tmp_path):
    job = RenderJob(
        artwork=artwork_jpeg,
        run_dir=tmp_path / "run",
        options=RenderOptions(templates=["poster"], mode="sequential"),
        renderer=PROFILED,
    )
    renders.submit(job)
    final = ended(renders, job.id)
    assert final.state == "finished", final.error
    (landed,) = renders.landed(job.id)
    assert landed.worker.split("/")[0] != str(os.getpid()), "rendered in a process of its own"
    assert read_run(tmp_path / "run").profiled
    assert renders.samples(job.id), "the profiler's heap line reached this process"


@pytest.mark.slow
def test_a_processes_render_never_runs_the_page_script_that_started_it(
    renders, artwork_jpeg, tmp_path, monkeypatch
):
    """Streamlit runs each page as a `__main__` module of the page's file; a worker process
    started from it would run the page again (as multiprocessing re-imports `__main__`)."""
    ran = tmp_path / "the page ran"
    page = tmp_path / "page.py"
    page.write_text(f"open({str(ran)!r}, 'w').close()\n")
    as_streamlit_runs_it = types.ModuleType("__main__")
    as_streamlit_runs_it.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", as_streamlit_runs_it)
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", "512")
    job = RenderJob(
        artwork=artwork_jpeg,
        run_dir=tmp_path / "run",
        options=RenderOptions(templates=TEMPLATES, mode="processes", workers=2),
    )
    renders.submit(job)
    final = ended(renders, job.id)
    assert final.state == "finished", final.error
    assert (final.done, final.total) == (2, 2)
    assert not ran.exists(), "a worker ran the page's script"
    assert read_run(tmp_path / "run").mode == "processes"


def test_a_render_over_the_budget_is_refused_before_it_starts(
    renders, artwork_jpeg, tmp_path, monkeypatch
):
    monkeypatch.setenv("MOCKUPLAB_JOB_BUDGET_MB", "10")
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=tmp_path / "run", options=RenderOptions(templates=TEMPLATES)
    )
    with pytest.raises(JobRefused):
        renders.submit(job)
    with pytest.raises(JobNotFound):
        renders.status(job.id)


def test_a_failed_render_says_why_in_one_line_and_leaves_no_folder(renders, artwork_jpeg, tmp_path):
    run_dir = tmp_path / "run"
    job = RenderJob(
        artwork=artwork_jpeg, run_dir=run_dir, options=RenderOptions(templates=TEMPLATES)
    )
    with renders.slots.slot():  # the one slot held here: the render waits its turn
        renders.submit(job)
        wait_for(lambda: renders.status(job.id), lambda status: status.place == 1)
        artwork_jpeg.write_bytes(b"no longer a JPEG")  # between the check and the render
    final = ended(renders, job.id)
    assert final.state == "failed"
    assert final.error and "\n" not in final.error
    assert not run_dir.exists()
