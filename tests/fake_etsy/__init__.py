"""A spec-true fake Etsy for the etsy_sync tests, and what those tests share."""

from tests.fake_etsy.server import KEYSTRING, REDIRECT_URI, SHARED_SECRET, FakeEtsy

__all__ = ["KEYSTRING", "REDIRECT_URI", "SHARED_SECRET", "FakeEtsy"]
