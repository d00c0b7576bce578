"""The data-quality report of one legacy page: what in the page is wrong or was left out.

A :class:`Report` is a list of :class:`Finding` objects, each of one kind below. It is printed
by the command, shown in the admin's preview and stored with the profile (``LegacyImport``),
so it is plain data: it goes to JSON and comes back unchanged. Its messages and section names
are written in the language active when the page is read (the editor's) and kept as that
text, so a stored report reads as it did when the page was imported.
"""

from collections import Counter
from dataclasses import asdict, dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

DUPLICATE = "duplicate"
UNKNOWN_NAME = "unknown_name"
COUNT = "count"
MARKER = "marker"
CEASED = "ceased"
UNPLACED = "unplaced"
CUT_OFF = "cut_off"
NOT_IMPORTED = "not_imported"
ERROR = "error"
NAME = "name"
#: A layout read by a guess an editor should check: a heading read as the one it is closest
#: to, a table saved as text, country names found in prose.
READ_AS = "read_as"

#: The kinds of finding, in the order the report lists them, with their headings.
KINDS = {
    ERROR: _("Problems that stop the import"),
    NAME: _("The profile's name"),
    UNKNOWN_NAME: _("Names that are not countries"),
    DUPLICATE: _("Duplicates merged"),
    COUNT: _("Counts that disagree with the lists"),
    READ_AS: _("Guesses to check"),
    MARKER: _("Editorial markers removed"),
    CEASED: _("Organisations that no longer exist"),
    CUT_OFF: _("The page is cut off"),
    NOT_IMPORTED: _("Read but not imported"),
    UNPLACED: _("Lines not placed"),
}


@dataclass
class Finding:
    """One thing an editor should know about the page."""

    kind: str
    message: str
    section: str = ""
    quote: str = ""
    suggestion: str = ""
    #: Stops the import: an unknown name (until the editor accepts the suggestions) or an error.
    blocking: bool = False
    accepted: bool = False
    #: On the last finding of a kind that had too many to list: how many more there were.
    omitted: int = 0
    #: The number of the page's line it is about (of the page's text, as the importer reads
    #: it), or 0.
    line: int = 0

    #: The section and the line as the report prints them ("Members, line 12"), written in
    #: the report's language when the finding is made (see :meth:`Report.add`).
    place: str = ""

    @property
    def where(self) -> str:
        return self.place or self.section

    def locate(self) -> None:
        if self.section and self.line:
            self.place = gettext("%(section)s, line %(line)s") % {
                "section": self.section,
                "line": self.line,
            }
        elif self.line:
            self.place = gettext("Line %(line)s") % {"line": self.line}

    def __str__(self):
        text = f"{self.where}: {self.message}" if self.where else self.message
        if self.accepted:
            text += " " + gettext("(suggestion accepted)")
        return text

    @property
    def heading(self) -> str:
        return str(KINDS.get(self.kind, self.kind))


#: Findings of one kind listed at most (errors are always listed): a page of thousands of
#: lines that are not placed says so in one line, not thousands, so its report stays small to
#: show, to keep with an upload and to store with the profile.
MAX_LISTED = 200


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)

    def __post_init__(self):
        self._listed = Counter(finding.kind for finding in self.findings if not finding.omitted)
        self._summaries = {finding.kind: finding for finding in self.findings if finding.omitted}

    def add(self, kind: str, message: str, **kwargs) -> Finding:
        if "section" in kwargs:
            kwargs["section"] = str(kwargs["section"])
        finding = Finding(kind=kind, message=str(message), **kwargs)
        if self.lists(kind):
            finding.locate()
            self._listed[kind] += 1
            self.findings.append(finding)
            return finding
        summary = self._summaries.get(kind)
        if summary is None:
            summary = self._summaries[kind] = Finding(kind=kind, message="")
            self.findings.append(summary)
        summary.omitted += 1
        summary.blocking = summary.blocking or finding.blocking
        return finding

    def lists(self, kind: str) -> bool:
        """Whether a finding of this kind added now is listed (not only counted): a reader
        of thousands of findings builds the messages of the listed ones only."""
        return kind == ERROR or self._listed[kind] < MAX_LISTED

    def summarise(self) -> None:
        """Write the message of each summary of findings not listed. Done once the findings
        are in (by :meth:`sort` and whatever reads the report), not at each of the thousands
        a page may have."""
        for summary in self._summaries.values():
            summary.message = ngettext(
                "… and %(count)s more of these, not listed (a report lists the first %(listed)s)",
                "… and %(count)s more of these, not listed (a report lists the first %(listed)s)",
                summary.omitted,
            ) % {
                "count": number_format(summary.omitted, force_grouping=True),
                "listed": MAX_LISTED,
            }

    def sort(self) -> None:
        """Put the findings in the order of ``KINDS`` (page order within a kind)."""
        self.summarise()
        order = list(KINDS)
        self.findings.sort(key=lambda f: order.index(f.kind) if f.kind in order else len(order))

    def of_kind(self, kind: str) -> list[Finding]:
        return [finding for finding in self.findings if finding.kind == kind]

    def blocking(self, *, accept_suggestions: bool = False) -> list[Finding]:
        """What stops the import: errors always; unknown names unless suggestions are accepted."""
        return [
            finding
            for finding in self.findings
            if finding.blocking and (finding.kind != UNKNOWN_NAME or not accept_suggestions)
        ]

    def grouped(self) -> list[tuple[str, list[Finding]]]:
        """(heading, findings) in the order of ``KINDS``, for templates and printing."""
        self.summarise()
        return [
            (str(heading), found)
            for kind, heading in KINDS.items()
            if (found := self.of_kind(kind))
        ]

    def lines(self) -> list[str]:
        """The report as text, one line per finding, quotes included."""
        self.summarise()
        if not self.findings:
            return [str(_("Nothing to report."))]
        output = []
        for heading, findings in self.grouped():
            output.append(f"{heading} ({len(findings)}):")
            for finding in findings:
                output.append(f"  - {finding}")
                if finding.quote and finding.quote not in finding.message:
                    output.append(f"      “{finding.quote}”")
        return output

    def to_json(self) -> list[dict]:
        self.summarise()
        return [asdict(finding) for finding in self.findings]

    @classmethod
    def from_json(cls, data) -> "Report":
        known = set(Finding.__dataclass_fields__)
        return cls(
            findings=[
                Finding(**{key: value for key, value in item.items() if key in known})
                for item in data or []
            ]
        )

    def __len__(self):
        return len(self.findings)
