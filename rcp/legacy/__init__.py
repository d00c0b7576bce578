"""Importing IOM's legacy profile pages: a parser, a data-quality report and a service.

``parse_page`` reads a page into a ``ParsedProfile`` and a ``Report`` without touching the
database; ``rcp.legacy.service.import_profile`` writes the profile through the models.
"""
