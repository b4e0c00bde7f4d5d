"""The WSGI application the production server loads, with static files served by WhiteNoise
and the security headers (`psephos.web.security`) on every response.

WhiteNoise wraps the application here rather than in the settings' middleware, so the tests'
client and `collectstatic` see plain Django, and the server gets far-future cache headers
on the hashed files `collectstatic` wrote to ``STATIC_ROOT``.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application
from whitenoise import WhiteNoise

from psephos.web.security import SecurityHeaders

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psephos.web.settings")

django_application = get_wsgi_application()


def _with_static_files() -> SecurityHeaders:
    from django.conf import settings

    return SecurityHeaders(WhiteNoise(django_application, root=settings.STATIC_ROOT,
                                      prefix=settings.STATIC_URL, max_age=3600))


application = _with_static_files()
