"""What the app and the server in front of it agree on: header and cookie names.

The web side (``fdigraph.web``) sets them; the nginx front (``fdigraph.front``) and the
gunicorn worker (``fdigraph.worker``) read or repeat them. Kept here, importing nothing, so
that neither side imports the other for a name.
"""

from __future__ import annotations

# From the app to nginx: keep this response for this many seconds (nginx's own header).
CACHE_HEADER = "X-Accel-Expires"
KEEP_SECONDS = 7 * 24 * 3600
# The pages' language cookie: the app sets it, nginx keys its cache on it.
LANG_COOKIE = "lang"
# Access-Control-Expose-Headers, on the app's answers and on the refusals gunicorn and
# nginx answer themselves.
EXPOSED = "ETag, Fdigraph-Truncated, Content-Length, Content-Encoding"
