"""A collection pushed to the fake Etsy: one draft listing per finished artwork with its CSV
row's fields; a row Etsy would refuse fails alone; a second push makes no second draft."""

from __future__ import annotations

import hashlib

import pytest

from etsy_sync.collection import CollectionDefaults, drafts_of, push_collection
from mockups.collections import create_collection, render_here
from mockups.collections.build import collections_root
from mockups.options import RenderOptions
from tests.conftest import gradient_artwork

DEFAULTS = CollectionDefaults(taxonomy_id=2078, shipping_profile_id=77)


@pytest.fixture
def rendered(tmp_path):
    source = tmp_path / "designs"
    source.mkdir()
    for n in range(3):
        gradient_artwork((600 + 40 * n, 800)).save(source / f"design-{n}.jpg", quality=90)
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "file,title,price,tags,description\n"
        'design-0.jpg,Sunset print,24.50,"sunset, wall art",A warm sunset.\n'
        "design-1.jpg,Second print,18,,\n"
        "design-2.jpg,Bad tag print,12,far too long a tag for etsy,\n"
    )
    folder = collections_root() / "collection"
    collection = create_collection(folder, source, ["poster", "mug"], rows)
    render_here(collection, RenderOptions(mode="sequential"))
    return folder


def test_each_finished_artwork_becomes_one_draft_with_its_rows_fields(etsy, sync, rendered):
    results = push_collection(sync, rendered, DEFAULTS)

    assert [(r.name, r.created, r.error is None) for r in results] == [
        ("design-0.jpg", True, True),
        ("design-1.jpg", True, True),
        ("design-2.jpg", False, False),
    ]
    assert "the tag 'far too long a tag for etsy'" in (results[2].error or "")
    first = etsy.listing(results[0].listing_id)
    assert (first.state, first.title, first.fields["tags"]) == (
        "draft", "Sunset print", ["sunset", "wall art"],
    )  # fmt: skip
    mockups = sorted((rendered / "runs" / "001-design-0").glob("*.jpg"))
    assert [i.sha256 for i in first.images] == [
        hashlib.sha256(p.read_bytes()).hexdigest() for p in mockups
    ]
    assert etsy.listing(results[1].listing_id).products[0].price_cents == 1800
    assert drafts_of(sync, rendered) == {1: results[0].listing_id, 2: results[1].listing_id}


def test_a_second_push_updates_the_same_drafts_and_makes_none(etsy, sync, rendered):
    first = push_collection(sync, rendered, DEFAULTS)
    drafts = [d.listing_id for d in sync.listings(["draft"])]

    again = push_collection(sync, rendered, DEFAULTS)

    assert [r.listing_id for r in again] == [r.listing_id for r in first]
    assert not any(r.created for r in again)
    assert [d.listing_id for d in sync.listings(["draft"])] == drafts
