"""WSGI entry point for gunicorn: `gunicorn twoheads.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twoheads.settings")

application = get_wsgi_application()
