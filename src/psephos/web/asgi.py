"""An ASGI entry point, for running behind an ASGI server; `psephos serve` uses WSGI instead.

Static files are not served here: put them behind the proxy, or use `psephos serve`. The
security headers (`psephos.contests.views.security`) are added to every response.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psephos.web.settings")

from psephos.contests.views.security import AsgiSecurityHeaders

application = AsgiSecurityHeaders(get_asgi_application())
