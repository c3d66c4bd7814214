"""The schema: tables and models, the Alembic migrations run from code, the revision check, the
data generation that kept reports are tied to, and the schema described for readers.
"""
