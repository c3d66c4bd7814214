"""`python -m exodb` runs the exodb command."""

from exodb.entry import run

run()
