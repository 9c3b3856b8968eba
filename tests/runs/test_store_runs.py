"""The runs store on its own: what it lists, how it fails, what it keeps secret, and workers
rendering stored jobs (scratch folders, failures with their reason, retries)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rq import Queue
from rq.serializers import JSONSerializer

from harness.s3_server import SECRET_ACCESS_KEY, free_port, trickling_proxy
from mockups.jobs import RenderJob
from mockups.jobs.redis_queue import QUEUE_NAME, RENDER_FUNCTION
from mockups.jobs.spec import BadJob
from mockups.options import RenderOptions
from mockups.runs.base import MissingInStore, StoreError, StoreUnavailable
from mockups.runs.catalogue import list_runs, new_run_dir, open_run, refresh_runs, share_artwork
from mockups.runs.folder import RUN_FILE
from mockups.runs.store import open_store, store_settings
from tests.conftest import gradient_artwork
from tests.jobs_support import wait_for
from tests.store_support import run_folder

ROOT = Path(__file__).resolve().parents[2]
NO_SECRETS_FILE = Path("/nonexistent/secrets.toml")


def on_the_store(monkeypatch, s3_env: dict[str, str], home: Path) -> None:
    """This process as a machine with `home` of its own that reaches the runs in `s3_env`
    (and, working in `home`'s parent, no secrets file of the project's)."""
    monkeypatch.setenv("MOCKUPLAB_HOME", str(home))
    monkeypatch.chdir(home.parent)
    for name, value in s3_env.items():
        monkeypatch.setenv(name, value)


def test_a_run_without_run_json_in_the_store_is_never_listed(s3_env, tmp_path, monkeypatch):
    store = open_store(s3_env, NO_SECRETS_FILE)
    finished = run_folder(tmp_path / "out" / "20261130-100000-done-aaaaaa")
    store.publish(finished, finished.name)
    half = run_folder(tmp_path / "out" / "20261130-100001-half-bbbbbb")
    (half / RUN_FILE).unlink()  # as a worker stopped before its last upload leaves it
    for name in ("01-poster.jpg", "thumbs/01-poster.jpg"):
        store._upload(half / name, store._key(half.name, name))

    assert list(store.finished_runs()) == [finished.name]

    on_the_store(monkeypatch, s3_env, tmp_path / "web")
    refresh_runs(force=True)
    copied = tmp_path / "web" / "runs"
    assert sorted(p.name for p in copied.iterdir()) == [finished.name]


def test_a_stored_run_is_copied_with_its_thumbnails_and_full_size_files_only_when_asked(
    s3_env, tmp_path
):
    store = open_store(s3_env, NO_SECRETS_FILE)
    run = run_folder(tmp_path / "out" / "20261130-100000-art-cccccc")
    (run / "profile").mkdir()
    (run / "profile" / "summary.json").write_text("{}")
    (run / "profile" / "run.bin").write_bytes(b"\0" * 1000)  # a memray capture: stays there
    store.publish(run, run.name)

    copy = tmp_path / "cache" / run.name
    assert store.sync_run(run.name, copy)
    here = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file())
    assert here == [
        ".stored.json",
        "profile/summary.json",
        "run.json",
        "thumbs/01-poster.jpg",
        "thumbs/02-poster.jpg",
    ]
    store.fetch(copy, ["02-poster.jpg"])
    assert (copy / "02-poster.jpg").read_bytes() == (run / "02-poster.jpg").read_bytes()


def test_a_notebook_opens_a_stored_run_by_its_name(s3_env, tmp_path, monkeypatch):
    store = open_store(s3_env, NO_SECRETS_FILE)
    run = run_folder(tmp_path / "out" / "20261130-100000-art-ffffff")
    store.publish(run, run.name)
    on_the_store(monkeypatch, s3_env, tmp_path / "analyst")

    opened = open_run(run.name)
    assert opened == tmp_path / "analyst" / "runs" / run.name
    assert (opened / RUN_FILE).read_bytes() == (run / RUN_FILE).read_bytes()


def test_publishing_again_replaces_the_run_and_drops_files_of_the_earlier_attempt(s3_env, tmp_path):
    store = open_store(s3_env, NO_SECRETS_FILE)
    first = run_folder(tmp_path / "first" / "20261130-100000-art-dddddd", mockups=3)
    store.publish(first, first.name)
    second = run_folder(tmp_path / "second" / first.name, mockups=1)
    store.publish(second, second.name)

    keys = sorted(
        item.object_name.rpartition(f"{first.name}/")[2] for item in store._list(first.name)
    )
    assert keys == ["01-poster.jpg", RUN_FILE, "thumbs/01-poster.jpg"]


def test_an_unreachable_store_is_one_line_naming_the_store_without_secrets(s3_env):
    settings = {**s3_env, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    store = open_store(settings, NO_SECRETS_FILE)
    with pytest.raises(StoreUnavailable) as raised:
        store.finished_runs()
    message = str(raised.value)
    assert message.startswith(f"the runs store {s3_env['MOCKUPLAB_STORAGE']} cannot be reached")
    assert "\n" not in message and SECRET_ACCESS_KEY not in message


def test_a_missing_key_and_a_missing_bucket_are_one_line_each(s3_env, tmp_path):
    store = open_store(s3_env, NO_SECRETS_FILE)
    with pytest.raises(MissingInStore, match=r"has no team/runs/20261130-x-ab/upload\.png$"):
        store.fetch_artwork("20261130-x-ab/upload.png", tmp_path)
    assert not any(tmp_path.iterdir()), "no partial file left behind"
    no_bucket = open_store(
        {**s3_env, "MOCKUPLAB_STORAGE": "s3://no-such-bucket/x"}, NO_SECRETS_FILE
    )
    with pytest.raises(StoreUnavailable, match="the bucket does not exist$"):
        no_bucket.finished_runs()


def test_settings_come_from_the_secrets_file_and_the_environment_wins(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        'MOCKUPLAB_STORAGE = "s3://from-file/runs"\n'
        'AWS_ACCESS_KEY_ID = "file-key"\n'
        'AWS_SECRET_ACCESS_KEY = "file-secret-value"\n'
        'ETSY_KEYSTRING = "not ours"\n'
    )
    from_file = store_settings({}, secrets)
    assert from_file is not None
    assert (from_file.location, from_file.access_key_id) == ("s3://from-file/runs", "file-key")
    assert "file-secret-value" not in repr(from_file)

    overridden = store_settings({"MOCKUPLAB_STORAGE": "s3://from-env/p"}, secrets)
    assert overridden is not None and overridden.location == "s3://from-env/p"
    assert store_settings({}, NO_SECRETS_FILE) is None, "unset: the local runs folder"


@pytest.mark.parametrize(
    "url", ["http://bucket/x", "s3://", "s3://UPPER/x", "s3://bucket/../up", "bucket/prefix"]
)
def test_a_wrong_storage_setting_is_one_line(url):
    with pytest.raises(StoreError, match="^MOCKUPLAB_STORAGE"):
        store_settings({"MOCKUPLAB_STORAGE": url}, NO_SECRETS_FILE)


def test_a_stored_job_names_its_run_and_artwork_by_name_only(tmp_path):
    run_dir = tmp_path / "runs" / "20261130-100000-art-eeeeee"
    job = RenderJob(
        artwork=str(run_dir / "upload.png"),
        run_dir=str(run_dir),
        options=RenderOptions(templates="poster"),
        store="s3://bucket/team",
    )
    assert RenderJob.from_dict(job.to_dict()) == job
    assert job.artwork_key == "20261130-100000-art-eeeeee/upload.png"
    fields = job.to_dict()
    with pytest.raises(BadJob, match="not a file of its run"):
        RenderJob.from_dict({**fields, "artwork": str(tmp_path / "elsewhere" / "upload.png")})
    with pytest.raises(BadJob, match="store must be s3://bucket/prefix"):
        RenderJob.from_dict({**fields, "store": "file:///etc"})


def test_processes_on_the_local_folder_never_load_the_s3_client(tmp_path):
    code = (
        "import sys, dashboard.cached, mockups.jobs, etsy_sync.run_images\n"
        "from mockups.runs.catalogue import list_runs, refresh_runs, run_store\n"
        "refresh_runs(force=True); list_runs(); run_store().finished_runs()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('minio', 'boto3')))\n"
    )
    env = {"MOCKUPLAB_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# Workers rendering stored jobs -----------------------------------------------------------


def stored_job(web_home: Path, monkeypatch, upload: bool = True) -> RenderJob:
    """A job as the web queues it: the artwork in its run folder, and in the store if `upload`."""
    monkeypatch.setenv("MOCKUPLAB_HOME", str(web_home))
    run_dir = new_run_dir("art.png")
    artwork = run_dir / "upload.png"
    gradient_artwork((300, 400)).save(artwork)
    location = share_artwork(artwork) if upload else open_store().location
    return RenderJob(
        artwork=str(artwork),
        run_dir=str(run_dir),
        options=RenderOptions(templates="poster", mode="sequential"),
        store=location,
    )


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["s3"], indirect=True)
def test_a_job_whose_artwork_is_not_in_the_store_fails_with_the_reason_and_retries_cleanly(
    backend, redis_url, render_queue, monkeypatch
):
    job = stored_job(backend.web_home, monkeypatch, upload=False)
    render_queue.enqueue(job)

    worker = backend.run_worker(redis_url)
    status = render_queue.status(job.id)
    assert status.state == "failed"
    assert status.error == (f"the runs store {job.store} has no team/runs/{job.artwork_key}"), (
        "one line, naming the missing key"
    )
    assert not any((backend.worker_home / "scratch").iterdir()), "scratch folder removed"
    assert SECRET_ACCESS_KEY not in worker.stdout + worker.stderr
    refresh_runs(force=True)
    assert list_runs() == []

    share_artwork(Path(job.artwork))
    render_queue.retry(job.id)
    backend.run_worker(redis_url)
    assert render_queue.status(job.id).state == "finished"
    refresh_runs(force=True)
    assert [summary.path.name for summary in list_runs()] == [job.run_name]
    assert not any((backend.worker_home / "scratch").iterdir())


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["s3"], indirect=True)
def test_a_job_that_fails_while_rendering_leaves_no_scratch_folder_and_no_run(
    backend, redis_url, render_queue, monkeypatch
):
    job = stored_job(backend.web_home, monkeypatch)
    Path(job.artwork).write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 64)  # damaged after the check
    share_artwork(Path(job.artwork))
    render_queue.queue.enqueue(  # past the web's own header check, as a damaged upload would be
        "mockups.jobs.render_job",
        args=(job.to_dict(),),
        job_id=job.id,
        meta={"done": 0, "total": 1, "landed": [], "samples": []},
    )

    backend.run_worker(redis_url)
    status = render_queue.status(job.id)
    assert status.state == "failed" and status.error and "\n" not in status.error
    assert not any((backend.worker_home / "scratch").iterdir())
    assert open_store().finished_runs() == {}


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["s3"], indirect=True)
def test_a_worker_on_another_store_or_none_refuses_a_stored_job_with_the_reason(
    backend, redis_url, render_queue, monkeypatch
):
    job = stored_job(backend.web_home, monkeypatch)
    render_queue.enqueue(job)
    backend.store_env = {}  # a worker configured for its local folder only

    backend.run_worker(redis_url)
    status = render_queue.status(job.id)
    assert status.state == "failed"
    assert (
        status.error == f"the job's run is in {job.store}, but this process's runs store is local"
    )


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["s3"], indirect=True)
def test_an_unreachable_store_fails_the_job_with_one_line_and_no_secret(
    backend, redis_url, render_queue, monkeypatch
):
    job = stored_job(backend.web_home, monkeypatch)
    render_queue.enqueue(job)

    worker = backend.run_worker(redis_url, AWS_ENDPOINT_URL="http://127.0.0.1:9")
    status = wait_for(lambda: render_queue.status(job.id), lambda s: s.state == "failed")
    assert status.error is not None
    assert status.error.startswith(f"the runs store {job.store} cannot be reached: ")
    assert SECRET_ACCESS_KEY not in status.error + worker.stdout + worker.stderr
    assert not any((backend.worker_home / "scratch").iterdir())
    assert "Traceback" not in worker.stdout + worker.stderr
    (said,) = worker.stderr.splitlines()
    assert said.startswith(f"the runs store {job.store} cannot be reached: ")
    assert said.endswith("; its jobs fail until it is back")
    (failed,) = [line for line in worker.stdout.splitlines() if "failed" in line]
    assert failed.endswith(f"job {job.id} failed: {status.error}")


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["s3"], indirect=True)
def test_a_worker_started_with_the_store_down_says_so_once_and_renders_when_it_is_back(
    backend, redis_url, render_queue, monkeypatch
):
    job = stored_job(backend.web_home, monkeypatch)
    render_queue.enqueue(job)
    port = free_port()  # where the store will be: nothing answers there yet
    worker = subprocess.Popen(
        [sys.executable, "-m", "mockups", "worker", "--url", redis_url],
        cwd=ROOT,
        env=backend.worker_environment(AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert worker.stderr is not None
        said = worker.stderr.readline().rstrip("\n")
        assert said.startswith(f"the runs store {job.store} cannot be reached: ")
        assert said.endswith("; waiting for it")
        time.sleep(2)
        assert render_queue.status(job.id).state == "queued", "no job failed for the outage"
        store = backend.store_env["AWS_ENDPOINT_URL"]
        with trickling_proxy(store, lambda method, path: False, port=port):
            final = wait_for(
                lambda: render_queue.status(job.id), lambda s: s.state in ("finished", "failed")
            )
        assert (final.state, final.error) == ("finished", None)
    finally:
        worker.terminate()
        _, rest = worker.communicate(timeout=60)
    assert "Traceback" not in rest
    assert "cannot be reached" not in rest, "one line for the outage"


def test_history_with_the_store_out_of_reach_is_one_warning_not_a_traceback(
    s3_env, tmp_path, monkeypatch
):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MOCKUPLAB_HOME", str(tmp_path))
    for name, value in {**s3_env, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"}.items():
        monkeypatch.setenv(name, value)
    history = AppTest.from_file(str(ROOT / "pages" / "history.py"), default_timeout=60)
    history.run()

    assert not history.exception
    (warning,) = [w.value for w in history.warning]
    assert "cannot be reached" in warning and SECRET_ACCESS_KEY not in warning
    assert [i.value for i in history.info] == ["No finished run yet."]


@pytest.fixture(params=["local", "s3"])
def either_store(request, tmp_path):
    if request.param == "local":
        return open_store({}, NO_SECRETS_FILE, root=tmp_path / "runs")
    return open_store(request.getfixturevalue("s3_env"), NO_SECRETS_FILE)


def test_each_store_lists_a_published_run_until_it_is_deleted(either_store, tmp_path):
    run = run_folder(tmp_path / "rendered" / "20261130-100000-art-111111")
    (run / "upload.png").write_bytes(b"artwork bytes")
    key = either_store.put_artwork(run / "upload.png", run.name)
    assert either_store.finished_runs() == {}

    either_store.publish(run, run.name, keep=["upload.png"])
    assert list(either_store.finished_runs()) == [run.name]
    fetched = either_store.fetch_artwork(key, tmp_path / "scratch")
    assert fetched.read_bytes() == b"artwork bytes"
    copy = tmp_path / "runs" / run.name
    assert either_store.sync_run(run.name, copy)
    either_store.fetch(copy, ["01-poster.jpg"])
    assert (copy / "01-poster.jpg").read_bytes() == (run / "01-poster.jpg").read_bytes()

    either_store.delete(run.name)
    assert either_store.finished_runs() == {}
    with pytest.raises(MissingInStore):
        either_store.fetch_artwork(key, tmp_path / "scratch-again")


@pytest.mark.limit_memory("24 MB")  # one 8 MB part, with room
def test_a_large_file_goes_up_and_down_in_parts_not_whole(s3_env, tmp_path):
    store = open_store(s3_env, NO_SECRETS_FILE)
    run = tmp_path / "20261130-100000-big-222222"
    run.mkdir()
    big = run / "upload.tif"
    with big.open("wb") as out:
        for _ in range(12):
            out.write(os.urandom(8 * 1024 * 1024))  # 96 MB, four times the ceiling
    key = store.put_artwork(big, run.name)
    fetched = store.fetch_artwork(key, tmp_path / "scratch")
    assert fetched.stat().st_size == big.stat().st_size


def test_captures_come_when_asked_and_a_comparison_made_here_is_stored(
    s3_env, tmp_path, monkeypatch
):
    from mockups.runs.catalogue import fetch_run_folder, keep_run_files

    store = open_store(s3_env, NO_SECRETS_FILE)
    run = run_folder(tmp_path / "worker" / "20261130-100000-art-333333")
    (run / "profile").mkdir()
    (run / "profile" / "run.bin").write_bytes(b"memray capture")
    store.publish(run, run.name)
    on_the_store(monkeypatch, s3_env, tmp_path / "web")
    copy = open_run(run.name)
    assert not (copy / "profile" / "run.bin").exists()

    fetch_run_folder(copy, "profile")
    assert (copy / "profile" / "run.bin").read_bytes() == b"memray capture"

    (copy / "compare").mkdir()
    (copy / "compare" / "compare.json").write_text("[]")
    keep_run_files(copy, ["compare/compare.json"])
    other_web = tmp_path / "other-web" / run.name
    assert store.sync_run(run.name, other_web)
    assert (other_web / "compare" / "compare.json").read_text() == "[]"
    with pytest.raises(StoreError, match="is not a file of a run"):
        keep_run_files(copy, ["../elsewhere.json"])


def test_a_worker_with_a_wrong_storage_setting_stops_with_one_line(redis_url, tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "MOCKUPLAB_HOME": str(tmp_path),
        "MOCKUPLAB_STORAGE": "https://bucket.example/runs",
    }
    done = subprocess.run(
        [sys.executable, "-m", "mockups", "worker", "--url", redis_url, "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: MOCKUPLAB_STORAGE must be s3://bucket/prefix (or unset for the local runs "
        "folder), not 'https://bucket.example/runs'"
    ]


def test_a_publish_cut_short_leaves_no_listed_run_even_over_an_earlier_one(
    s3_env, tmp_path, monkeypatch
):
    store = open_store(s3_env, NO_SECRETS_FILE)
    run = run_folder(tmp_path / "out" / "20261130-100000-art-444444")
    store.publish(run, run.name)
    assert list(store.finished_runs()) == [run.name]
    upload = store._upload
    sent: list[str] = []

    def connection_lost_after_two(path: Path, key: str) -> None:
        if len(sent) == 2:
            raise StoreUnavailable("the runs store cannot be reached: connection reset")
        sent.append(key)
        upload(path, key)

    monkeypatch.setattr(store, "_upload", connection_lost_after_two)
    with pytest.raises(StoreUnavailable):
        store.publish(run, run.name)
    assert not any(key.endswith(RUN_FILE) for key in sent)
    assert store.finished_runs() == {}, "the run being replaced is not listed as finished"


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["s3"], indirect=True)
def test_a_stored_job_naming_a_folder_elsewhere_lands_in_the_webs_own_runs_folder(
    backend, redis_url, render_queue, monkeypatch, tmp_path
):
    job = stored_job(backend.web_home, monkeypatch)
    elsewhere = tmp_path / "elsewhere" / job.run_name
    fields = {
        **job.to_dict(),
        "run_dir": str(elsewhere),
        "artwork": str(elsewhere / Path(job.artwork).name),
    }
    queue = Queue(QUEUE_NAME, connection=render_queue.connection, serializer=JSONSerializer)
    queue.enqueue(RENDER_FUNCTION, fields, job_id=job.id)  # written by hand, not by the web

    backend.run_worker(redis_url)
    status = render_queue.status(job.id)
    assert (status.state, status.error) == ("finished", None)
    assert status.run_dir == str(backend.web_home / "runs" / job.run_name)
    assert (Path(status.run_dir) / RUN_FILE).is_file()
    assert not (tmp_path / "elsewhere").exists(), "the web wrote nothing where the job said"
