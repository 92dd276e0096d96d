from django.contrib.staticfiles.storage import staticfiles_storage
from django.shortcuts import redirect


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page's <link rel="icon"> says."""
    return redirect(staticfiles_storage.url("img/favicon.ico"), permanent=True)
