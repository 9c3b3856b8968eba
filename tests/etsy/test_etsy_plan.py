"""Planning a push: a run's mockups as ranks 1..N, and what each rank would do to a listing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from etsy_sync.client import EtsyImage
from etsy_sync.errors import PlanError
from etsy_sync.manifest import PendingUpload, PushedImage
from etsy_sync.plan import Action, adopt_interrupted, build_push_plan
from etsy_sync.run_images import (
    DEFAULT_PLAN_IMAGES,
    MAX_LISTING_IMAGES,
    PlannedImage,
    alt_text,
    plan_images,
)
from tests.fake_etsy.helpers import write_run


def test_the_run_order_gives_ranks_one_to_n_with_hashes_and_alt_text(tmp_path):
    run_dir = write_run(tmp_path / "run", count=4)

    planned = plan_images(run_dir, template_names={"poster": "Poster taped to a wall"})

    assert [(p.rank, p.template) for p in planned] == [
        (1, "poster"),
        (2, "framed-wall"),
        (3, "greeting-card"),
        (4, "mug"),
    ]
    assert planned[0].sha256 == hashlib.sha256((run_dir / "01-poster.jpg").read_bytes()).hexdigest()
    assert planned[0].alt_text == "Poster taped to a wall showing sunset over hills"
    assert planned[1].alt_text == "Framed wall showing sunset over hills"


def test_a_chosen_order_sets_the_ranks(tmp_path):
    run_dir = write_run(tmp_path / "run", count=4)

    planned = plan_images(run_dir, order=[3, 1], template_names={})

    assert [(p.rank, p.file.name) for p in planned] == [
        (1, "03-greeting-card.jpg"),
        (2, "01-poster.jpg"),
    ]


def test_ten_is_the_default_plan_and_a_chosen_order_reaches_the_specs_twenty(tmp_path):
    run_dir = write_run(tmp_path / "run", count=21)

    default = plan_images(run_dir, template_names={})
    twenty = plan_images(run_dir, order=list(range(20, 0, -1)), template_names={})

    assert DEFAULT_PLAN_IMAGES == 10 and MAX_LISTING_IMAGES == 20
    assert [p.file.name[:2] for p in default] == [f"{i:02d}" for i in range(1, 11)]
    assert [p.rank for p in twenty] == list(range(1, 21))
    assert twenty[0].file.name.startswith("20-")
    with pytest.raises(PlanError, match="at most 20 images"):
        plan_images(run_dir, order=list(range(1, 22)), template_names={})


@pytest.mark.parametrize(
    ("order", "message"),
    [([1, 99], "no mockup 99"), ([2, 2], "once"), ([], "at least one")],
)
def test_a_bad_order_is_refused(tmp_path, order, message):
    run_dir = write_run(tmp_path / "run", count=3)
    with pytest.raises(PlanError, match=message):
        plan_images(run_dir, order=order, template_names={})


def test_a_folder_that_is_not_a_finished_run_is_refused(tmp_path):
    with pytest.raises(PlanError, match="not a finished run"):
        plan_images(tmp_path, template_names={})
    run_dir = write_run(tmp_path / "run", count=2)
    (run_dir / "02-framed-wall.jpg").unlink()
    with pytest.raises(PlanError, match="02-framed-wall.jpg: the mockup file is missing"):
        plan_images(run_dir, template_names={})


def test_alt_text_names_template_and_artwork_and_fits_etsys_500_characters():
    assert alt_text("Mug on a table", "blue heron") == "Mug on a table showing blue heron"
    long = alt_text("Mug", "x" * 800)
    assert len(long) == 500 and long.endswith("…")


def test_run_json_as_the_renderer_writes_it_is_read(tmp_path):
    run_dir = write_run(tmp_path / "run", count=1)
    run = json.loads((run_dir / "run.json").read_text())
    assert set(run) >= {"artwork", "mode", "out_dir", "mockups"}
    assert plan_images(run_dir, template_names={})[0].file == run_dir / run["mockups"][0]["file"]


# build_push_plan: pure, from planned images, Etsy's images and the manifest


def planned(*contents: str) -> list[PlannedImage]:
    return [
        PlannedImage(rank, Path(f"{rank:02d}.jpg"), "t", content, f"alt {content}")
        for rank, content in enumerate(contents, start=1)
    ]


def etsy_images(*ids: int) -> list[EtsyImage]:
    return [EtsyImage(i, rank, "", 1, 1, "", "", "") for rank, i in enumerate(ids, start=1)]


def pushed(listing_id: int = 1, **by_rank: tuple[str, int]) -> dict[int, PushedImage]:
    rows = {}
    for key, (content, image_id) in by_rank.items():
        rank = int(key.removeprefix("r"))
        rows[rank] = PushedImage(listing_id, rank, content, f"alt {content}", image_id, "f", "t")
    return rows


def test_an_empty_listing_gets_every_image_added():
    plan = build_push_plan(1, planned("a", "b"), [], {})
    assert [item.action for item in plan.items] == [Action.ADD, Action.ADD]
    assert plan.order_first is None and plan.kept == []


def test_images_already_there_are_unchanged_and_a_changed_one_replaces_its_rank():
    plan = build_push_plan(
        1,
        planned("a", "B", "c"),
        etsy_images(11, 12, 13),
        pushed(r1=("a", 11), r2=("b", 12), r3=("c", 13)),
    )
    assert [item.action for item in plan.items] == [
        Action.UNCHANGED,
        Action.REPLACE,
        Action.UNCHANGED,
    ]
    assert plan.items[1].replaces.listing_image_id == 12
    assert plan.uploads == 1 and plan.order_first is None


def test_swapped_images_move_instead_of_uploading_again():
    plan = build_push_plan(
        1, planned("b", "a"), etsy_images(11, 12), pushed(r1=("a", 11), r2=("b", 12))
    )
    assert [item.action for item in plan.items] == [Action.MOVE, Action.MOVE]
    assert plan.order_first == [12, 11]
    assert plan.uploads == 0


def test_photos_not_ours_are_overwritten_at_planned_ranks_and_kept_beyond():
    plan = build_push_plan(1, planned("a", "b"), etsy_images(21, 22, 23), {})
    assert [item.action for item in plan.items] == [Action.REPLACE, Action.REPLACE]
    assert [image.listing_image_id for image in plan.kept] == [23]


def test_a_moved_image_never_takes_the_place_an_upload_must_overwrite():
    # "a" moves from rank 2 to 1; rank 2 gets a new image over the photo now at rank 1
    plan = build_push_plan(1, planned("a", "new"), etsy_images(21, 11), pushed(r2=("a", 11)))
    assert [item.action for item in plan.items] == [Action.MOVE, Action.REPLACE]
    assert plan.order_first == [11, 21]
    assert plan.items[1].replaces.listing_image_id == 21


def test_an_interrupted_upload_is_found_by_the_image_that_appeared_since():
    pending = PendingUpload(1, 3, "c", "alt c", "f", (11, 12), "t")
    found = etsy_images(11, 12, 31)
    found[2] = EtsyImage(31, 3, "alt c", 1, 1, "", "", "")
    assert adopt_interrupted(pending, found, {}) == 31
    assert adopt_interrupted(pending, etsy_images(11, 12), {}) is None


def test_png_mockups_are_sent_as_png_and_other_types_refused(tmp_path):
    run_dir = write_run(tmp_path / "run", count=2)
    run = json.loads((run_dir / "run.json").read_text())
    (run_dir / "02-framed-wall.jpg").rename(run_dir / "02-framed-wall.png")
    run["mockups"][1]["file"] = "02-framed-wall.png"
    (run_dir / "run.json").write_text(json.dumps(run))

    types = [image.content_type for image in plan_images(run_dir, template_names={})]

    assert types == ["image/jpeg", "image/png"]
    run["mockups"][1]["file"] = "02-framed-wall.webp"
    (run_dir / "run.json").write_text(json.dumps(run))
    with pytest.raises(PlanError, match="JPEG or PNG"):
        plan_images(run_dir, template_names={})
