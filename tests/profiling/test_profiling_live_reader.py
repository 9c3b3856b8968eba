"""The live reader's followed capture: the replay's figures, keeping only the events needed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from profiling import live_reader
from profiling.capture import marked, new_tracker
from profiling.live_reader import (
    SAMPLE_SECONDS,
    SAMPLER_CPU_SHARE,
    EventWindow,
    FollowedCapture,
    Reader,
    sample_interval,
)
from profiling.replay import replay_capture

KEPT: list[bytearray] = []


def capture_three_mockups(path: Path) -> None:
    with new_tracker(path):
        for index in (1, 2, 3):
            with marked(index):
                blocks = [bytearray(2_000_000 * index) for _ in range(4)]
                if index == 2:
                    KEPT.append(blocks[0])  # a leak, held past the mockup's end
                del blocks


def test_a_followed_capture_reports_the_replays_figures_and_forgets_finished_mockups(tmp_path):
    path = tmp_path / "run.bin"
    capture_three_mockups(path)
    followed = FollowedCapture(path)
    heaps = {heap.index: heap for heap in followed.read(complete=True)}
    replayed = replay_capture(path).mockups
    assert sorted(heaps) == [1, 2, 3]
    for index, heap in heaps.items():
        expected = replayed[index]
        assert heap.heap_peak_bytes == expected.heap_peak_bytes >= 8_000_000 * index
        assert (heap.allocated_bytes, heap.leaked_bytes) == (
            expected.allocated_bytes,
            expected.leaked_bytes,
        )
        assert [site.location for site in heap.sites] == [s.location for s in expected.sites]
    assert heaps[2].leaked_bytes >= 4_000_000
    assert followed.window.start == followed.account.fed, "nothing kept once all have ended"
    assert followed.window.events == []


def test_the_window_indexes_events_by_their_number_in_the_capture():
    window = EventWindow()
    window.extend(["a", "b", "c", "d"])
    window.forget_before(2)
    assert (window[2], window[3], len(window)) == ("c", "d", 4)
    with pytest.raises(IndexError, match="forgotten"):
        window[1]


@pytest.mark.parametrize("cpu_seconds", [0.0, 0.01, 0.04, 0.1, 0.5])
def test_the_sampler_waits_long_enough_to_keep_its_share_of_a_core(cpu_seconds):
    interval = sample_interval(cpu_seconds)
    assert interval >= SAMPLE_SECONDS
    assert cpu_seconds / interval <= SAMPLER_CPU_SHARE + 1e-9
    if cpu_seconds <= SAMPLE_SECONDS * SAMPLER_CPU_SHARE:
        assert interval == SAMPLE_SECONDS, "a cheap sample keeps the line's cadence"


@pytest.mark.parametrize("mode", ["sequential", "processes"])
def test_once_the_last_mockup_landed_the_run_capture_waits_to_be_read_whole(tmp_path, mode):
    """A read begun as the run ends would delay the one read that must follow, once the
    capture is complete; a mockup's own capture (processes mode) is read as it lands."""
    reader = Reader(tmp_path, os.getpid(), mode)
    assert not reader._worth_reading_now(), "nothing landed"
    reader.landed = {1, 2}
    reader.sent = {1}
    assert reader._worth_reading_now()
    reader.last_landed = True
    assert reader._worth_reading_now() == (mode == "processes")


@pytest.mark.parametrize("sampled", [True, False])
def test_a_run_over_before_the_samplers_first_turn_still_gets_one_sample(
    tmp_path, monkeypatch, sampled
):
    """The first sample is taken as the run starts: a run shorter than SAMPLE_SECONDS has a
    heap line too. A run that asked for none (no start time) gets none."""
    sent: list[dict] = []
    monkeypatch.setattr(live_reader, "_send", sent.append)
    reader = Reader(tmp_path, os.getpid(), "sequential")
    if sampled:
        reader.started_unix = time.time()
    reader.sampling.set()
    reader.ended.set()  # the run was over when the reader took the start
    reader._sample_until_complete()
    assert [next(iter(message)) for message in sent] == (["sample"] if sampled else [])
