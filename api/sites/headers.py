"""What every published microsite is served with, wherever it is served from: the theme's <meta>, the API's
/sites/ preview, and the object store's metadata."""

from __future__ import annotations

# No script but the site's own files, no inline script or style, no plugins, no <base> rewriting.
CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'"

SITE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}
