from django.apps import AppConfig


class BlogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "blog"

    def ready(self):
        from wagtail.signals import page_published

        from .subscriptions import on_page_published

        page_published.connect(on_page_published, dispatch_uid="blog.email_new_post")
