"""WSGI entry point for gunicorn: ``gunicorn smarttvet.config.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smarttvet.config.settings")
application = get_wsgi_application()
