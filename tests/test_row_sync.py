"""Making a profile's rows match a wanted set (rcp.rows), as the legacy importer and a history
revert or recovery do: rows added, changed, removed or kept, with their ids and history."""

import pytest
from django.utils import timezone

from rcp.history import recover_process, revert_process
from rcp.history_records import changeset
from rcp.models import Participation, Process, PublicationStatus
from rcp.rows import match_rows, pair_rows, set_links, write_rows

from .factories import OrganisationFactory, ParticipationFactory, ProcessFactory, RegionFactory

pytestmark = pytest.mark.django_db


def by_country(process) -> dict:
    return {
        row.country.code: (row.pk, row.role, row.note)
        for row in Participation.objects.filter(process=process)
    }


def history_types(row_id: int) -> list[str]:
    return list(
        Participation.history.filter(id=row_id)
        .order_by("history_date", "history_id")
        .values_list("history_type", flat=True)
    )


@pytest.fixture
def process():
    process = ProcessFactory(
        name="Rabat Process", slug="rabat-process", status=PublicationStatus.DRAFT
    )
    for code, role in (("MA", "member"), ("SN", "member"), ("TN", "observer")):
        ParticipationFactory(process=process, country=code, role=role)
    return process


def test_rows_pair_by_key_in_the_order_wanted():
    pairs = pair_rows(
        {"MA": "row MA", "SN": "row SN", "TN": "row TN"},
        {"DZ": "wanted DZ", "SN": "wanted SN", "EG": "wanted EG", "MA": "wanted MA"},
    )
    assert pairs.unlisted == [("TN", "row TN")]
    assert pairs.paired == [("SN", "row SN", "wanted SN"), ("MA", "row MA", "wanted MA")]
    assert pairs.added == [("DZ", "wanted DZ"), ("EG", "wanted EG")]


def test_every_row_is_removed_before_the_first_is_written(process):
    """Morocco as an observer is a new row: the member row goes first, so the rule of a
    country once per process never clashes on the way."""
    morocco = Participation.objects.get(process=process, country="MA")
    done = []

    def delete(row):
        done.append(("delete", row.country.code))
        row.delete()

    def save(row):
        done.append(("save", row.country.code))
        row.save()

    write_rows(
        remove=[morocco],
        write=[Participation(process=process, country="MA", role="observer")],
        delete=delete,
        save=save,
    )

    assert done == [("delete", "MA"), ("save", "MA")]
    after = by_country(process)
    assert after["MA"][1] == "observer" and after["MA"][0] != morocco.pk


def test_matched_rows_are_removed_restored_or_left_untouched(
    process, django_assert_max_num_queries
):
    """Paired by id: Tunisia (not wanted) goes, Senegal (changed) comes back as wanted with
    its id, Morocco (identical) is not written and gains no history record."""
    rows = {row.country.code: row for row in Participation.objects.filter(process=process)}
    senegal = Participation(
        pk=rows["SN"].pk, process=process, country="SN", role="observer", note="since 2019"
    )

    with django_assert_max_num_queries(12):
        match_rows(
            Participation.objects.filter(process=process),
            [rows["MA"], senegal],
            same=lambda row, then: (
                (row.country, row.role, row.note) == (then.country, then.role, then.note)
            ),
            delete=lambda row: row.delete(),
            save=lambda then: then.save(force_insert=True),
        )

    after = by_country(process)
    assert after == {
        "MA": (rows["MA"].pk, "member", ""),
        "SN": (rows["SN"].pk, "observer", "since 2019"),
    }
    assert history_types(rows["MA"].pk) == ["+"]
    assert history_types(rows["SN"].pk) == ["+", "-", "+"]
    assert history_types(rows["TN"].pk) == ["+", "-"]


def test_replaced_rows_swap_countries_and_keep_their_ids(process):
    """Paired by id, two rows that exchange countries are both deleted before either is
    written back with its id: neither meets the other's country on the way."""
    morocco = Participation.objects.get(process=process, country="MA")
    senegal = Participation.objects.get(process=process, country="SN")
    wanted = [
        Participation(pk=morocco.pk, process=process, country="SN", role="member"),
        Participation(pk=senegal.pk, process=process, country="MA", role="member"),
        *Participation.objects.filter(process=process, country="TN"),
    ]

    match_rows(
        Participation.objects.filter(process=process),
        wanted,
        same=lambda row, then: row.country == then.country,
        delete=lambda row: row.delete(),
        save=lambda then: then.save(force_insert=True),
    )

    after = by_country(process)
    assert after["SN"][0] == morocco.pk
    assert after["MA"][0] == senegal.pk
    assert history_types(morocco.pk) == ["+", "-", "+"]


def test_links_are_set_from_ids_or_records_and_an_unchanged_field_writes_nothing(
    process, django_assert_max_num_queries
):
    europe, africa = RegionFactory(), RegionFactory()
    iom = OrganisationFactory()
    process.regions.set([europe])

    set_links(process, {"regions": [europe.pk, africa.pk], "associated_organisations": [iom]})

    assert set(process.regions.all()) == {europe, africa}
    assert list(process.associated_organisations.all()) == [iom]
    # Each field: read its links, and nothing more when they are already those wanted.
    with django_assert_max_num_queries(2):
        set_links(process, {"regions": [africa, europe], "associated_organisations": [iom.pk]})


def test_a_revert_restores_changed_and_removed_rows_with_their_ids_and_leaves_the_rest(
    process, django_assert_max_num_queries
):
    rows = by_country(process)
    europe = RegionFactory()
    process.regions.set([europe])
    moment = timezone.now()
    with changeset():
        Participation.objects.filter(pk=rows["SN"][0]).get().delete()
        tunisia = Participation.objects.get(pk=rows["TN"][0])
        tunisia.note = "since 2020"
        tunisia.save()
        ParticipationFactory(process=process, country="DZ")
        process.regions.set([])

    # As many as the hand-written loops it replaced took: the profile and its links, then only
    # Senegal and Tunisia written back and Algeria removed (Morocco is left alone).
    with django_assert_max_num_queries(49):
        revert_process(Process.objects.get(pk=process.pk), to=moment)

    assert by_country(process) == rows
    assert list(process.regions.all()) == [europe]
    assert history_types(rows["MA"][0]) == ["+"]
    assert history_types(rows["SN"][0]) == ["+", "-", "+"]
    assert history_types(rows["TN"][0]) == ["+", "~", "-", "+"]


def test_a_recovered_profile_gets_back_its_rows_with_their_ids_and_its_links(process):
    rows = by_country(process)
    iom = OrganisationFactory()
    process.associated_organisations.set([iom])
    with changeset():
        Process.objects.get(pk=process.pk).delete()

    recovered = recover_process(process.pk)

    assert by_country(recovered) == rows
    assert list(recovered.associated_organisations.all()) == [iom]
