"""Spreadsheet imports: a plan of every row (rcp.imports.plan), then one write (.write)."""
