"""Publishing the database on the web: Datasette's metadata generated from exodb's own schema,
the SQL cookbook's questions as canned queries, and ``exodb serve``.

Datasette is an optional extra (``pip install 'exodb[web]'``); only :mod:`exodb.web.serve`
imports it, when a server starts. The metadata is plain JSON and needs nothing beyond exodb.
"""
