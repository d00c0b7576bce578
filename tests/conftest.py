from pathlib import Path

import pytest
from django.core.management import call_command
from django_countries import countries

from rcp.models import Process, Region

from .factories import OrganisationFactory, ParticipationFactory, ProcessFactory

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Country codes in a stable order, for building large profiles.
ALL_COUNTRY_CODES = [code for code, _name in countries]


@pytest.fixture
def tripoli(db) -> Process:
    """The bundled Tripoli Process profile, loaded from fixtures/tripoli-process.json."""
    call_command("loaddata", str(FIXTURES / "tripoli-process.json"), verbosity=0)
    return Process.objects.get(slug="tripoli-process")


@pytest.fixture
def make_process_with_members(db):
    """Build a published process with ``n`` member countries, observers and organisations."""

    def build(n: int, **kwargs) -> Process:
        process = ProcessFactory(**kwargs)
        process.regions.add(Region.objects.create(name=f"Region of {process.name}"))
        for code in ALL_COUNTRY_CODES[:n]:
            ParticipationFactory(process=process, country=code, group="AU" if n % 2 else "EU")
        for code in ALL_COUNTRY_CODES[n : n + 3]:
            ParticipationFactory(process=process, country=code, role="observer")
        for position in range(3):
            process.organisation_roles.create(
                organisation=OrganisationFactory(), role="observer", position=position
            )
        return process

    return build
