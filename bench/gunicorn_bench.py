"""gunicorn's settings for both sites of `make bench`: the same for Haima and
its peer, so that only the sites differ. 2 sync workers for the 2 cores; no
access log. (Haima's own gunicorn.conf.py holds production hooks, not read.)"""

workers = 2
worker_class = "sync"
threads = 1
loglevel = "warning"
