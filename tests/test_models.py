"""Model rules and constraints, and the display rules profile pages read from the models."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_countries import countries

from rcp.models import Chair, Meeting, Organisation, Participation, Process, PublicationStatus

from .factories import (
    ChairFactory,
    MeetingFactory,
    OrganisationFactory,
    ParticipationFactory,
    ProcessFactory,
    ProcessOrganisationFactory,
)

# Country codes in a stable order, for building large memberships.
COUNTRY_CODES = [code for code, _name in countries]


def messages_for(error: ValidationError, field: str) -> list[str]:
    """The messages an editor reads next to ``field`` (``__all__`` for the form's top)."""
    return [message for e in error.error_dict.get(field, []) for message in e.messages]


def add_members(process, codes, group="", role="member"):
    for code in codes:
        ParticipationFactory(process=process, country=code, group=group, role=role)


def fresh(process: Process) -> Process:
    """The process as a new request reads it, without cached member lists."""
    return Process.objects.get(pk=process.pk)


# A country, or an organisation, appears once per process.


@pytest.mark.django_db
def test_database_refuses_a_country_listed_twice_in_a_process():
    first = ParticipationFactory(country="MA")

    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(process=first.process, country="MA", role="observer")


@pytest.mark.django_db
def test_full_clean_names_the_country_already_listed_in_the_process():
    first = ParticipationFactory(country="MA")
    duplicate = Participation(process=first.process, country="MA", role="observer")

    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()

    assert messages_for(caught.value, "country") == [
        "Morocco is already listed in this process. A country takes part in a process once: "
        "change the role of the existing row instead of adding another."
    ]
    assert messages_for(caught.value, "__all__") == []


@pytest.mark.django_db
def test_same_country_may_take_part_in_two_processes():
    ParticipationFactory(country="MA")
    other = Participation(process=ProcessFactory(), country="MA")

    other.full_clean()
    other.save()

    assert Participation.objects.filter(country="MA").count() == 2


@pytest.mark.django_db
def test_database_refuses_an_organisation_listed_twice_in_a_process():
    first = ProcessOrganisationFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        first.process.organisation_roles.create(organisation=first.organisation, role="member")


@pytest.mark.django_db
def test_full_clean_names_the_organisation_already_listed_in_the_process():
    ecowas = OrganisationFactory(name="Economic Community of West African States", acronym="ECOWAS")
    first = ProcessOrganisationFactory(organisation=ecowas)
    duplicate = first.process.organisation_roles.model(
        process=first.process, organisation=ecowas, role="member"
    )

    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()

    assert messages_for(caught.value, "organisation") == [
        "Economic Community of West African States (ECOWAS) is already listed in this process: "
        "change the role of the existing row instead of adding another."
    ]


# Meetings: dates and their precision.


@pytest.mark.django_db
def test_full_clean_refuses_a_meeting_ending_before_it_starts():
    meeting = MeetingFactory.build(
        process=ProcessFactory(),
        start_date=datetime.date(2014, 4, 3),
        end_date=datetime.date(2014, 4, 2),
    )

    with pytest.raises(ValidationError) as caught:
        meeting.full_clean()

    [message] = messages_for(caught.value, "end_date")
    assert "is before the start date" in message


@pytest.mark.django_db
def test_database_refuses_a_meeting_ending_before_it_starts():
    meeting = MeetingFactory.build(
        process=ProcessFactory(),
        start_date=datetime.date(2014, 4, 3),
        end_date=datetime.date(2014, 4, 2),
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        meeting.save()


@pytest.mark.django_db
def test_month_precision_meeting_is_stored_on_the_first_of_the_month():
    meeting = MeetingFactory(start_date=datetime.date(2000, 4, 17), date_precision="month")

    meeting.refresh_from_db()

    assert meeting.start_date == datetime.date(2000, 4, 1)
    assert meeting.dates_display == "April 2000"


@pytest.mark.django_db
def test_year_precision_meeting_is_stored_on_the_first_of_january():
    meeting = MeetingFactory(
        start_date=datetime.date(2019, 6, 5),
        end_date=datetime.date(2021, 3, 9),
        date_precision="year",
    )

    meeting.refresh_from_db()

    assert meeting.start_date == datetime.date(2019, 1, 1)
    assert meeting.end_date == datetime.date(2021, 1, 1)
    assert meeting.dates_display == "2019\u20132021"


@pytest.mark.django_db
def test_month_precision_accepts_any_two_days_of_the_same_month():
    meeting = MeetingFactory.build(
        process=ProcessFactory(),
        start_date=datetime.date(2000, 4, 30),
        end_date=datetime.date(2000, 4, 2),
        date_precision="month",
    )

    meeting.full_clean()

    assert meeting.dates_display == "April 2000"


# Chairs.


@pytest.mark.django_db
def test_full_clean_refuses_a_chair_with_neither_country_nor_organisation():
    chair = ChairFactory.build(process=ProcessFactory(), country="")

    with pytest.raises(ValidationError) as caught:
        chair.full_clean()

    assert messages_for(caught.value, "__all__") == [
        "A chair is either a country or an organisation: fill in exactly one."
    ]


@pytest.mark.django_db
def test_full_clean_refuses_a_chair_with_both_country_and_organisation():
    chair = ChairFactory.build(
        process=ProcessFactory(), country="MA", organisation=OrganisationFactory()
    )

    with pytest.raises(ValidationError) as caught:
        chair.full_clean()

    assert messages_for(caught.value, "__all__") == [
        "A chair is either a country or an organisation: fill in exactly one."
    ]


@pytest.mark.django_db
def test_full_clean_reports_a_missing_holder_and_wrong_dates_together():
    chair = ChairFactory.build(
        process=ProcessFactory(),
        country="",
        start_date=datetime.date(2020, 5, 1),
        end_date=datetime.date(2019, 5, 1),
        date_precision="day",
    )

    with pytest.raises(ValidationError) as caught:
        chair.full_clean()

    assert messages_for(caught.value, "__all__") == [
        "A chair is either a country or an organisation: fill in exactly one."
    ]
    assert len(messages_for(caught.value, "end_date")) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("holder", ["neither", "both"])
def test_database_refuses_a_chair_without_exactly_one_holder(holder):
    organisation = OrganisationFactory() if holder == "both" else None
    chair = ChairFactory.build(
        process=ProcessFactory(),
        country="MA" if holder == "both" else "",
        organisation=organisation,
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        chair.save()


@pytest.mark.django_db
def test_chair_may_be_an_organisation():
    chair = ChairFactory.build(
        process=ProcessFactory(),
        country="",
        organisation=OrganisationFactory(name="African Union", acronym="AU"),
    )

    chair.full_clean()
    chair.save()

    assert chair.holder_name == "African Union (AU)"


@pytest.mark.django_db
def test_full_clean_refuses_a_chair_ending_before_it_starts():
    chair = ChairFactory.build(
        process=ProcessFactory(),
        start_date=datetime.date(2020, 5, 1),
        end_date=datetime.date(2019, 5, 1),
        date_precision="day",
    )

    with pytest.raises(ValidationError) as caught:
        chair.full_clean()

    [message] = messages_for(caught.value, "end_date")
    assert "is before the start date" in message


@pytest.mark.django_db
def test_database_refuses_a_chair_ending_before_it_starts():
    chair = ChairFactory.build(
        process=ProcessFactory(),
        start_date=datetime.date(2020, 5, 1),
        end_date=datetime.date(2019, 5, 1),
        date_precision="day",
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        chair.save()


def _chair_from(start_offset_days, end_offset_days=None):
    today = timezone.localdate()
    end = None if end_offset_days is None else today + datetime.timedelta(days=end_offset_days)
    return Chair(
        country="MA",
        start_date=today + datetime.timedelta(days=start_offset_days),
        end_date=end,
        date_precision="day",
    )


@pytest.mark.parametrize(
    ("start", "end", "tenure"),
    [
        (-30, None, "current"),
        (-30, 30, "current"),
        (-30, 0, "current"),
        (0, 30, "current"),
        (1, 30, "incoming"),
        (30, None, "incoming"),
        (-60, -1, ""),
    ],
    ids=[
        "open-ended",
        "ends-later",
        "ends-today",
        "starts-today",
        "starts-tomorrow",
        "starts-next-month",
        "ended-yesterday",
    ],
)
def test_chair_tenure_follows_todays_date(start, end, tenure):
    assert _chair_from(start, end).tenure == tenure


# Processes.


@pytest.mark.django_db
def test_full_clean_refuses_a_process_established_in_the_future():
    next_year = timezone.now().year + 1
    process = ProcessFactory.build(established=next_year)

    with pytest.raises(ValidationError) as caught:
        process.full_clean()

    assert messages_for(caught.value, "established") == [
        f"{next_year} is in the future: enter the year it actually happened."
    ]


@pytest.mark.django_db
def test_full_clean_accepts_a_process_established_this_year():
    ProcessFactory.build(established=timezone.now().year).full_clean()


@pytest.mark.django_db
def test_full_clean_refuses_a_process_established_before_1900():
    process = ProcessFactory.build(established=1899)

    with pytest.raises(ValidationError) as caught:
        process.full_clean()

    assert messages_for(caught.value, "established") == [
        "Ensure this value is greater than or equal to 1900."
    ]


@pytest.mark.django_db
def test_database_refuses_a_process_established_before_1900():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessFactory(established=1899)


@pytest.mark.django_db
def test_full_clean_refuses_a_secretariat_organisation_without_official_secretariat():
    process = ProcessFactory.build(
        has_official_secretariat=False, secretariat_organisation=OrganisationFactory()
    )

    with pytest.raises(ValidationError) as caught:
        process.full_clean()

    [message] = messages_for(caught.value, "secretariat_organisation")
    assert message.startswith(
        "A process without an official secretariat cannot name a secretariat organisation"
    )


@pytest.mark.django_db
def test_database_refuses_a_secretariat_organisation_without_official_secretariat():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProcessFactory(
            has_official_secretariat=False, secretariat_organisation=OrganisationFactory()
        )


@pytest.mark.django_db
def test_process_without_official_secretariat_and_without_organisation_is_valid():
    ProcessFactory.build(has_official_secretariat=False).full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["objectives", "secretariat"])
@pytest.mark.parametrize("marker", ["[KG1]", "[AB12]", "[pic]"])
def test_full_clean_refuses_editorial_markers_naming_the_marker(field, marker):
    process = ProcessFactory.build(**{field: f"Dialogue on labour migration.{marker} More."})

    with pytest.raises(ValidationError) as caught:
        process.full_clean()

    assert messages_for(caught.value, f"{field}_en") == [
        f"Remove the editorial marker {marker}: it is a reviewer's note, "
        "not text for the public page."
    ]


@pytest.mark.django_db
def test_full_clean_names_every_editorial_marker_once():
    process = ProcessFactory.build(objectives="A [KG1] B [pic] C [KG1]")

    with pytest.raises(ValidationError) as caught:
        process.full_clean()

    [message] = messages_for(caught.value, "objectives_en")
    assert message.startswith("Remove the editorial marker [KG1], [pic]:")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text",
    [
        "See [the declaration](https://x.org) adopted in 2006.",
        "Reported to the [G20](https://www.g20.org) in 2019.",
        "Follow-up to [COP28](https://unfccc.int/cop28).",
    ],
    ids=["plain-link", "g20-link", "cop28-link"],
)
def test_full_clean_accepts_markdown_links(text):
    ProcessFactory.build(objectives=text, secretariat=text).full_clean()


def test_process_accepts_two_associated_organisations():
    Process.validate_associated_organisations([Organisation(), Organisation()])


def test_process_refuses_three_associated_organisations():
    with pytest.raises(ValidationError) as caught:
        Process.validate_associated_organisations([Organisation() for _ in range(3)])

    assert caught.value.messages == [
        "A process is associated with at most 2 regional organisations; 3 were chosen."
    ]


# Organisations.


def test_organisation_display_name_adds_the_acronym():
    organisation = Organisation(name="Economic Community of West African States", acronym="ECOWAS")

    assert organisation.display_name == "Economic Community of West African States (ECOWAS)"
    assert str(organisation) == organisation.display_name


def test_organisation_display_name_adds_the_english_name_after_the_acronym():
    organisation = Organisation(
        name="Conseil des Organisations Non Gouvernementales d'Appui au Développement",
        acronym="CONGAD",
        english_name="Council of Non-Governmental Organizations for Development Support",
    )

    assert organisation.display_name == (
        "Conseil des Organisations Non Gouvernementales d'Appui au Développement "
        "(CONGAD, Council of Non-Governmental Organizations for Development Support)"
    )


def test_organisation_display_name_is_the_name_when_there_is_no_acronym():
    assert Organisation(name="African Union").display_name == "African Union"


@pytest.mark.django_db
def test_organisation_slug_comes_from_the_acronym():
    organisation = Organisation.objects.create(
        name="Economic Community of West African States", acronym="ECOWAS"
    )

    assert organisation.slug == "ecowas"


@pytest.mark.django_db
def test_organisation_slug_comes_from_the_name_without_acronym():
    organisation = Organisation.objects.create(name="Organisation météorologique régionale")

    assert organisation.slug == "organisation-meteorologique-regionale"


@pytest.mark.django_db
def test_organisation_slug_is_made_unique():
    first = Organisation.objects.create(name="Southern African Development Community", acronym="SA")
    second = Organisation.objects.create(name="South Asia Forum", acronym="SA")
    third = Organisation.objects.create(name="Sahel Alliance", acronym="SA")

    assert [first.slug, second.slug, third.slug] == ["sa", "sa-2", "sa-3"]


@pytest.mark.django_db
def test_organisation_slug_is_filled_in_by_full_clean():
    organisation = Organisation(name="African Union", acronym="AU")

    organisation.full_clean()

    assert organisation.slug == "au"


@pytest.mark.django_db
def test_organisation_keeps_a_slug_an_editor_chose():
    organisation = Organisation.objects.create(name="African Union", acronym="AU", slug="union")

    organisation.save()

    assert organisation.slug == "union"


# The Members header.


@pytest.mark.django_db
def test_member_summary_counts_each_group():
    process = ProcessFactory()
    add_members(process, COUNTRY_CODES[:53], group="AU")
    add_members(process, COUNTRY_CODES[53:81], group="EU")

    assert fresh(process).member_summary == (
        "81 Members (53 AU Member States and 28 EU Member States)"
    )


@pytest.mark.django_db
def test_member_summary_lists_the_largest_group_first():
    process = ProcessFactory()
    add_members(process, ["FR", "DE"], group="EU")
    add_members(process, ["MA", "DZ", "TN"], group="AU")
    add_members(process, ["CH"], group="EFTA")

    assert fresh(process).member_summary == (
        "6 Members (3 AU Member States, 2 EU Member States and 1 EFTA Member State)"
    )


@pytest.mark.django_db
def test_member_summary_without_groups_or_organisations_has_no_parentheses():
    process = ProcessFactory()
    add_members(process, ["MA", "DZ", "TN"])

    assert fresh(process).member_summary == "3 Members"


@pytest.mark.django_db
def test_member_summary_counts_ungrouped_states_beside_grouped_ones():
    process = ProcessFactory()
    add_members(process, ["MA", "DZ", "TN"], group="AU")
    add_members(process, ["NO", "CH"])

    assert fresh(process).member_summary == (
        "5 Members (3 AU Member States and 2 other Member States)"
    )


@pytest.mark.django_db
def test_member_summary_counts_member_organisations():
    process = ProcessFactory()
    add_members(process, ["MA", "DZ"])
    ProcessOrganisationFactory(process=process, role="member")

    assert fresh(process).member_summary == (
        "3 Members (2 Member States and 1 Member Organization)"
    )


@pytest.mark.django_db
def test_member_summary_counts_member_organisations_beside_groups():
    process = ProcessFactory()
    add_members(process, ["MA", "DZ", "TN"], group="AU")
    add_members(process, ["NO"])
    ProcessOrganisationFactory(process=process, role="member")
    ProcessOrganisationFactory(process=process, role="member")

    assert fresh(process).member_summary == (
        "6 Members (3 AU Member States, 1 other Member State and 2 Member Organizations)"
    )


@pytest.mark.django_db
def test_member_summary_with_only_member_organisations():
    process = ProcessFactory()
    ProcessOrganisationFactory(process=process, role="member")
    ProcessOrganisationFactory(process=process, role="member")

    assert fresh(process).member_summary == "2 Members (2 Member Organizations)"


@pytest.mark.django_db
def test_member_summary_for_a_single_member_is_singular():
    process = ProcessFactory()
    add_members(process, ["MA"])

    assert fresh(process).member_summary == "1 Member"


@pytest.mark.django_db
def test_member_summary_for_no_members():
    assert fresh(ProcessFactory()).member_summary == "0 Members"


@pytest.mark.django_db
def test_member_summary_reads_a_phrase_group_as_a_phrase():
    process = ProcessFactory()
    add_members(process, COUNTRY_CODES[:12], group="Countries of origin")
    add_members(process, COUNTRY_CODES[12:15], group="Transit countries")

    assert fresh(process).member_summary == (
        "15 Members (12 countries of origin and 3 transit countries)"
    )


@pytest.mark.django_db
def test_member_summary_keeps_an_acronym_starting_a_phrase_group():
    process = ProcessFactory()
    add_members(process, ["MA", "DZ"], group="ECOWAS observers turned members")

    assert fresh(process).member_summary == "2 Members (2 ECOWAS observers turned members)"


@pytest.mark.django_db
def test_member_summary_does_not_count_suspended_observer_or_guest_countries():
    process = ProcessFactory()
    add_members(process, ["MA", "DZ"], group="AU")
    add_members(process, ["ML"], group="AU", role="suspended")
    add_members(process, ["FR"], role="observer")
    add_members(process, ["US"], role="guest")
    ProcessOrganisationFactory(process=process, role="observer")
    ProcessOrganisationFactory(process=process, role="partner")

    assert fresh(process).member_summary == "2 Members (2 AU Member States)"


# Member lists and counts.


@pytest.mark.django_db
def test_member_states_are_sorted_ignoring_accents_and_case():
    process = ProcessFactory()
    add_members(process, ["HR", "CI", "KM", "CM"])

    names = [p.country.name for p in fresh(process).member_states]

    assert names == ["Cameroon", "Comoros", "Côte d'Ivoire", "Croatia"]


@pytest.mark.django_db
def test_member_states_leave_out_other_roles():
    process = ProcessFactory()
    add_members(process, ["MA"])
    add_members(process, ["FR"], role="observer")
    add_members(process, ["ML"], role="suspended")
    add_members(process, ["US"], role="guest")

    process = fresh(process)

    assert [p.country.code for p in process.member_states] == ["MA"]
    assert [p.country.code for p in process.observer_states] == ["FR"]
    assert [p.country.code for p in process.suspended_states] == ["ML"]
    assert [p.country.code for p in process.guest_states] == ["US"]


@pytest.mark.django_db
def test_member_count_and_annotated_member_count_agree():
    process = ProcessFactory()
    add_members(process, ["MA", "DZ", "TN"], group="AU")
    add_members(process, ["ML"], role="suspended")
    add_members(process, ["FR", "ES"], role="observer")
    add_members(process, ["US"], role="guest")
    ProcessOrganisationFactory(process=process, role="member")
    ProcessOrganisationFactory(process=process, role="observer")
    ProcessOrganisationFactory(process=process, role="partner")
    empty = ProcessFactory()

    annotated = {p.pk: p.member_count for p in Process.objects.with_member_counts()}

    assert fresh(process).member_count == 4
    assert annotated == {process.pk: 4, empty.pk: 0}


@pytest.mark.django_db
def test_annotated_member_counts_can_order_processes():
    small, large = ProcessFactory(), ProcessFactory()
    add_members(small, ["MA"])
    add_members(large, ["MA", "DZ", "TN"])
    ProcessOrganisationFactory(process=small, role="member")

    ordered = Process.objects.with_member_counts().order_by("-member_count")

    assert [(p.pk, p.member_count) for p in ordered] == [(large.pk, 3), (small.pk, 2)]


@pytest.mark.django_db
def test_published_lists_only_published_processes():
    published = ProcessFactory(status=PublicationStatus.PUBLISHED)
    ProcessFactory(status=PublicationStatus.DRAFT)
    ProcessFactory(status=PublicationStatus.ARCHIVED)

    assert list(Process.objects.published()) == [published]


@pytest.mark.django_db
def test_anonymous_visitors_see_only_published_processes():
    published = ProcessFactory(status=PublicationStatus.PUBLISHED)
    ProcessFactory(status=PublicationStatus.DRAFT)

    assert list(Process.objects.visible_to(AnonymousUser())) == [published]


@pytest.mark.django_db
def test_signed_in_non_staff_users_see_only_published_processes():
    published = ProcessFactory(status=PublicationStatus.PUBLISHED)
    ProcessFactory(status=PublicationStatus.DRAFT)
    user = User.objects.create_user("reader", password="x")

    assert list(Process.objects.visible_to(user)) == [published]


@pytest.mark.django_db
def test_staff_see_drafts_and_archived_processes():
    processes = {
        ProcessFactory(status=PublicationStatus.PUBLISHED),
        ProcessFactory(status=PublicationStatus.DRAFT),
        ProcessFactory(status=PublicationStatus.ARCHIVED),
    }
    editor = User.objects.create_user("editor", password="x", is_staff=True)

    assert set(Process.objects.visible_to(editor)) == processes


# Natural keys, used by the bundled fixtures.


@pytest.mark.django_db
def test_process_is_found_by_its_slug_as_natural_key():
    process = ProcessFactory(name="Tripoli Process", slug="tripoli-process")

    assert process.natural_key() == ("tripoli-process",)
    assert Process.objects.get_by_natural_key("tripoli-process") == process


@pytest.mark.django_db
def test_participation_natural_key_is_process_slug_and_country_code():
    participation = ParticipationFactory(
        process=ProcessFactory(slug="tripoli-process"), country="MA"
    )

    key = participation.natural_key()

    assert key == ("tripoli-process", "MA")
    assert Participation.objects.get_by_natural_key(*key) == participation


@pytest.mark.django_db
def test_participation_round_trips_through_a_natural_key_fixture():
    process = ProcessFactory(slug="tripoli-process")
    ParticipationFactory(process=process, country="MA", role="observer", note="since 2010")
    data = serializers.serialize(
        "json",
        Participation.objects.all(),
        use_natural_foreign_keys=True,
        use_natural_primary_keys=True,
    )
    Participation.objects.all().delete()

    for item in serializers.deserialize("json", data):
        item.save()

    restored = Participation.objects.get_by_natural_key("tripoli-process", "MA")
    assert (restored.process, restored.role, restored.note) == (process, "observer", "since 2010")


@pytest.mark.django_db
def test_meeting_is_found_by_its_natural_key():
    meeting = MeetingFactory(title="Ministerial conference", start_date=datetime.date(2006, 7, 10))

    key = meeting.natural_key()

    assert Meeting.objects.get_by_natural_key(*key) == meeting
