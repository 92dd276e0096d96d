from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from blog.models import POSTS_TAG
from home.views import favicon, robots_txt
from pagecache.tags import SITE, tagged
from search import views as search_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("search/", search_views.search, name="search"),
    path("search/opensearch.xml", search_views.opensearch, name="search_opensearch"),
    path("", include("blog.urls")),
    # The sitemap lists every page: cached, and stale when any page or post changes.
    path("sitemap.xml", tagged(SITE, POSTS_TAG)(sitemap), name="sitemap"),
    path("favicon.ico", favicon),
    path("robots.txt", robots_txt),
]

if settings.DEBUG:
    # Uploaded images under `make run`; production serves media from its
    # storage (a web server's /media/ alias or S3), never through Django.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [
    # Wagtail's page serving comes last: it answers every other path.
    path("", include(wagtail_urls)),
]
