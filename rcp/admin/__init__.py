"""The editing interface (the Django admin), by concern:

- :mod:`rcp.admin.process`: the profile editor, a whole profile on one page;
- :mod:`rcp.admin.inlines`, :mod:`rcp.admin.widgets`, :mod:`rcp.admin.forms`: its parts;
- :mod:`rcp.admin.spreadsheets`: CSV and XLSX import and export, for every list;
- :mod:`rcp.admin.legacy`: the legacy page import;
- :mod:`rcp.admin.catalogue` and :mod:`rcp.admin.parts`: the other lists;
- :mod:`rcp.admin.access`: users, groups and log-in attempts, for Administrators only.

Importing the package registers every admin (Django's autodiscovery imports ``rcp.admin``).
"""

from rcp.admin import access, catalogue, parts, process

__all__ = ["access", "catalogue", "parts", "process"]
