"""Importing IOM's legacy profile pages: a parser, a data-quality report and a service.

``parse_page`` reads a page into a ``ParsedProfile`` and a ``Report`` without touching the
database; ``rcp.legacy.service.import_profile`` writes the profile through the models. Pages
in French or Spanish are read by their labels and fill the translations of the profile they
match (``rcp.legacy.translations``).
"""
