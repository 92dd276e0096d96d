"""gunicorn's settings for this site: `gunicorn -c config/gunicorn.py config.wsgi`.

The app is loaded once, in the master, and each worker is forked from it (preload_app):
the workers then share the memory of Django, Wagtail and everything they import until
they write to it, instead of each importing it all again (bench/RESULTS.md has the
memory measured with and without it).

Python's garbage collector is kept off in the master while the app loads, and
everything loaded is frozen before each fork (gc.freeze()): a worker's collections
then never walk those objects, so they neither write to the shared pages (each
object's header holds the collector's bookkeeping, and writing it copies the page
into the worker) nor spend time on them. The workers collect their own garbage as
usual. This is the arrangement the gc module's documentation gives for forking.

The price: a reload (HUP) forks new workers from the master's copy of the code, so
after deploying a new version restart the service rather than reload it.

Workers, bind address and the rest come from the command line or gunicorn's own
environment variables (WEB_CONCURRENCY for the number of workers).
"""

import gc

preload_app = True

# Until the workers are forked: a collection in the master would free objects here and
# there, and the workers' own allocations would then fill those holes in shared pages.
gc.disable()


def pre_fork(server, worker):
    # A database connection opened in the master would be shared by every worker, and
    # a psycopg connection cannot be used from two processes. Loading the app opens
    # none; this keeps it so. (django-redis's pool makes new connections after a fork
    # by itself.)
    if server.cfg.preload_app:
        from django.db import connections

        connections.close_all()

    gc.freeze()


def post_fork(server, worker):
    gc.enable()
