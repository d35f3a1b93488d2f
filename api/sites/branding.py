"""Client branding rules shared by the API (input validation) and the site generator."""

from __future__ import annotations

import re

from api.kit.errors import Validator

HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
MIN_CONTRAST = 4.5


def contrast_with_white(colour: str) -> float:
    """The WCAG contrast ratio of a #rrggbb colour against white."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return 1.05 / (luminance + 0.05)


# A relative path of plain segments: unreserved characters or percent escapes, never "." or "..".
SITE_PATH = re.compile(r"(?:[A-Za-z0-9_~-]|%[0-9A-Fa-f]{2})(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})*"
                       r"(?:/(?:[A-Za-z0-9_~-]|%[0-9A-Fa-f]{2})(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})*)*")
DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}")
MAX_LOGO_URL = 500  # the column's width


def is_local_asset(url: str) -> bool:
    """Whether a logo URL stays inside the site, loading nothing from outside: a relative path of plain segments
    (`assets/logo.svg`) or a base64 data:image URI. Nothing else can reach a page, quotes and spaces included."""
    return len(url) <= MAX_LOGO_URL and bool(SITE_PATH.fullmatch(url) or DATA_IMAGE.fullmatch(url))


def check_branding(validator: Validator, *, accent_color: str | None, logo_url: str | None) -> None:
    """Record problems with an accent colour (format, AA contrast on white) or a logo address."""
    if accent_color is not None:
        if not HEX_COLOUR.fullmatch(accent_color):
            validator.check(False, "accentColor", f"accent colour must look like #1f5f8b, got {accent_color!r}")
        else:
            validator.check(contrast_with_white(accent_color) >= MIN_CONTRAST, "accentColor",
                            f"accent colour {accent_color} has less than {MIN_CONTRAST}:1 contrast with white")
    if logo_url is not None:
        validator.check(is_local_asset(logo_url), "logoUrl",
                        "logo must be a site-relative path (letters, digits, -._~ and /) or a base64 data:image URI, "
                        f"at most {MAX_LOGO_URL} characters; the sites' Content-Security-Policy blocks outside images")
