"""WSGI entry point for gunicorn (``doudi serve``).

In production it refuses to load while anything in ``doudi.production`` is wrong, so a server
started by other means than ``doudi serve`` is held to the same gate.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings")
application = get_wsgi_application()

from doudi.production import WSGI_REFUSAL_STATUS, refuse_unsafe_start  # noqa: E402

refuse_unsafe_start(status=WSGI_REFUSAL_STATUS)
