"""Submitting admin forms as a browser would: read the rendered form, change a few fields, post."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    """Collects what a browser would submit from the form with id ``form_id``."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.found = False
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_multiple = False
        self._select_first: str | None = None
        self._select_chose = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        if "__prefix__" not in name:
            self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and attributes.get("id") == self.form_id:
            self.in_form = self.found = True
            return
        if not self.in_form:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attributes:
                    self._add(name, attributes.get("value") or "on")
                return
            self._add(name, attributes.get("value") or "")
        elif tag == "select" and name:
            self._select, self._select_multiple = name, "multiple" in attributes
            self._select_first, self._select_chose = None, False
        elif tag == "option" and self._select:
            value = attributes.get("value") or ""
            if self._select_first is None:
                self._select_first = value
            if "selected" in attributes:
                self._add(self._select, value)
                self._select_chose = True
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if not self.in_form:
            return
        if tag == "form":
            self.in_form = False
        elif tag == "select" and self._select:
            # A single select with nothing marked submits its first option, as browsers do.
            if not self._select_chose and not self._select_multiple and self._select_first:
                self._add(self._select, self._select_first)
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self._add(self._textarea, text.removeprefix("\r\n").removeprefix("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_data(response, form_id: str = "process_form") -> dict:
    """The POST a browser would send for the rendered form, unchanged."""
    reader = _FormReader(form_id)
    reader.feed(response.content.decode())
    assert reader.found, f"no form #{form_id} on the page"
    return {name: v[0] if len(v) == 1 else v for name, v in reader.values.items()}


def add_countries(data: dict, countries: str, *, role: str = "member", group: str = "", **more):
    """Paste ``countries`` into the profile editor's "Add countries" box, with the batch's role
    and group (``new_group=`` for a group the profile does not use yet)."""
    data["participations-add-countries"] = countries
    data["participations-add-role"] = role
    data["participations-add-group"] = group
    for name, value in more.items():
        data[f"participations-add-{name}"] = value


def change_countries(data: dict, rows=(), *, remove=(), **changes):
    """Tick ``rows`` (participations) in the profile editor's list of countries and say what to
    do with them: ``role=``, ``group=`` ("-" for no group), ``new_group=``, ``note=`` (sets the
    note); and mark the participations ``remove`` in the Remove column."""
    data["participations-change-selected"] = [str(row.pk) for row in rows]
    data["participations-change-removed"] = [str(row.pk) for row in remove]
    for name, value in changes.items():
        if name == "note":
            data["participations-change-set_note"] = "on"
        data[f"participations-change-{name}"] = value
