"""The template library: the built-ins and the user's own folder, `$MOCKUPLAB_HOME/templates`.

The command line, the dashboard and the render workers all read the library through
`load_library`, which takes the user's templates from here. A user template never shadows
a built-in (its id is taken), and a broken one is listed with its reason and left out of
the library instead of failing every page and run.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mockups.errors import TemplateError, printable
from mockups.home import data_dir
from mockups.templates.model import BUILTIN_DIR, MANIFEST, Template, load_template

BUILT_IN = "built-in"
USER = "user"
STAGING_PREFIX = ".staging-"
LISTING = "listing"  # a selection: the templates a listing takes unless told otherwise
LISTING_IMAGES = 10  # the images an Etsy listing holds, as the dashboard counts them


@dataclass(frozen=True)
class LibraryEntry:
    """One template folder as a listing shows it: loaded, or broken with a one-line reason."""

    id: str
    source: str
    folder: Path
    template: Template | None = None
    problem: str | None = None

    @property
    def broken(self) -> bool:
        return self.template is None


def user_templates_dir() -> Path:
    return data_dir() / "templates"


@cache
def builtin_ids() -> frozenset[str]:
    return frozenset(folder.name for folder in _template_folders(BUILTIN_DIR))


def library_entries(*folders: Path) -> list[LibraryEntry]:
    """Built-ins (loaded strictly: they ship with the code), then each user folder's."""
    entries = [
        LibraryEntry(folder.name, BUILT_IN, folder, load_template(folder))
        for folder in _template_folders(BUILTIN_DIR)
    ]
    taken = {entry.id for entry in entries}
    for root in _user_roots(folders):
        for folder in _template_folders(root):
            entry = _user_entry(folder, taken)
            taken.add(entry.id)
            entries.append(entry)
    return entries


def user_library(*folders: Path) -> dict[str, Template]:
    """Every template that loads, by id: what renders can choose from."""
    return {e.id: e.template for e in library_entries(*folders) if e.template is not None}


def _user_entry(folder: Path, taken: set[str]) -> LibraryEntry:
    if folder.name in builtin_ids():
        return LibraryEntry(folder.name, USER, folder, problem="its id is a built-in template's")
    if folder.name in taken:
        return LibraryEntry(folder.name, USER, folder, problem="another template has this id")
    try:
        return LibraryEntry(folder.name, USER, folder, load_template(folder))
    except TemplateError as error:
        return LibraryEntry(folder.name, USER, folder, problem=without_paths(str(error), folder))
    except OSError as error:
        return LibraryEntry(folder.name, USER, folder, problem=error.strerror or "unreadable")


def without_paths(message: str, folder: Path) -> str:
    """The loader's message names the manifest by path; a listing needs only its name."""
    return message.replace(f"{folder}/", "").replace(str(folder), folder.name)


def _user_roots(folders: tuple[Path, ...]) -> list[Path]:
    roots: list[Path] = []
    for root in (*folders, user_templates_dir()):
        resolved = Path(root).resolve()
        if resolved not in roots and resolved != BUILTIN_DIR.resolve():
            roots.append(resolved)
    return roots


def _template_folders(root: Path) -> list[Path]:
    """Sub-folders holding a manifest; staging folders and hidden ones are not templates."""
    if not Path(root).is_dir():
        return []
    return sorted(
        folder.parent
        for folder in Path(root).glob(f"*/{MANIFEST}")
        if not folder.parent.name.startswith(".")
    )


def load_library(*folders: Path) -> dict[str, Template]:
    """Templates by id: the built-ins, then those in `folders` and the user's templates folder.

    A user template never replaces a built-in, and a broken one is left out
    (`library_entries` lists it with its reason).
    """
    return user_library(*folders)


def listing_ids(library: dict[str, Template]) -> list[str]:
    """The templates a listing takes unless told otherwise: the first LISTING_IMAGES in the
    library's order, the built-ins' ten products (`wall-ledge` and `workspace-mug` come last).
    The dashboard ticks these; the command line renders them by default."""
    return list(library)[:LISTING_IMAGES]


def select_templates(library: dict[str, Template], selection: str | list[str]) -> list[Template]:
    """`"all"`, `"listing"` (`listing_ids`), a comma-separated string or a list of ids; ids
    may repeat."""
    if selection == "all":
        return list(library.values())
    if selection == LISTING:
        return [library[template_id] for template_id in listing_ids(library)]
    ids = selection.split(",") if isinstance(selection, str) else list(selection)
    keys = [i.strip() for i in ids if i.strip()]
    if not keys:
        raise TemplateError("no templates selected")
    unknown = [k for k in keys if k.partition("@")[0] not in library]
    if unknown:
        # ids typed by the user, and ids that are folder names: one line whatever they hold
        raise TemplateError(
            f"unknown template {', '.join(printable(key) for key in unknown)}; known: "
            f"{', '.join(printable(key) for key in sorted(library))}"
        )
    return [_with_key(library, key) for key in keys]


def _with_key(library: dict[str, Template], key: str) -> Template:
    template_id, _, variant = key.partition("@")
    template = library[template_id]
    return template.with_variant(variant) if variant else template
