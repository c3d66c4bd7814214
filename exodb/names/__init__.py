"""Names and words, as pure functions with no database: controlled vocabularies and name
folding, miRNA names, pathway chains, search words, and close matches for a mistyped key.
"""
