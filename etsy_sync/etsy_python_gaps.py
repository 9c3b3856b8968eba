"""What etsy-python 1.2.3 gets wrong or leaves out, covered here so the rest can trust it.

- Its URLs are class attributes of `Env.Production`, with no setting: `point_at` sets them.
- It sends the bare keystring in `x-api-key`; Etsy wants `keystring:shared_secret`
  (the refresh request's `client_id` stays the bare keystring): `authenticate`.
- It has no timeouts and no retries: `authenticate` mounts our transport.
- Its multipart upload sends booleans as `True`/`False` and the image as a nameless part:
  `upload_request`.
- Its `updateListing` and `createDraftListing` send JSON; the spec takes a form for both:
  `form_patch` and `form_post`, which send a list as one comma-delimited value, as Etsy's
  staff say `image_ids` is read (etsy/open-api #330) and the spec says of `tags` ("a
  comma-separated list"): repeated keys (`image_ids=1&image_ids=2`) may be read as the last
  value alone, and `image_ids` replaces the listing's images (#228), so that would cut a
  listing to one image.
- Its video upload names the file part after the field, with no type: `video_upload_request`
  sends the file's own name and `video/mp4`. (`is_multi_video` is no longer sent: Etsy removed
  the parameter on 2026-10-21, etsy/open-api discussion #1760.)
- `EtsyOAuth(code_verifier=...)` throws the given verifier away: `oauth_with_verifier`.
"""

from __future__ import annotations

from typing import Any

from etsy_python.v3.auth.OAuth import EtsyOAuth
from etsy_python.v3.common import Env
from etsy_python.v3.models.Listing import UpdateListingVideoRequest, UploadListingImageRequest
from etsy_python.v3.resources.Response import Response
from etsy_python.v3.resources.Session import EtsyClient

from etsy_sync.config import EtsyConfig
from etsy_sync.transport import EtsyTransport, mount


def point_at(config: EtsyConfig) -> None:
    """Aim etsy-python's module-wide URLs at `config`'s Etsy (the fake one, in the tests)."""
    Env.Production.request_url = config.request_url
    Env.Production.token_url = config.token_url
    Env.Production.authorization_url = config.connect_url


def authenticate(client: EtsyClient, config: EtsyConfig, transport: EtsyTransport) -> None:
    client.session.headers["x-api-key"] = config.api_key
    mount(client.session, transport)


def upload_request(
    image: bytes,
    filename: str,
    rank: int,
    overwrite: bool,
    alt_text: str,
    content_type: str = "image/jpeg",
) -> UploadListingImageRequest:
    request = UploadListingImageRequest(
        image_bytes=image, rank=rank, overwrite=overwrite, alt_text=alt_text
    )
    request.file = {"image": (filename, image, content_type)}
    request.data = {
        key: _form_value(value) for key, value in request.data.items() if value is not None
    }
    return request


def video_upload_request(video: bytes, name: str) -> UpdateListingVideoRequest:
    request = UpdateListingVideoRequest(video_bytes=video, name=name)
    request.file = {"video": (name, video, "video/mp4")}
    request.data = {"name": name}
    return request


def form_patch(client: EtsyClient, path: str, fields: dict[str, Any]) -> Response:
    """PATCH `fields` as application/x-www-form-urlencoded (a list as one `1,2,3` value)."""
    return _send_form(client, "PATCH", path, fields)


def form_post(client: EtsyClient, path: str, fields: dict[str, Any]) -> Response:
    """POST `fields` as application/x-www-form-urlencoded (a list as one `a,b,c` value)."""
    return _send_form(client, "POST", path, fields)


def _send_form(client: EtsyClient, method: str, path: str, fields: dict[str, Any]) -> Response:
    url = f"{Env.Production.request_url}{path}"
    data = {k: _comma_joined(_form_value(v)) for k, v in fields.items() if v not in (None, [])}
    response = client.session.request(method, url, data=data)
    return client._process_request(response)


def oauth_with_verifier(
    config: EtsyConfig, scopes: list[str], state: str, code_verifier: str
) -> EtsyOAuth:
    oauth = EtsyOAuth(config.keystring, config.redirect_uri or "", scopes=scopes, state=state)
    oauth.code_verifier = code_verifier
    oauth.code_challenge = EtsyOAuth._generate_challenge(code_verifier)
    return oauth


def _comma_joined(value: Any) -> Any:
    return ",".join(str(item) for item in value) if isinstance(value, list) else value


def _form_value(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return [_form_value(item) for item in value]
    return value
