"""When ISV deliverables are due, and whether they arrived on time: the rules as data.

The deadlines, in one place (``RULES``); change them here and nowhere else:

| deliverable     | due                                                               |
|-----------------|-------------------------------------------------------------------|
| risk_analysis   | within 3 months of the contract start                             |
| action_plan     | within 6 months of the contract start                             |
| annual_report   | every year by 1 April, about the previous calendar year           |

How they are read:

- "within N months" = on or before the same day N months after the start (31 Jan + 1 month = 28/29 Feb).
- An annual report is expected for every calendar year the contract was in force, from the
  start year to the end year (or, while it runs, the current year). The report on year Y is due
  1 April of Y+1; a document counts for Y when its ``year`` is Y.
- A deliverable arrives on its document's ``received_on`` date (the earliest, if several).
  On or before the due date is on time.
- States: ``on_time`` and ``late`` (arrived), ``overdue`` (not arrived, due date passed),
  ``upcoming`` (not arrived, not yet due).
- Shares: per deliverable, among the contracts where it is settled (received, or due by today),
  the share received on time. For the annual ("public") report, the latest settled year counts.

Pure functions: no database, and ``today`` is always passed in, so the rules are easy to test.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

ON_TIME, LATE, OVERDUE, UPCOMING = "on_time", "late", "overdue", "upcoming"


@dataclass(frozen=True)
class Rule:
    """One deliverable's deadline: ``months`` after the contract start, or yearly on ``month``/``day``."""

    deliverable: str
    months_after_start: int | None = None
    yearly_due_month: int | None = None
    yearly_due_day: int | None = None


RULES: tuple[Rule, ...] = (
    Rule("risk_analysis", months_after_start=3),
    Rule("action_plan", months_after_start=6),
    Rule("annual_report", yearly_due_month=4, yearly_due_day=1),
)


@dataclass(frozen=True)
class Arrival:
    """A document as monitoring sees it."""

    document_id: int
    deliverable: str
    year: int | None
    received_on: date


@dataclass(frozen=True)
class Expected:
    """One expected deliverable of one contract and how it stands."""

    deliverable: str
    year: int | None  # the year reported on, for annual reports
    due: date
    state: str
    received_on: date | None = None
    document_id: int | None = None
    days_late: int = 0  # after the due date: arrival for late, today for overdue


@dataclass(frozen=True)
class Share:
    on_time: int
    total: int

    @property
    def fraction(self) -> float | None:
        return self.on_time / self.total if self.total else None


@dataclass(frozen=True)
class CaseOverview:
    case_id: int
    supplier_name: str
    contract_reference: str
    manager: str
    contract_start: date
    contract_end: date | None
    expected: tuple[Expected, ...]
    arrivals: tuple[Arrival, ...]

    @property
    def overdue(self) -> tuple[Expected, ...]:
        return tuple(e for e in self.expected if e.state == OVERDUE)


@dataclass(frozen=True)
class Overview:
    today: date
    cases: tuple[CaseOverview, ...]
    shares: dict[str, Share] = field(default_factory=dict)  # keyed by deliverable


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the end of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expected_deliverables(start: date, end: date | None, arrivals: Iterable[Arrival], today: date,
                          rules: tuple[Rule, ...] = RULES) -> tuple[Expected, ...]:
    """Every deliverable a contract owes, with its due date and state on ``today``."""
    arrivals = sorted(arrivals, key=lambda a: (a.received_on, a.document_id))
    result: list[Expected] = []
    for rule in rules:
        if rule.months_after_start is not None:
            first = next((a for a in arrivals if a.deliverable == rule.deliverable), None)
            result.append(_judge(rule.deliverable, None, add_months(start, rule.months_after_start), first, today))
        if rule.yearly_due_month is not None:
            last_year = min(end.year if end else today.year, today.year)
            for year in range(start.year, last_year + 1):
                due = date(year + 1, rule.yearly_due_month, rule.yearly_due_day or 1)
                first = next((a for a in arrivals if a.deliverable == rule.deliverable and a.year == year), None)
                result.append(_judge(rule.deliverable, year, due, first, today))
    return tuple(result)


def _judge(deliverable: str, year: int | None, due: date, arrival: Arrival | None, today: date) -> Expected:
    if arrival is not None:
        late = (arrival.received_on - due).days
        return Expected(deliverable, year, due, LATE if late > 0 else ON_TIME, arrival.received_on,
                        arrival.document_id, max(late, 0))
    if today > due:
        return Expected(deliverable, year, due, OVERDUE, days_late=(today - due).days)
    return Expected(deliverable, year, due, UPCOMING)


def shares(cases: Iterable[CaseOverview], rules: tuple[Rule, ...] = RULES) -> dict[str, Share]:
    """Per deliverable: contracts where it arrived on time, out of those where it is settled."""
    counts = {rule.deliverable: [0, 0] for rule in rules}
    for case in cases:
        for deliverable, tally in counts.items():
            settled = [e for e in case.expected if e.deliverable == deliverable and e.state != UPCOMING]
            if settled:
                latest = max(settled, key=lambda e: (e.year or 0, e.due))
                tally[1] += 1
                tally[0] += latest.state == ON_TIME
    return {deliverable: Share(on_time, total) for deliverable, (on_time, total) in counts.items()}
