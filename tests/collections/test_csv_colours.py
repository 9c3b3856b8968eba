"""The CSV's colours become colour variants: an artwork whose row names `black, natural`
renders the tote in both colours (Etsy's colour variations get their photos from them), and a
row naming a colour no chosen template comes in fails alone with one line."""

from __future__ import annotations

from mockups.collections.build import collections_root, create_collection
from mockups.collections.colours import colour_problem, with_colours
from mockups.collections.record import ArtworkState, read_collection
from mockups.collections.runner import render_here
from mockups.options import RenderOptions
from mockups.runs.folder import read_run
from tests.conftest import gradient_artwork

OFFERED = {"tshirt": ("white", "black", "navy"), "tote": ("natural", "black")}


def test_each_template_that_comes_in_a_rows_colour_renders_once_per_colour():
    keys = ["canvas", "tshirt", "tote", "tshirt@white"]
    assert with_colours(keys, ("Navy", "black", "navy", "teal"), OFFERED) == [
        "canvas", "tshirt@navy", "tshirt@black", "tote@black", "tshirt@white",
    ]  # fmt: skip
    assert with_colours(keys, (), OFFERED) == keys


def test_a_colour_no_template_comes_in_is_one_line_naming_what_they_come_in():
    assert colour_problem(4, ("black", "Natural"), OFFERED) is None
    assert colour_problem(4, ("teal", "black"), OFFERED) == (
        "CSV row 4: no chosen template comes in 'teal' "
        "(tshirt: white, black, navy; tote: natural, black)"
    )
    assert colour_problem(2, ("navy",), {}) == (
        "CSV row 2: colour 'navy', but no chosen template comes in colours"
    )


def test_a_collection_renders_each_artwork_in_the_colours_of_its_row(tmp_path):
    source = tmp_path / "designs"
    source.mkdir()
    for name in ("fern.jpg", "moth.jpg", "wave.jpg"):
        gradient_artwork((900, 1100)).save(source / name, quality=90)
    rows = tmp_path / "rows.csv"
    rows.write_text('file,title,colours\nfern.jpg,Fern,"Black, natural"\nmoth.jpg,Moth,teal\n')

    collection = create_collection(collections_root() / "spring", source, ["tote", "poster"], rows)
    render_here(collection, RenderOptions(mode="sequential"))

    record = read_collection(collection.folder)
    fern, moth, wave = record.artworks
    assert fern.state == ArtworkState.DONE and fern.total == 3
    run = read_run(record.path_of(fern.run))
    assert [mockup.template for mockup in run.mockups] == ["tote@black", "tote@natural", "poster"]
    assert moth.state == ArtworkState.FAILED and not moth.retryable
    assert (
        moth.error == "CSV row 3: no chosen template comes in 'teal' (tote: natural, white, black)"
    )
    assert wave.state == ArtworkState.DONE and wave.total == 2
    assert [m.template for m in read_run(record.path_of(wave.run)).mockups] == ["tote", "poster"]
