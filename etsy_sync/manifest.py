"""The local record of what was pushed where: SQLite, one file, safe across processes.

- `pushed_images`: per listing and rank, the image's sha256 and alt text, Etsy's
  `listing_image_id`, and when.
- `pending_uploads`: an upload written down before it is sent, so a push killed mid-call
  can find out afterwards whether Etsy got it (see `etsy_sync.push`).
- `pushes` and `calls`: every push and every HTTP attempt with its outcome.
- `push_locks`: one push per listing at a time.
- `drafts` and `pending_drafts`: the draft listing made from each run, and a creation
  written down before it is sent (the same resume as uploads: see `etsy_sync.listing`).
- `videos` and `pending_videos`: the listing video we pushed to each listing, likewise.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from etsy_sync.errors import LocalStateError, PushInProgress
from etsy_sync.private_files import PRIVATE_DIR_MODE
from etsy_sync.transport import CallRecord

STALE_LOCK_SECONDS = 3600
LOCK_WAIT_SECONDS = 30.0

SCHEMA = """
CREATE TABLE IF NOT EXISTS pushed_images (
    listing_id INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    alt_text TEXT NOT NULL,
    listing_image_id INTEGER NOT NULL,
    file TEXT NOT NULL,
    pushed_at TEXT NOT NULL,
    PRIMARY KEY (listing_id, rank)
);
CREATE TABLE IF NOT EXISTS pending_uploads (
    listing_id INTEGER NOT NULL,
    rank INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    alt_text TEXT NOT NULL,
    file TEXT NOT NULL,
    ids_before TEXT NOT NULL,
    started_at TEXT NOT NULL,
    PRIMARY KEY (listing_id, rank)
);
CREATE TABLE IF NOT EXISTS pushes (
    push_id TEXT PRIMARY KEY,
    listing_id INTEGER NOT NULL,
    run_dir TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    outcome TEXT NOT NULL,
    uploads INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    push_id TEXT,
    listing_id INTEGER,
    at TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    status INTEGER,
    outcome TEXT NOT NULL,
    seconds REAL NOT NULL,
    retry_in REAL
);
CREATE TABLE IF NOT EXISTS drafts (
    run_dir TEXT PRIMARY KEY,
    listing_id INTEGER NOT NULL,
    digest TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_drafts (
    run_dir TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    ids_before TEXT NOT NULL,
    started_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS videos (
    listing_id INTEGER PRIMARY KEY,
    video_id INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    file TEXT NOT NULL,
    pushed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_videos (
    listing_id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    file TEXT NOT NULL,
    ids_before TEXT NOT NULL,
    started_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS push_locks (
    listing_id INTEGER PRIMARY KEY,
    push_id TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class PushedImage:
    listing_id: int
    rank: int
    sha256: str
    alt_text: str
    listing_image_id: int
    file: str
    pushed_at: str


@dataclass(frozen=True)
class PendingUpload:
    listing_id: int
    rank: int
    sha256: str
    alt_text: str
    file: str
    ids_before: tuple[int, ...]
    started_at: str


@dataclass(frozen=True)
class DraftRecord:
    run_dir: str
    listing_id: int
    digest: str
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class PendingDraft:
    run_dir: str
    title: str
    ids_before: tuple[int, ...]
    started_at: str


@dataclass(frozen=True)
class PushedVideo:
    listing_id: int
    video_id: int
    sha256: str
    file: str
    pushed_at: str


@dataclass(frozen=True)
class PendingVideo:
    listing_id: int
    sha256: str
    file: str
    ids_before: tuple[int, ...]
    started_at: str


@dataclass(frozen=True)
class PushRecord:
    push_id: str
    listing_id: int
    run_dir: str
    started_at: str
    finished_at: str | None
    outcome: str
    uploads: int


@dataclass(frozen=True)
class LoggedCall:
    push_id: str | None
    listing_id: int | None
    at: str
    method: str
    path: str
    attempt: int
    status: int | None
    outcome: str
    seconds: float
    retry_in: float | None


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Manifest:
    """The manifest at `path`; every SQLite failure (a damaged or locked file, a folder in
    its place) is a `LocalStateError` naming the file, and the file is left as it is."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        with self._errors():
            path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
            self._db = sqlite3.connect(
                path, timeout=LOCK_WAIT_SECONDS, isolation_level=None, check_same_thread=False
            )
            self._db.row_factory = sqlite3.Row
            with self._lock:
                # WAL without a sync per commit: safe when the process dies, quick per call.
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
                self._db.executescript(SCHEMA)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                raise LocalStateError(
                    f"the sync record {self.path} is in use by another process; try again"
                ) from None
            raise LocalStateError(
                f"the sync record {self.path} cannot be used ({error}); move it away to start "
                "a new one"
            ) from None
        except (sqlite3.DatabaseError, OSError, TypeError, ValueError) as error:
            raise LocalStateError(
                f"the sync record {self.path} is damaged ({type(error).__name__}); move it "
                "away to start a new one"
            ) from None

    def _rows(self, sql: str, parameters: tuple) -> list[sqlite3.Row]:
        with self._lock, self._errors():
            return self._db.execute(sql, parameters).fetchall()

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._errors():
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def pushed(self, listing_id: int) -> dict[int, PushedImage]:
        rows = self._rows(
            "SELECT * FROM pushed_images WHERE listing_id = ? ORDER BY rank", (listing_id,)
        )
        with self._errors():
            return {row["rank"]: PushedImage(**dict(row)) for row in rows}

    def reconcile(self, listing_id: int, ranks: dict[int, int], rows: list[PushedImage]) -> None:
        """Make the record true to the listing: `ranks` is Etsy image id -> its rank now.

        Of `rows` (what we know we pushed), the images still there get their rows at the
        ranks they hold; every other row of the listing goes.
        """
        with self._transaction() as db:
            db.execute("DELETE FROM pushed_images WHERE listing_id = ?", (listing_id,))
            for row in rows:
                if row.listing_image_id in ranks:
                    _upsert_pushed(db, replace(row, rank=ranks[row.listing_image_id]))

    def record_pushed(self, image: PushedImage) -> None:
        with self._transaction() as db:
            _upsert_pushed(db, image)

    def begin_upload(self, pending: PendingUpload) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO pending_uploads VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    pending.listing_id,
                    pending.rank,
                    pending.sha256,
                    pending.alt_text,
                    pending.file,
                    json.dumps(list(pending.ids_before)),
                    pending.started_at,
                ),
            )

    def finish_upload(self, image: PushedImage) -> None:
        """The pending upload at this rank landed as `image`: one step, so no state between."""
        with self._transaction() as db:
            db.execute(
                "DELETE FROM pending_uploads WHERE listing_id = ? AND rank = ?",
                (image.listing_id, image.rank),
            )
            _upsert_pushed(db, image)

    def drop_pending(self, listing_id: int, rank: int) -> None:
        with self._transaction() as db:
            db.execute(
                "DELETE FROM pending_uploads WHERE listing_id = ? AND rank = ?", (listing_id, rank)
            )

    def pending(self, listing_id: int) -> list[PendingUpload]:
        rows = self._rows(
            "SELECT * FROM pending_uploads WHERE listing_id = ? ORDER BY rank", (listing_id,)
        )
        with self._errors():
            return [
                PendingUpload(**{**dict(row), "ids_before": tuple(json.loads(row["ids_before"]))})
                for row in rows
            ]

    # Drafts: one listing per run

    def draft(self, run_dir: str) -> DraftRecord | None:
        rows = self._rows("SELECT * FROM drafts WHERE run_dir = ?", (run_dir,))
        with self._errors():
            return DraftRecord(**dict(rows[0])) if rows else None

    def begin_draft(self, pending: PendingDraft) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO pending_drafts VALUES (?, ?, ?, ?)",
                (
                    pending.run_dir,
                    pending.title,
                    json.dumps(list(pending.ids_before)),
                    pending.started_at,
                ),
            )

    def pending_draft(self, run_dir: str) -> PendingDraft | None:
        rows = self._rows("SELECT * FROM pending_drafts WHERE run_dir = ?", (run_dir,))
        with self._errors():
            if not rows:
                return None
            row = dict(rows[0])
            return PendingDraft(**{**row, "ids_before": tuple(json.loads(row["ids_before"]))})

    def record_draft(self, run_dir: str, listing_id: int, digest: str) -> None:
        """The run's draft is `listing_id` with fields `digest`; any pending creation is done."""
        now = now_iso()
        with self._transaction() as db:
            db.execute("DELETE FROM pending_drafts WHERE run_dir = ?", (run_dir,))
            db.execute(
                "INSERT INTO drafts VALUES (?, ?, ?, ?, ?) ON CONFLICT(run_dir) DO UPDATE SET "
                "listing_id = excluded.listing_id, digest = excluded.digest, "
                "updated_at = excluded.updated_at",
                (run_dir, listing_id, digest, now, now),
            )

    def drop_pending_draft(self, run_dir: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM pending_drafts WHERE run_dir = ?", (run_dir,))

    def forget_draft(self, run_dir: str) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM drafts WHERE run_dir = ?", (run_dir,))

    # The listing video

    def video(self, listing_id: int) -> PushedVideo | None:
        rows = self._rows("SELECT * FROM videos WHERE listing_id = ?", (listing_id,))
        with self._errors():
            return PushedVideo(**dict(rows[0])) if rows else None

    def begin_video(self, pending: PendingVideo) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO pending_videos VALUES (?, ?, ?, ?, ?)",
                (
                    pending.listing_id,
                    pending.sha256,
                    pending.file,
                    json.dumps(list(pending.ids_before)),
                    pending.started_at,
                ),
            )

    def pending_video(self, listing_id: int) -> PendingVideo | None:
        rows = self._rows("SELECT * FROM pending_videos WHERE listing_id = ?", (listing_id,))
        with self._errors():
            if not rows:
                return None
            row = dict(rows[0])
            return PendingVideo(**{**row, "ids_before": tuple(json.loads(row["ids_before"]))})

    def record_video(self, video: PushedVideo) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM pending_videos WHERE listing_id = ?", (video.listing_id,))
            db.execute(
                "INSERT OR REPLACE INTO videos VALUES (?, ?, ?, ?, ?)",
                (video.listing_id, video.video_id, video.sha256, video.file, video.pushed_at),
            )

    def drop_pending_video(self, listing_id: int) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM pending_videos WHERE listing_id = ?", (listing_id,))

    def forget_video(self, listing_id: int) -> None:
        with self._transaction() as db:
            db.execute("DELETE FROM videos WHERE listing_id = ?", (listing_id,))

    # Pushes and calls

    def start_push(self, push_id: str, listing_id: int, run_dir: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO pushes (push_id, listing_id, run_dir, started_at, outcome) "
                "VALUES (?, ?, ?, ?, 'running')",
                (push_id, listing_id, run_dir, now_iso()),
            )

    def finish_push(self, push_id: str, outcome: str, uploads: int) -> None:
        with self._transaction() as db:
            db.execute(
                "UPDATE pushes SET finished_at = ?, outcome = ?, uploads = ? WHERE push_id = ?",
                (now_iso(), outcome, uploads, push_id),
            )

    def pushes(self, listing_id: int, limit: int = 20) -> list[PushRecord]:
        rows = self._rows(
            "SELECT * FROM pushes WHERE listing_id = ? ORDER BY started_at DESC LIMIT ?",
            (listing_id, limit),
        )
        with self._errors():
            return [PushRecord(**dict(row)) for row in rows]

    def record_call(self, call: CallRecord, push_id: str | None, listing_id: int | None) -> None:
        at = datetime.fromtimestamp(call.at, UTC).isoformat(timespec="milliseconds")
        with self._transaction() as db:
            db.execute(
                "INSERT INTO calls (push_id, listing_id, at, method, path, attempt, status, "
                "outcome, seconds, retry_in) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    push_id,
                    listing_id,
                    at,
                    call.method,
                    call.path,
                    call.attempt,
                    call.status,
                    call.outcome,
                    call.seconds,
                    call.retry_in,
                ),
            )

    def calls(self, listing_id: int, limit: int = 100) -> list[LoggedCall]:
        """The latest calls made for this listing, oldest first."""
        rows = self._rows(
            "SELECT * FROM calls WHERE listing_id = ? ORDER BY id DESC LIMIT ?",
            (listing_id, limit),
        )
        with self._errors():
            return [_logged_call(dict(row)) for row in rows[::-1]]

    @contextmanager
    def push_lock(self, listing_id: int, push_id: str) -> Iterator[None]:
        """Hold the listing for one push; a lock left by a dead process is taken over."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT pid, started_at FROM push_locks WHERE listing_id = ?", (listing_id,)
            ).fetchone()
            if row is not None and _lock_is_live(row["pid"], row["started_at"]):
                raise PushInProgress(
                    f"another push to listing {listing_id} is running (process {row['pid']})"
                )
            db.execute(
                "INSERT OR REPLACE INTO push_locks VALUES (?, ?, ?, ?)",
                (listing_id, push_id, os.getpid(), time.time()),
            )
        try:
            yield
        finally:
            with self._transaction() as db:
                db.execute(
                    "DELETE FROM push_locks WHERE listing_id = ? AND push_id = ?",
                    (listing_id, push_id),
                )


def _logged_call(row: dict) -> LoggedCall:
    del row["id"]
    return LoggedCall(**row)


def _upsert_pushed(db: sqlite3.Connection, image: PushedImage) -> None:
    db.execute(
        "INSERT OR REPLACE INTO pushed_images VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            image.listing_id,
            image.rank,
            image.sha256,
            image.alt_text,
            image.listing_image_id,
            image.file,
            image.pushed_at,
        ),
    )


def _lock_is_live(pid: int, started_at: float) -> bool:
    if time.time() - started_at > STALE_LOCK_SECONDS:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
