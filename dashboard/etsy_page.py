"""What the Etsy page takes from `etsy_sync`: the service, its settings, and the plan, push and
listing types it shows (the page calls `dashboard/` only)."""

from etsy_sync.client import Listing
from etsy_sync.config import configured_settings
from etsy_sync.errors import EtsySyncError, PlanError
from etsy_sync.plan import PushPlan
from etsy_sync.push import PushOptions, PushResult
from etsy_sync.run_images import DEFAULT_PLAN_IMAGES, MAX_LISTING_IMAGES
from etsy_sync.service import EtsySync

__all__ = [
    "DEFAULT_PLAN_IMAGES",
    "MAX_LISTING_IMAGES",
    "EtsySync",
    "EtsySyncError",
    "Listing",
    "PlanError",
    "PushOptions",
    "PushPlan",
    "PushResult",
    "configured_settings",
]
