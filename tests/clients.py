"""Django's test client behind the page cache's WSGI layer, as config/wsgi.py serves the
site: a second anonymous visit can be a hit, answered before Django reads the request."""

from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.test import Client
from django.test.client import ClientHandler

from pagecache.wsgi import TAGS_HEADER, PageCache


class PageCacheClientHandler(ClientHandler):
    def __call__(self, environ):
        rendered = {}

        def django(environ, start_response):
            response = super(PageCacheClientHandler, self).__call__(environ)
            rendered["response"] = response
            headers = list(response.items())
            headers += [
                ("Set-Cookie", cookie.output(header="")) for cookie in response.cookies.values()
            ]
            start_response(f"{response.status_code} {response.reason_phrase}", headers)
            return [] if response.streaming else [response.content]

        sent = {}

        def start_response(status, headers, exc_info=None):
            sent.update(status=int(status.split()[0]), headers=headers)

        result = PageCache(django)(environ, start_response)
        body = b"".join(result)
        response = rendered.get("response")
        if response is None:  # a hit: Django never saw the request
            response = HttpResponse(body, status=sent["status"], headers=sent["headers"])
            response.wsgi_request = WSGIRequest(environ)
            return response
        if TAGS_HEADER in response:
            del response[TAGS_HEADER]  # as the layer takes it off
        return response


class PageCacheClient(Client):
    def __init__(self, enforce_csrf_checks=False, *args, **kwargs):
        super().__init__(enforce_csrf_checks, *args, **kwargs)
        self.handler = PageCacheClientHandler(enforce_csrf_checks)
