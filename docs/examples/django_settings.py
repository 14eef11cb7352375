"""Django settings of the example shop: i'mport's credentials from the
environment."""

import os

IAMPORT_API_KEY = os.environ["IAMPORT_API_KEY"]
IAMPORT_API_SECRET = os.environ["IAMPORT_API_SECRET"]

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "change-me")
DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost"]
ROOT_URLCONF = "django_shop"
INSTALLED_APPS: list[str] = []
DATABASES: dict[str, object] = {}
USE_TZ = True
