"""What the Etsy page says when something goes wrong: one line, never a traceback, and what a
push that stopped midway left in the manifest, so the seller knows where the next one starts.
Plain strings: the page shows them as text."""

from __future__ import annotations

from dashboard.guard import one_line
from etsy_sync.errors import ReconnectNeeded
from etsy_sync.service import RunDraft

RECONNECT = (
    "Etsy no longer accepts this dashboard's connection (its token expired or was revoked): "
    "press Disconnect, connect to Etsy again, then push again; nothing already recorded is "
    "sent twice."
)


def fault_line(error: BaseException, action: str) -> str:
    """One line for the seller: Etsy's refusal or limit in its own words, a lost connection
    with what to do about it, anything unexpected as a pointer to the server log."""
    if isinstance(error, ReconnectNeeded):
        return RECONNECT
    return one_line(error, action)


def record_lines(record: RunDraft) -> list[str]:
    """What the manifest holds about the run's draft and its last push, one line each."""
    lines = []
    if record.creating is not None:
        lines.append(
            f"Making the draft was asked of Etsy at {_when(record.creating.started_at)} and "
            "never confirmed: the next push looks for it among your drafts before making one."
        )
    if record.listing_id is not None:
        lines.append(f"The run's draft on Etsy: listing {record.listing_id}.")
    status = record.status
    if status is None:
        return lines
    if status.pushed:
        ranks = sorted(image.rank for image in status.pushed)
        lines.append(f"Photos on it: {len(ranks)} ({_ranks(ranks)}).")
    for pending in status.pending:
        lines.append(_unconfirmed(f"Photo {pending.rank}", pending.started_at))
    last = record.last_push
    if last is None:
        lines.append("No photos were pushed yet.")
    elif last.outcome != "done":
        outcome = "did not finish" if last.outcome == "running" else last.outcome
        lines.append(f"The last photo push ({_when(last.started_at)}): {outcome}.")
    if status.pending_video is not None:
        lines.append(_unconfirmed("The video", status.pending_video.started_at))
    elif status.video is not None:
        lines.append(f"The video on it: {status.video.video_id}.")
    return lines


def _unconfirmed(what: str, started_at: str) -> str:
    return (
        f"{what} was sent at {_when(started_at)} and never confirmed: the next push looks for "
        "it on the listing before sending it again."
    )


def _ranks(ranks: list[int]) -> str:
    """`1-4, 6`: runs of ranks as ranges."""
    spans: list[list[int]] = []
    for rank in ranks:
        if spans and rank == spans[-1][1] + 1:
            spans[-1][1] = rank
        else:
            spans.append([rank, rank])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in spans)


def _when(iso: str) -> str:
    """`2026-12-07T10:02:03.120+00:00` -> `2026-12-07 10:02:03 UTC`."""
    return f"{iso[:19].replace('T', ' ')} UTC"
