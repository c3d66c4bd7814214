"""Reaching a database: where it is (URL resolution), engines and sessions, write transactions
and read snapshots, SQLite's integrity check, and Ctrl-C during a statement.
"""
