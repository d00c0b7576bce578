"""Factories for building profiles in tests."""

import datetime

import factory
from django.utils.text import slugify

from rcp.models import (
    Chair,
    FocusArea,
    Meeting,
    Organisation,
    Participation,
    Process,
    ProcessFocusArea,
    ProcessOrganisation,
    PublicationStatus,
    Region,
)
from rcp.workflow import COMMAND_LINE, authorise


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Region {n}")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")


def iom_in_every_language(**kwargs) -> Organisation:
    """IOM with its official names: OIM in French and Spanish."""
    names = {
        "name": "International Organization for Migration",
        "name_fr": "Organisation internationale pour les migrations",
        "name_es": "Organización Internacional para las Migraciones",
        "acronym": "IOM",
        "acronym_fr": "OIM",
        "acronym_es": "OIM",
    }
    return OrganisationFactory(**(names | kwargs))


class FocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FocusArea

    name = factory.Sequence(lambda n: f"focus area {n}")


class ProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Process

    name = factory.Sequence(lambda n: f"Process {n}")
    slug = factory.LazyAttribute(lambda p: slugify(p.name))
    status = PublicationStatus.PUBLISHED
    established = 2001
    objectives = "A regional dialogue on migration."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Through the publishing gate, as the command line: Process.save() refuses otherwise."""
        process = model_class(*args, **kwargs)
        authorise(process, actor=COMMAND_LINE)
        process.save()
        return process


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    process = factory.SubFactory(ProcessFactory)
    country = "MA"
    role = "member"


class ProcessOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessOrganisation

    process = factory.SubFactory(ProcessFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "observer"


class ProcessFocusAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcessFocusArea

    process = factory.SubFactory(ProcessFactory)
    focus_area = factory.SubFactory(FocusAreaFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    process = factory.SubFactory(ProcessFactory)
    title = factory.Sequence(lambda n: f"Ministerial meeting {n}")
    start_date = datetime.date(2014, 4, 2)
    city = "Rabat"
    country = "MA"


class ChairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chair

    process = factory.SubFactory(ProcessFactory)
    country = "MA"
    start_date = datetime.date(2019, 1, 1)
    date_precision = "year"
