from django.urls import path

from . import views

app_name = "feed"

# /health/ is answered by feed.middleware.HealthCheckMiddleware, before Host validation.
urlpatterns = [
    path("", views.index, name="index"),
    path("create/", views.create, name="create"),
    path("api/posts/", views.api_posts, name="api-posts"),
    path("health/ready/", views.ready, name="ready"),
    path("metrics", views.prometheus_metrics, name="metrics"),
]
