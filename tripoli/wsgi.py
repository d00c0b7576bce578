"""WSGI entry point, as used by gunicorn or any WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tripoli.settings")

application = get_wsgi_application()
