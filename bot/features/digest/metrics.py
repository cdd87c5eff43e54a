"""The digest's numbers: read once per week through the repositories, then computed by pure functions.

Definitions (CHAOSS names where they exist), each for one local ISO week:
- new: members who joined; activated: those of them who posted (first message) or finished onboarding within
  7 days of joining (ACTIVATION_DAYS, counted in SQL: storage/repositories/digest.py); active: members with >= 1
  message or a counted action (kudos given, RSVP, question or answer);
- retained: members who joined 4 weeks earlier and are active this week; gone quiet: active 4 weeks earlier and
  not since; left: members who left;
- recognition spread: the share of kudos received that did not go to the week's top 3 receivers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from bot.features.digest.ports import KudosFacts, MeetupFacts, MemberCounts, Newcomer, QuestionWeek
from bot.features.digest.weeks import Week, shifted
from bot.ports import UnitOfWork

SHOWN_WEEKS = 8  # the chart's span: its four numbers (CHART) are read for each of these weeks
FULL_WEEKS = 4  # every number is read for the digest's week and the 3 before: its change and its 4-week trend
CHART = ("active", "kudos_given", "questions_asked", "questions_solved")
LOOKBACK = 4  # retained and gone quiet look 4 weeks back (within the chart's weeks)
TOP = 3


@dataclass(frozen=True)
class WeekData:
    """Everything read for one week (of a chart-only week: its CHART numbers)."""

    week: Week
    full: bool
    members: MemberCounts = MemberCounts()  # who joined, were activated, left
    newcomers: tuple[Newcomer, ...] = ()  # of the digest's week: who joined, in order
    active: int = 0  # counted from the active weeks (uow.member_weeks), as are the next two
    retained: int = 0
    gone_quiet: int = 0
    kudos: KudosFacts = KudosFacts()
    meetups: MeetupFacts = MeetupFacts()
    questions: QuestionWeek | None = None


@dataclass(frozen=True)
class History:
    """Weeks oldest first; the last is the digest's week. The first SHOWN_WEEKS - FULL_WEEKS are on the chart only."""

    weeks: tuple[WeekData, ...]
    required_steps: int
    has_activity: bool
    has_questions: bool
    opted_out: frozenset[int] = frozenset()  # of the members the lists below could name
    names: Mapping[int, str] = field(default_factory=dict)
    top_answerers: tuple[tuple[int, int], ...] = ()
    top_tags: tuple[tuple[str, int], ...] = ()
    thanked_before: tuple[tuple[int, int], ...] = ()  # most thanked in the 4 weeks before, most first
    helpers_thanked: Mapping[int, int] = field(default_factory=dict)  # kudos the top helpers got this week


def spread(kudos: KudosFacts) -> float | None:
    """Share of kudos received not going to the top 3 receivers (None: no kudos)."""
    if not kudos.given:
        return None
    top = sum(sorted(kudos.received.values(), reverse=True)[:TOP])
    return (kudos.given - top) / kudos.given


def numbers(history: History, index: int) -> dict[str, float | int | None]:
    """The numbers of weeks[index]: every one of a full week, the chart's of the others."""
    this = history.weeks[index]
    if not this.full:
        q = this.questions
        chart = {"active": this.active, "kudos_given": this.kudos.given}
        return chart | ({"questions_asked": q.asked, "questions_solved": q.solved} if q is not None else {})
    yes = this.meetups.yes_recorded
    result: dict[str, float | int | None] = {
        "new": this.members.new,
        "activated": this.members.activated,
        "active": this.active,
        "retained": this.retained,
        "gone_quiet": this.gone_quiet,
        "left": this.members.left,
        "kudos_given": this.kudos.given,
        "kudos_givers": this.kudos.givers,
        "kudos_receivers": this.kudos.receivers,
        "recognition_spread": spread(this.kudos),
        "meetups_held": this.meetups.held,
        "rsvp_yes": this.meetups.said_yes,
        "came_after_yes": this.meetups.came_after_yes,
        "show_rate": this.meetups.came_after_yes / yes if yes else None,
        "waitlist": this.meetups.waitlist,
    }
    q = this.questions
    if q is not None:
        result.update(questions_asked=q.asked, questions_answered=q.answered, questions_solved=q.solved,
                      questions_unanswered=q.unanswered, first_response_minutes=q.median_first_response_minutes,
                      solution_minutes=q.median_solution_minutes, deflected=q.deflected)
    return result


def series(history: History) -> list[dict[str, float | int | None]]:
    """The numbers of every shown week, oldest first (the last is the digest's week)."""
    return [numbers(history, i) for i in range(len(history.weeks))]


def top_receivers(history: History, limit: int = TOP) -> list[tuple[int, int]]:
    """The week's most thanked members, leaderboard opt-outs left out."""
    received = history.weeks[-1].kudos.received
    ranked = sorted(((m, n) for m, n in received.items() if m not in history.opted_out), key=lambda x: (-x[1], x[0]))
    return ranked[:limit]


def top_helpers(history: History, limit: int = TOP) -> list[tuple[int, int]]:
    """Who answered most this week; without questions or answers, who was thanked most over the 4 weeks before."""
    if history.top_answerers:
        ranked = [(m, n) for m, n in history.top_answerers if m not in history.opted_out]
    else:
        ranked = [(m, n) for m, n in history.thanked_before if m not in history.opted_out]
    return ranked[:limit]


async def read_history(uow: UnitOfWork, community_id: int, week: Week, zone: str, *, required_steps: int,
                       tag: str | None = None) -> History:
    """Read the digest's week and the 7 before it (the chart); retained and gone quiet look back within them."""
    span = [shifted(week, k, zone) for k in range(-(SHOWN_WEEKS - 1), 1)]
    mondays, bounds = [w.monday for w in span], [w.start for w in span] + [week.end]
    full = SHOWN_WEEKS - FULL_WEEKS  # the index of the first full week
    activity = getattr(uow, "activity", None)
    questions = getattr(uow, "question_metrics", None)
    members = await uow.digest.newcomer_weeks(community_id, bounds[full:], required_steps)
    kudos = await uow.digest.kudos_weeks(community_id, mondays, tag)
    meetups = await uow.digest.meetup_weeks(community_id, bounds[full:])
    meetups[-1] = replace(meetups[-1], no_shows=tuple(await uow.digest.no_shows(community_id, week.start, week.end)))
    question_weeks = (await questions.question_weeks(community_id, bounds, tag, detailed=FULL_WEEKS)
                      if questions else [None] * SHOWN_WEEKS)
    active = await uow.member_weeks.active(community_id, mondays)
    # joined 4 weeks before and active now
    retained = await uow.member_weeks.retained(community_id, bounds[full - LOOKBACK:full + 1], mondays[full:])
    data = [WeekData(w, False, active=active[k], kudos=kudos[k], questions=question_weeks[k])
            for k, w in enumerate(span[:full])]
    for k, w in enumerate(span[full:], start=full):  # gone quiet: active 4 weeks before and not since
        data.append(WeekData(w, True, members[k - full], (), active[k], retained[k - full],
                             await uow.member_weeks.quiet(community_id, mondays[k - LOOKBACK], w.monday),
                             kudos[k], meetups[k - full], question_weeks[k]))
    data[-1] = replace(data[-1], newcomers=tuple(await uow.digest.newcomers(community_id, week.start, week.end)))
    answerers = tuple(await questions.top_answerers(community_id, week.start, week.end, 10)) if questions else ()
    # nobody answered: the top helpers are who was thanked most in the 4 weeks before
    thanked_before = () if answerers else tuple(await uow.digest.received(community_id, mondays[-5:-1]))
    candidates = {m for m, _ in (*kudos[-1].received.items(), *answerers, *thanked_before)}
    history = History(tuple(data), required_steps, activity is not None, questions is not None,
                      frozenset(await uow.digest.opted_out(community_id, sorted(candidates))), top_answerers=answerers,
                      top_tags=tuple(await uow.digest.top_tags(community_id, week.start, week.end, 5)),
                      thanked_before=thanked_before)
    helpers = [m for m, _ in top_helpers(history)]
    thanked = dict(await uow.digest.received(community_id, [week.monday], member_ids=helpers))
    named = await uow.members.many(community_id, sorted({m for m, _ in top_receivers(history)} | set(helpers)))
    return replace(history, names={i: m.name for i, m in named.items()}, helpers_thanked=thanked)

