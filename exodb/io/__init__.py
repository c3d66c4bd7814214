"""Files and streams: atomic writes, standard output that reports its failures, the progress
line, escaping for every output format, and where the bundled migrations and seeds are.
"""
