"""Test set-ups: a config aimed at the fake, a saved connection, quick retries, a run folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from etsy_sync.config import EtsyConfig
from etsy_sync.tokens import Tokens, TokenStore
from etsy_sync.transport import RetryPolicy
from mockups.artwork.intake import ArtworkInfo
from mockups.render.run import MockupResult, RunResult
from tests.fake_etsy.server import KEYSTRING, REDIRECT_URI, SHARED_SECRET, FakeEtsy

TEMPLATES = (
    "poster",
    "framed-wall",
    "greeting-card",
    "mug",
    "tote-bag",
    "phone-case",
    "cushion",
    "t-shirt",
    "canvas",
    "notebook",
    "puzzle",
    "calendar",
)


def config_for(fake: FakeEtsy, folder: Path) -> EtsyConfig:
    return EtsyConfig(
        keystring=KEYSTRING,
        shared_secret=SHARED_SECRET,
        redirect_uri=REDIRECT_URI,
        api_base=fake.api_base,
        connect_url=fake.connect_url,
        token_file=folder / "etsy" / "token.json",
        manifest_file=folder / "etsy" / "manifest.sqlite3",
    )


def environment_for(config: EtsyConfig) -> dict[str, str]:
    return {
        "ETSY_KEYSTRING": config.keystring,
        "ETSY_SHARED_SECRET": config.shared_secret,
        "ETSY_REDIRECT_URI": config.redirect_uri or "",
        "ETSY_API_BASE": config.api_base,
        "ETSY_CONNECT_URL": config.connect_url,
        "ETSY_TOKEN_FILE": str(config.token_file),
        "ETSY_MANIFEST_FILE": str(config.manifest_file),
    }


REPO = Path(__file__).resolve().parents[2]


def start_command(config: EtsyConfig, *arguments: str) -> subprocess.Popen:
    """`python -m etsy_sync ARGUMENTS` as a real process, aimed at the fake Etsy."""
    return subprocess.Popen(
        [sys.executable, "-m", "etsy_sync", *arguments],
        cwd=REPO,
        env={**os.environ, **environment_for(config)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def connect(fake: FakeEtsy, config: EtsyConfig, expires_in: float | None = None) -> Tokens:
    """Save tokens as if the seller had connected (the OAuth tests do it for real)."""
    granted = fake.grant_tokens()
    seconds = granted["expires_in"] if expires_in is None else expires_in
    tokens = Tokens(granted["access_token"], granted["refresh_token"], time.time() + seconds)
    TokenStore(config.token_file).save(tokens)
    return tokens


@dataclass
class RecordedSleeps:
    """Stands in for time.sleep: remembers each wait and moves the fake Etsy's clock by it."""

    fake: FakeEtsy
    waits: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.fake.clock.advance(seconds)


def quick_policy(sleeps: RecordedSleeps, **overrides) -> RetryPolicy:
    settings = {
        "base_delay": 0.5,
        "max_delay": 8.0,
        "max_total_wait": 60.0,
        "connect_timeout": 2.0,
        "read_timeout": 20.0,  # the spec-checked fake answers slowly on a loaded machine
        "sleep": sleeps,
        "jitter": lambda low, high: high,
    }
    return RetryPolicy(**{**settings, **overrides})


def write_run(
    folder: Path,
    count: int = 10,
    artwork: str = "sunset-over-hills.png",
    templates: tuple[str, ...] = TEMPLATES,
) -> Path:
    """A render run folder as mockups.render.run writes it: NN-<template>.jpg files and run.json
    (a colour variant `tshirt@navy` is written as NN-tshirt-navy.jpg)."""
    folder.mkdir(parents=True, exist_ok=True)
    mockups = []
    for index in range(1, count + 1):
        template = templates[index - 1] if index <= len(templates) else f"scene-{index}"
        name = f"{index:02d}-{template.replace('@', '-')}.jpg"
        size = _write_jpeg(folder / name, index, shade=0)
        mockups.append(
            MockupResult(
                index=index,
                template=template,
                file=name,
                thumbnail=f"thumbs/{name}",
                width=64,
                height=48,
                bytes=size,
                seconds=0.01,
                started_unix=0.0,
                finished_unix=0.01,
                rss_before_bytes=0,
                rss_after_bytes=0,
                worker="test",
            )
        )
    info = ArtworkInfo(f"/art/{artwork}", "PNG", 400, 500, "RGB", 400, 500, "pillow")
    run = RunResult(info, "sequential", 1, str(folder), "2026-11-28T10:00:00+00:00")
    run.mockups = mockups
    (folder / "run.json").write_text(run.to_json())
    return folder


def change_mockup(run_dir: Path, index: int) -> Path:
    """Render mockup `index` again, differently: same file name, new content."""
    run = json.loads((run_dir / "run.json").read_text())
    name = next(m["file"] for m in run["mockups"] if m["index"] == index)
    _write_jpeg(run_dir / name, index, shade=120)
    return run_dir / name


def _write_jpeg(path: Path, index: int, shade: int) -> int:
    colour = ((index * 23) % 256, (index * 61 + shade) % 256, (index * 97) % 256)
    Image.new("RGB", (64, 48), colour).save(path, "JPEG", quality=90)
    return path.stat().st_size
