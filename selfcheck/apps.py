from django.apps import AppConfig


class SelfcheckConfig(AppConfig):
    name = "selfcheck"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from selfcheck import signals  # noqa: F401  (connects the receivers)
