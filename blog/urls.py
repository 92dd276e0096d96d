from django.urls import path

from . import subscriptions
from .responses import views as responses

urlpatterns = [
    path("responses/post/", responses.post_response, name="blog_post_response"),
    path("responses/mute/<str:token>/", responses.mute_replies, name="blog_mute_replies"),
    path("subscribe/", subscriptions.subscribe, name="blog_subscribe"),
    path(
        "subscribe/confirm/<str:token>/",
        subscriptions.confirm,
        name="blog_subscribe_confirm",
    ),
    path("unsubscribe/<str:token>/", subscriptions.unsubscribe, name="blog_unsubscribe"),
]
