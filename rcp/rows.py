"""Making a profile's rows match a wanted set: the one way the legacy importer and a history
revert or recovery pair a profile's parts with what they should be, and write them.

Two steps, because the importer shows its plan before it writes: :func:`pair_rows` pairs the
current rows with the wanted ones by key (the importer's plan labels and compares each pair
for its preview), and :func:`write_rows` removes and writes (the importer once the editor
confirms, a restore at once). :func:`match_rows` does both.

Whoever calls decides how a row is saved and deleted (the importer validates and stamps who
imported and why; a restore inserts the row with its original id), so saving and deleting are
passed in. Nothing here opens a transaction: the callers are atomic already, and a profile
half matched must roll back with the rest of their change.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field


@dataclass
class RowPairs:
    """The rows of one kind of part, paired with the wanted ones by key."""

    #: (key, current row) without a wanted one.
    unlisted: list[tuple[Hashable, object]] = field(default_factory=list)
    #: (key, current row, wanted item): whether they differ is for the caller to tell.
    paired: list[tuple[Hashable, object, object]] = field(default_factory=list)
    #: (key, wanted item) without a current row.
    added: list[tuple[Hashable, object]] = field(default_factory=list)


def pair_rows(current: Mapping[Hashable, object], wanted: Mapping[Hashable, object]) -> RowPairs:
    """Pair the current rows with the wanted items (rows, or whatever describes one) that
    have the same key. A key names one row, and one wanted item; the wanted order is kept."""
    pairs = RowPairs()
    for key, row in current.items():
        if key not in wanted:
            pairs.unlisted.append((key, row))
    for key, item in wanted.items():
        row = current.get(key)
        if row is None:
            pairs.added.append((key, item))
        else:
            pairs.paired.append((key, row, item))
    return pairs


def write_rows(
    *,
    remove: Iterable,
    write: Iterable,
    delete: Callable[[object], None],
    save: Callable[[object], None],
) -> None:
    """Delete the rows of ``remove``, then save those of ``write``. Every deletion comes
    before the first write, so unique rules (a country once per process) never clash
    halfway, when one row takes over what another held."""
    for row in remove:
        delete(row)
    for row in write:
        save(row)


def match_rows(
    current: Iterable,
    wanted: Iterable,
    *,
    same: Callable[[object, object], bool],
    delete: Callable[[object], None],
    save: Callable[[object], None],
    key: Callable[[object], Hashable] = lambda row: row.pk,
) -> None:
    """Make one kind of a profile's rows those of ``wanted`` (rows, as they should be
    saved), paired by ``key`` (their ids by default). A pair that is ``same`` is left
    untouched, so it gains no history record; a row that differs is deleted and saved afresh
    (a restore brings back the row with its id and every field it had)."""
    current_by_key = {key(row): row for row in current}
    wanted_by_key = {key(item): item for item in wanted}
    pairs = pair_rows(current_by_key, wanted_by_key)
    differ = {k for k, row, item in pairs.paired if not same(row, item)}
    differ |= {k for k, _row in pairs.unlisted} | {k for k, _item in pairs.added}
    write_rows(  # in the order of the rows, as they were and as they will be
        remove=[row for k, row in current_by_key.items() if k in differ],
        write=[item for k, item in wanted_by_key.items() if k in differ],
        delete=delete,
        save=save,
    )


def set_links(process, links: Mapping[str, Iterable]) -> None:
    """Set a profile's many-to-many links, ``{field name: ids or records}``, in that order.

    ``.set`` adds and removes only the links that differ: an unchanged field writes nothing,
    and the links' history records only what changed."""
    for name, values in links.items():
        getattr(process, name).set(values)
