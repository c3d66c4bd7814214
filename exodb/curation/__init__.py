"""Seed files: their specification, reading and validation, loading in one transaction, the
import log, the canonical order, export back to seed files, and the synthetic corpus.
"""
