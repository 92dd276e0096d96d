from django.urls import path

from . import comments

urlpatterns = [
    path("responses/post/", comments.post_response, name="blog_post_response"),
    path("responses/mute/<str:token>/", comments.mute_replies, name="blog_mute_replies"),
]
