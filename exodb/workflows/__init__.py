"""What spans the layers below: opening, creating, seeding, upgrading and backing up a
database, and every load followed by the search index and the kept reports it renews.
"""
