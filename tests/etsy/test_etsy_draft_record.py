"""What the dashboard follows of a draft push: each step as it begins, the draft as Etsy shows
it at the end, and the manifest's record of a run's draft (made, or stopped midway)."""

from __future__ import annotations

import pytest

from etsy_sync.errors import RateLimited
from etsy_sync.listing import listing_request
from tests.etsy.test_etsy_draft import COLOUR_TEMPLATES, FIELDS
from tests.fake_etsy.helpers import write_run


@pytest.fixture
def run_dir(tmp_path):
    return write_run(tmp_path / "run", templates=COLOUR_TEMPLATES)


def test_each_step_is_heard_as_it_begins_in_order(etsy, sync, run_dir):
    stages: list[tuple[str, int]] = []
    plan = sync.plan_draft(listing_request(run_dir, FIELDS))

    sync.draft(plan, on_stage=lambda stage: stages.append((stage, len(etsy.seen))))

    assert [stage for stage, _ in stages] == ["draft", "photos", "colours"]
    calls_at = [seen for _, seen in stages]
    assert calls_at == sorted(calls_at) and calls_at[0] < calls_at[1] < calls_at[2]


def test_the_result_holds_the_draft_as_etsy_shows_it_after_the_push(etsy, sync, run_dir):
    result = sync.draft(sync.plan_draft(listing_request(run_dir, FIELDS)))

    assert result.listing is not None
    assert (result.listing.listing_id, result.listing.state) == (result.listing_id, "draft")
    assert result.listing.url == f"https://www.etsy.com/listing/{result.listing_id}"
    assert etsy.seen[-1].operation == "getListing"


def test_a_run_never_pushed_has_no_draft_and_nothing_unfinished(sync, run_dir):
    record = sync.run_draft(run_dir)

    assert (record.listing_id, record.creating, record.status) == (None, None, None)
    assert not record.unfinished


def test_a_finished_draft_is_recorded_and_finished(sync, run_dir):
    result = sync.draft(sync.plan_draft(listing_request(run_dir, FIELDS)))

    record = sync.run_draft(run_dir)

    assert record.listing_id == result.listing_id and not record.unfinished
    assert record.last_push is not None and record.last_push.outcome == "done"


def test_a_push_stopped_among_the_photos_is_recorded_as_unfinished(etsy, sync, run_dir):
    def another_app_spends_the_allowance():
        etsy.per_day_limit = len(etsy._day)

    etsy.inject("uploadListingImage", "act-after", skip=3, action=another_app_spends_the_allowance)
    with pytest.raises(RateLimited):
        sync.draft(sync.plan_draft(listing_request(run_dir, FIELDS)))

    record = sync.run_draft(run_dir)

    assert record.unfinished and record.status is not None
    assert len(record.status.pushed) == 4
    assert record.last_push is not None and record.last_push.outcome.startswith("failed")
