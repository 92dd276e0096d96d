from django.apps import AppConfig


class PageCacheConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pagecache"
    verbose_name = "page cache"

    def ready(self):
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
