"""Campaign tracking pages: dashboards, chase lists, exports."""

urlpatterns: list = []
