"""The importer scored against hand-checked truth about IOM's saved legacy pages.

``legacy_truth.json`` records, for each page under ``../shared/legacy-pages``, what a careful
reader finds on it: the name, acronym, year established and the ISO codes of the member and
observer states listed under the process's own headings (only names complete on the page; the
saved texts are cut at about 2,000 characters and some lost their one-word lines). The last
test prints recall and precision over all pages; run with ``-s`` to see it.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django_countries import countries

from tests.legacy_pages import LEGACY_PAGES

TRUTH_FILE = Path(__file__).with_name("legacy_truth.json")
TRUTH = json.loads(TRUTH_FILE.read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(
    not LEGACY_PAGES.is_dir(), reason=f"IOM's saved legacy pages are not at {LEGACY_PAGES}"
)


def normalised(text: str) -> str:
    """A name as compared: casefolded, one kind of apostrophe and dash, single spaces."""
    text = text.replace("’", "'").replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip().casefold()


def country_names(codes) -> str:
    return ", ".join(f"{countries.name(code) or '?'} ({code})" for code in sorted(codes)) or "-"


@dataclass
class Score:
    """What the importer got right and wrong on one page."""

    true_positives: set = field(default_factory=set)
    false_positives: set = field(default_factory=set)
    false_negatives: set = field(default_factory=set)
    name_right: bool = True
    acronym_right: bool = True
    year_right: bool = True
    problems: list = field(default_factory=list)


SCORES: dict[str, Score] = {}


def score_page(file_name: str) -> Score:
    from rcp.legacy.parser import parse_page

    truth = TRUTH[file_name]
    profile, _report = parse_page((LEGACY_PAGES / file_name).read_text(encoding="utf-8"))
    score = Score()
    for role, key in (("member", "members"), ("observer", "observers")):
        expected = {(role, code) for code in truth[key]}
        found = {(role, c.code) for c in profile.countries if c.role == role and c.code}
        score.true_positives |= expected & found
        score.false_positives |= found - expected
        score.false_negatives |= expected - found
        missing = [code for _, code in expected - found]
        extra = [code for _, code in found - expected]
        if missing:
            score.problems.append(f"{key} missing: {country_names(missing)}")
        if extra:
            score.problems.append(f"{key} extra: {country_names(extra)}")
    unknown = [c.written for c in profile.countries if not c.code]
    if unknown:
        score.problems.append(f"countries without a code: {unknown}")
    if normalised(profile.name) != normalised(truth["name"]):
        score.name_right = False
        hint = (
            " (another name the page gives)"
            if normalised(profile.name) in {normalised(n) for n in truth.get("other_names", [])}
            else ""
        )
        score.problems.append(f"name {profile.name!r}{hint}, expected {truth['name']!r}")
    if normalised(profile.acronym) != normalised(truth["acronym"]):
        score.acronym_right = False
        score.problems.append(f"acronym {profile.acronym!r}, expected {truth['acronym']!r}")
    if profile.established != truth["established"]:
        score.year_right = False
        score.problems.append(
            f"established {profile.established!r}, expected {truth['established']!r}"
        )
    return score


@pytest.mark.parametrize("file_name", sorted(TRUTH))
def test_importer_reads_what_the_page_says(file_name):
    score = score_page(file_name)
    SCORES[file_name] = score
    assert not score.problems, f"{file_name}: " + "; ".join(score.problems)


def test_truth_covers_every_saved_page():
    assert sorted(TRUTH) == sorted(path.name for path in LEGACY_PAGES.glob("*.txt"))


def ratio(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100 * part / whole:.1f}%" if whole else "n/a"


def test_overall_recall_and_precision():
    """Runs last (tests run in file order): prints the summary and asks for 100%."""
    scores = {name: SCORES.get(name) or score_page(name) for name in sorted(TRUTH)}
    tp = sum(len(s.true_positives) for s in scores.values())
    fp = sum(len(s.false_positives) for s in scores.values())
    fn = sum(len(s.false_negatives) for s in scores.values())
    lines = ["", "Legacy pages scored against hand-checked truth:"]
    lines += [f"  {name}: " + "; ".join(s.problems) for name, s in scores.items() if s.problems]
    lines += [
        f"  countries (members + observers): recall {ratio(tp, tp + fn)}, "
        f"precision {ratio(tp, tp + fp)}",
        f"  names right: {ratio(sum(s.name_right for s in scores.values()), len(scores))}",
        f"  acronyms right: {ratio(sum(s.acronym_right for s in scores.values()), len(scores))}",
        f"  years right: {ratio(sum(s.year_right for s in scores.values()), len(scores))}",
    ]
    print("\n".join(lines))
    assert (fp, fn) == (0, 0) and all(not s.problems for s in scores.values()), "\n".join(lines)
