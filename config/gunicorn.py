"""gunicorn's settings for this site: `gunicorn -c config/gunicorn.py config.wsgi`.

The app is loaded once, in the master, and each worker is forked from it (preload_app):
the workers then share the memory of Django, Wagtail and everything they import until
they write to it, instead of each importing it all again. Measured after the benchmark
(`make bench`, 2 workers): 128 MB resident a worker without it, 111-114 MB with it.

The price: a reload (HUP) forks new workers from the master's copy of the code, so
after deploying a new version restart the service rather than reload it.

Workers, bind address and the rest come from the command line or gunicorn's own
environment variables (WEB_CONCURRENCY for the number of workers).
"""

preload_app = True


def pre_fork(server, worker):
    # A database connection opened in the master would be shared by every worker, and
    # a psycopg connection cannot be used from two processes. Loading the app opens
    # none; this keeps it so. (django-redis's pool makes new connections after a fork
    # by itself.)
    if server.cfg.preload_app:
        from django.db import connections

        connections.close_all()
