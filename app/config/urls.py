from django.conf import settings
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path

urlpatterns = [path("", include("feed.urls"))]

# Deployed, nginx serves /static/ from DJANGO_STATIC_ROOT; with DJANGO_DEBUG=1 Django does.
if settings.DEBUG:
    urlpatterns += staticfiles_urlpatterns()
