"""Spreadsheets built for tests."""

import io

import openpyxl


def xlsx_bytes(rows) -> bytes:
    """A workbook whose active sheet holds ``rows``."""
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
