"""Compile the translation catalogues (``locale/*/LC_MESSAGES/*.po``) into the ``.mo`` files
Django reads, in pure Python (polib): unlike ``compilemessages``, it needs no GNU gettext.

The ``.po`` files are committed; the ``.mo`` files are not (``.gitignore``), so ``make setup``
and ``make test`` run this command. A catalogue is compiled again only when it is newer than
its ``.mo`` file (``--force`` compiles them all). Fuzzy entries are left out, as ``msgfmt``
leaves them out.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def catalogues(locale_paths) -> list[Path]:
    """Every ``.po`` file under the given locale folders, in a stable order."""
    found = []
    for folder in locale_paths:
        found.extend(sorted(Path(folder).glob("*/LC_MESSAGES/*.po")))
    return found


def compile_catalogue(po_path: Path, mo_path: Path) -> int:
    """Write ``mo_path`` from ``po_path``; return the number of translated entries written."""
    try:
        catalogue = polib.pofile(str(po_path))
    except (OSError, ValueError) as error:
        raise CommandError(f"{po_path}: {error}") from error
    # polib writes fuzzy entries too; msgfmt (and so Django's compilemessages) leaves them out.
    for entry in catalogue.fuzzy_entries():
        catalogue.remove(entry)
    temporary = mo_path.with_name(mo_path.name + ".tmp")
    catalogue.save_as_mofile(str(temporary))
    temporary.replace(mo_path)
    return len(catalogue.translated_entries())


class Command(BaseCommand):
    help = (
        "Compile the .po translation catalogues of LOCALE_PATHS into .mo files, "
        "in pure Python (no GNU gettext needed)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Compile every catalogue, even up-to-date ones."
        )

    def handle(self, *args, force=False, **options):
        found = catalogues(settings.LOCALE_PATHS)
        if not found:
            raise CommandError(f"No .po files under {', '.join(map(str, settings.LOCALE_PATHS))}.")
        compiled = 0
        for po_path in found:
            mo_path = po_path.with_suffix(".mo")
            if (
                not force
                and mo_path.exists()
                and mo_path.stat().st_mtime >= po_path.stat().st_mtime
            ):
                continue
            count = compile_catalogue(po_path, mo_path)
            compiled += 1
            if options["verbosity"] >= 2:
                self.stdout.write(f"{po_path}: {count} messages")
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Translations: {compiled} catalogue(s) compiled, "
                f"{len(found) - compiled} already up to date."
            )
