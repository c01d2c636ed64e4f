"""The exercise's web application: the facilitator's page, one page a seat, a read-only
copy of each seat's page for evaluators and observers, and the projector's view.

Every page is rendered on the server (Jinja2, autoescaped) and kept alive by a little
script: the server pushes each change (server-sent events) and the page swaps in its new
content; the map is drawn in the background (``sim.play.live``). Each role's address
carries its own unguessable token; a request with a wrong token is refused (403), a seat
acts only as itself, and an observer's or the projector's token opens a page without any
form. A command is checked by the exercise, written to the session file, and only then
shown to the room; a refused one changes nothing, and its page says why (post, redirect,
get). Commands are taken only from the exercise's own pages (Origin), and no page can be
framed by another site.

Each reader (the facilitator, a seat, a seat's observers, the projector) reads the pages in
a language of their own (``sim.i18n``): the facilitator chooses each one's, a seat or an
observer may change their own, and each choice is a command of the session file. Refusals
are said in the reader's language; a page opened with a wrong link, whose reader is not
known, in the browser's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import itertools
import json
import math
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import partial
from importlib import resources
from typing import TYPE_CHECKING, Any

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Match, Mount, Route
from starlette.staticfiles import StaticFiles

from sim.decisions import points as d
from sim.decisions.commands import (
    CLIENT,
    FACILITATOR,
    PROJECTOR,
    Command,
    Malformed,
    Refused,
    Rewind,
    may,
    observer,
    parse,
    readers,
    refusal,
)
from sim.decisions.discussion import hotwash, note
from sim.decisions.exercise import Exercise, before_decision, branch
from sim.decisions.session import Session, SessionWriteError, lines_of, rebuild
from sim.i18n import (
    LANGUAGE_NAMES,
    LANGUAGES,
    N_,
    Refusal,
    Translator,
    is_language,
    translator,
)
from sim.play.live import Changes, MapDrawer, Worker
from sim.play.seat_map import seat_map_data
from sim.play.views import (
    PAPERS,
    Clock,
    Names,
    facilitator_view,
    handout_view,
    projector_view,
    said_view,
    seat_view,
)
from sim.report.marking import marked
from sim.scenario.schema import Scenario

if TYPE_CHECKING:
    from sim.report.maps import MapData


PROJECTOR_SCALE = 2.2
"""How much larger the projector's map draws its names and markers than a page's (its names
about 15 px tall on a 1920x1080 screen, 10 px on a 1280x720 one: the same share of the
room's screen)."""
PROJECTOR_ASPECT = 1.3
"""The projector's map panel, width over height, on a 16:9 screen (two thirds of the width
beside the inject, the screen's height less its header)."""


class PlayServer:
    """One exercise in play: its state, its session file, its seats' tokens."""

    def __init__(
        self,
        scenario: Scenario,
        session: Session,
        scenario_file: str = "",
        url: str = "http://127.0.0.1:8000",
    ) -> None:
        self.scenario = scenario
        self.session = session
        self.url = url.rstrip("/")
        """Where the room reaches the server: every link is built on it (never on a
        request's Host header), and a command must come from a page of it (Origin)."""
        self.debrief = (
            f"borderdrill run {scenario_file or 'SCENARIO'} --decisions {session.path} -n 200"
        )
        """The command that measures the players' decisions afterwards."""
        self.exercise = rebuild(scenario, session)
        self.tokens = session.tokens
        self.revision = 0
        self.changes = Changes()
        """Raised at each revision and each new drawing of the map (the pages listen)."""
        self.worker = Worker()
        """The process every map is drawn in."""
        self.drawers: dict[tuple[str, str], MapDrawer] = {}
        """Each map drawn, by whose it is (a seat's, for its players and observers; the
        projector's, the whole with its names and markers large enough to read across a
        room; "" the whole, for the facilitator) and its language: made when first asked
        for."""

    def _map_key(self, role: str) -> tuple[str, str]:
        seat = role.removesuffix(":observer")
        whose = seat if seat in self.session.seats else (PROJECTOR if role == PROJECTOR else "")
        return whose, self.language(role)

    def map_of(self, role: str) -> MapDrawer:
        """The map a role sees, in its language: a seat's (for its players and observers),
        the projector's, else the whole."""
        key = self._map_key(role)
        if key not in self.drawers:
            whose, lang = key
            if whose == PROJECTOR:
                data = partial(self.map_data, lang, PROJECTOR_SCALE)
            elif whose:
                data = partial(self.seat_map_data, whose, lang)
            else:
                data = partial(self.map_data, lang)
            self.drawers[key] = MapDrawer(
                lambda: self.revision, data, self.changes.notify, self.worker
            )
        return self.drawers[key]

    def close(self) -> None:
        """Stop drawing maps (the server ends)."""
        for drawer in self.drawers.values():
            drawer.close()
        self.worker.close()

    @property
    def show_doctrine(self) -> bool:
        """Whether the seats see what doctrine would choose."""
        return self.session.settings["show_doctrine"]

    @property
    def wait_for_seats(self) -> bool:
        """Whether a clock move stops at each decision that arises for a seat."""
        return self.session.settings["wait_for_seats"]

    @property
    def seats_may_arrange(self) -> bool:
        """Whether the seats may switch arrangements on themselves (the facilitator always
        may)."""
        return self.session.settings["seats_may_arrange"]

    @property
    def projector_token(self) -> str:
        """The projector's secret: derived from the facilitator's, so it needs no place in
        the session file and opens nothing but the projector's view."""
        digest = hmac.new(self.tokens[FACILITATOR].encode(), b"projector", hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()[:24]).decode()

    def links(self) -> dict[str, str]:
        """The facilitator's address, each seat's join link, and the projector's."""
        out = {FACILITATOR: f"{self.url}/facilitator/{self.tokens[FACILITATOR]}"}
        for seat in self.session.seats:
            out[seat] = f"{self.url}/seat/{seat}/{self.tokens[seat]}"
        out[PROJECTOR] = f"{self.url}/projector/{self.projector_token}"
        return out

    def observer_links(self) -> dict[str, str]:
        """Each seat's read-only link for evaluators and observers (for sessions that have
        observer tokens: those started by this version)."""
        return {
            seat: f"{self.url}/observe/{seat}/{self.tokens[observer(seat)]}"
            for seat in self.session.seats
            if observer(seat) in self.tokens
        }

    def language(self, reader: str) -> str:
        """The language a reader's pages are in (English until one is chosen)."""
        return self.session.languages.get(reader, "en")

    def set_language(self, reader: str, lang: str, client: str | None = None) -> bool:
        """Choose the language of a reader's pages, written down; False when done already.

        Raises:
            Refused: an unknown reader or language.
        """
        if reader not in readers(self.session.seats):
            raise Refused(N_("choose whose pages to change"))
        if not is_language(lang):
            raise Refused(N_("choose one of the languages"))
        return self.record(command_of({"do": "language", "reader": reader, "lang": lang}), client)

    def reader_names(self, t: Translator) -> list[tuple[str, str]]:
        """Every reader of the exercise and how the page names them, in a reader's language."""
        names = Names.of(self.exercise, t)
        out = [(FACILITATOR, t("Facilitator (you)"))]
        out += [(s, names.seat(s)) for s in self.session.seats]
        out += [
            (observer(s), t("Observers of %(seat)s", seat=names.seat(s)))
            for s in self.session.seats
            if observer(s) in self.tokens
        ]
        return [*out, (PROJECTOR, t("Projector"))]

    def allowed(self, role: str, token: str) -> bool:
        expected = self.tokens.get(role)
        return expected is not None and secrets.compare_digest(expected, token)

    def done(self, client: str | None) -> bool:
        """Whether the command of this client id was done already: sent twice."""
        return client is not None and client in self.session.clients

    def perform(self, command: Command) -> bool:
        """Apply a command and write it down (nothing is written if it is refused); False
        when it was done already (the same client id), and nothing is done again.

        Raises:
            Refused: the exercise refuses it, or the session file could not be written
                (then the exercise is as it was before it).
        """
        if self.done(command.client):
            return False
        self._write(*lines_of(self.exercise, command))
        return True

    def record(self, entry: Command, client: str | None = None) -> bool:
        """Write down, at the time now, a command that changes nothing in the run (a
        setting, a language, a note, a point of the hot wash); False when done already."""
        if self.done(client):
            return False
        self._write(replace(entry, at=round(self.exercise.now, 6), client=client))
        return True

    def rewind(self, to: float, client: str | None = None) -> bool:
        """Go back to an earlier time: rebuild the run from the commands issued before it;
        False when done already."""
        if self.done(client):
            return False
        if not 0 <= to < self.exercise.now:
            raise Refused(N_("rewind to a time between the start and now"))
        exercise = Exercise(
            self.scenario, self.session.seed, self.session.seats, branch(self.session.commands, to)
        )
        self._write(Rewind(to=to, at=self.exercise.now, client=client))
        self.exercise = exercise
        return True

    def rewind_to_decision(self, point: int, client: str | None = None) -> bool:
        """Go back to just before a seat answered a decision point (by its id), the point
        open again; False when done already."""
        if self.done(client):
            return False
        kept = before_decision(self.session.commands, point)
        if kept is None:
            raise Refused(
                N_("no decision #%(point)s was answered on this branch of the exercise"),
                point=point,
            )
        answered = self.session.commands[len(kept)]
        entry = Rewind(to=answered.at, decision=point, at=self.exercise.now, client=client)
        exercise = Exercise(self.scenario, self.session.seed, self.session.seats, kept)
        self._write(entry)
        self.exercise = exercise
        return True

    def _write(self, *entries: Command) -> None:
        try:
            self.session.append(*entries)
        except SessionWriteError as exc:
            self.exercise = self._rebuilt()  # undo what was applied
            raise Refused(
                N_(
                    "the session file could not be written (%(reason)s): nothing was done. Tell"
                    " the facilitator: free space on the disk, then try again"
                ),
                507,
                reason=str(exc),
            ) from None
        self.revision += 1
        self.changes.notify()
        read = {self._map_key(role) for role in readers(self.session.seats)}
        for key in [k for k in self.drawers if k not in read]:  # a language no one reads now
            self.drawers.pop(key).close()
        for drawer in self.drawers.values():
            drawer.kick()

    def _rebuilt(self) -> Exercise:
        return Exercise(self.scenario, self.session.seed, self.session.seats, self.session.commands)

    def seat_map_data(self, seat: str, lang: str = "en") -> MapData:
        """What a seat's map shows now, in a reader's language."""
        return seat_map_data(self.exercise, seat, lang)

    def map_data(self, lang: str = "en", scale: float = 1.0) -> MapData:
        """What the map of the run so far shows, in a reader's language (``scale``: its
        type and markers larger, for the projector)."""
        from sim.analysis.incidents import incident_rows
        from sim.report.map_data import run_map_data

        run = self.exercise.sim.log
        data = run_map_data(self.scenario, run, incident_rows(run), lang)
        t = translator(lang)
        data.shows = Clock(self.scenario.scenario.start, t)(self.exercise.now)
        name = self.scenario.scenario.name
        if scale > 1:
            data.title = t("As at %(time)s", time=data.shows)
        else:
            data.title = t("%(scenario)s, as at %(time)s", scenario=name, time=data.shows)
        data.live, data.scale = True, scale
        if scale > 1:
            data.aspect = PROJECTOR_ASPECT
        return data


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sim.play", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return env


def browser_language(request: Request) -> str:
    """The first of the reader's browser's languages borderdrill has (else English), for a
    page whose reader is not known (a wrong link)."""
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().split("-")[0].lower()
        if is_language(code):
            return code
    return "en"


def language_menu(lang: str) -> list[tuple[str, str, bool]]:
    """The languages a reader can choose: code, name in its own script, chosen now."""
    return [(code, LANGUAGE_NAMES[code], code == lang) for code in LANGUAGES]


class Notes:
    """Refusals and answers waiting to be shown on the page a command was sent from (the
    browser is sent back to its page, which shows the note once)."""

    KEPT = 500

    def __init__(self) -> None:
        self._notes: dict[str, str] = {}

    def add(self, text: str) -> str:
        key = secrets.token_urlsafe(9)
        self._notes[key] = text
        while len(self._notes) > self.KEPT:
            del self._notes[next(iter(self._notes))]
        return key

    def take(self, key: str | None) -> str:
        return self._notes.pop(key, "") if key else ""


INVALID_LINK = {
    "facilitator": N_("This link is not valid: ask the facilitator for the right one."),
    "seat": N_("This link is not valid: ask the facilitator for your seat's link."),
    "observe": N_("This link is not valid: ask the facilitator for the observers' link."),
    "projector": N_("This link is not valid: ask the facilitator for the projector's."),
}
"""What a page of each kind says to a wrong token."""
ALREADY_DONE = N_("This was sent twice: it was done once.")
"""What a command sent again (the same client id) is answered."""
REFUSAL_TITLES = {
    400: N_("Refused: nothing was done"),
    403: N_("Not allowed: nothing was done"),
    404: N_("Not found"),
    413: N_("Too large to read: nothing was done"),
}
"""What a refusal page's title says happened, by its status."""
LINK_NOT_VALID = N_("This link is not valid")
"""The title of the page a wrong link opens."""


def refusal_title(why: Refusal) -> str:
    """What a refusal page's title says happened (in English: translated where shown)."""
    if why.message in INVALID_LINK.values():
        return LINK_NOT_VALID
    return REFUSAL_TITLES.get(why.status, REFUSAL_TITLES[400])


def create_app(server: PlayServer) -> Guarded:
    """The Starlette application serving one exercise."""
    templates = _templates()
    notes = Notes()

    def page(name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        html = templates.get_template(name).render(**context)
        return HTMLResponse(marked(html, server.scenario, context["lang"]), status_code=status)

    def told(reader: str | None, request: Request) -> Translator:
        """The language to tell a reader in: theirs, or the browser's when not known."""
        return translator(server.language(reader) if reader else browser_language(request))

    started = secrets.token_urlsafe(6)
    rendered: dict[str, tuple[int, str]] = {}
    """The latest rendering of each page (by address) and its revision."""

    def live_page(
        name: str, base: str, role: str, note: str, view: Callable[[], Any], reader: str
    ) -> Response:
        """A page of the exercise, rendered once a revision (unless it has a note to show).

        Its forms carry client ids named after the server's start, the revision and the
        role: the same form sent twice is the same command, done once."""
        if not note and base in rendered and rendered[base][0] == server.revision:
            return HTMLResponse(rendered[base][1])
        counter = itertools.count()
        context = view() | {
            "languages": language_menu(server.language(reader)),
            "base": base,
            "revision": server.revision,
            "map_version": server.map_of(reader).version,
            "map_behind": server.map_of(reader).drawn_for not in (-1, server.revision),
            "message": note,
            "client_id": lambda: f"{started}-{server.revision}-{role}-{next(counter)}",
        }
        html = marked(
            templates.get_template(name).render(**context), server.scenario, context["lang"]
        )
        if not note:
            rendered[base] = (server.revision, html)
        return HTMLResponse(html)

    def refused(
        request: Request, message: str, status: int, reader: str | None = None
    ) -> HTMLResponse:
        """A page saying why a request is refused, in the reader's language."""
        return refusal_page(request, Refused(message, status), reader)

    def refusal_page(request: Request, why: Refusal, reader: str | None = None) -> HTMLResponse:
        """A page saying why a request is refused, in the reader's language (a request no
        page sends: said so, with what is wrong; the parser's own words, in English, marked
        so)."""
        t = told(reader, request)
        message, detail = why.said(t) if why.message else "", ""
        if isinstance(why, BadRequest):
            message, detail = f"{t(NOT_SENT_BY_A_PAGE)} {message}".strip(), why.detail(t)
        title = refusal_title(why)
        context = {"title": t(title), "message": message, "detail": detail, "lang": t.lang}
        return page("refused.j2", context | t.template_globals(), why.status)

    def unread(scope: Any, why: Refusal) -> HTMLResponse:
        """The refusal of a request the application does not see (too large, from another
        site), in its reader's language when its address says who they are."""
        request = Request(scope)
        for route in routes:
            match, child = route.matches(scope)
            if match != Match.NONE:
                request = Request(scope | child)
                break
        try:
            role = reader(request)
        except KeyError:  # an address of no reader (the style sheet, say)
            role = None
        return refusal_page(request, why, role)

    def back(page_path: str, message: str = "", status: int = 303) -> Response:
        """Send the browser back to its page (post/redirect/get), with a note to show; a
        refusal's status in ``X-Refused``."""
        target = f"{page_path}?note={notes.add(message)}" if message else page_path
        answer = RedirectResponse(target, 303)
        if status != 303:
            answer.headers["X-Refused"] = str(status)
        return answer

    def facilitator_path(request: Request) -> str:
        return f"/facilitator/{request.path_params['token']}"

    def seat_path(request: Request) -> str:
        return f"/seat/{request.path_params['seat']}/{request.path_params['token']}"

    def facilitator_page(request: Request) -> Response:
        def view() -> dict[str, Any]:
            links = server.links()
            lang = server.language(FACILITATOR)
            return facilitator_view(server.exercise, server.show_doctrine, lang) | {
                "debrief": server.debrief,
                "links": {s: u for s, u in links.items() if s not in (FACILITATOR, PROJECTOR)},
                "projector_link": links[PROJECTOR],
                "observer_links": server.observer_links(),
                "show_doctrine": server.show_doctrine,
                "seats_may_arrange": server.seats_may_arrange,
                "said": said_view(server.exercise, server.session.said, lang=lang),
                "readers": [
                    (code, name, server.language(code))
                    for code, name in server.reader_names(translator(lang))
                ],
                "language_names": LANGUAGE_NAMES,
                "papers": PAPERS,
                "wait_for_seats": server.wait_for_seats,
            }

        note = notes.take(request.query_params.get("note"))
        return live_page("facilitator.j2", facilitator_path(request), "F", note, view, FACILITATOR)

    def seat_page(request: Request, *, observing: bool = False) -> Response:
        seat, token = request.path_params["seat"], request.path_params["token"]

        def view() -> dict[str, Any]:
            lang = server.language(who)
            shown = seat_view(
                server.exercise, seat, server.show_doctrine, server.seats_may_arrange, lang
            )
            said = (
                said_view(server.exercise, server.session.said, seat, lang) if observing else None
            )
            return shown | {"observer": observing, "said": said}

        who = observer(seat) if observing else seat
        base = f"/{'observe' if observing else 'seat'}/{seat}/{token}"
        note = notes.take(request.query_params.get("note"))
        return live_page("seat.j2", base, seat, note, view, who)

    def guard(request: Request) -> str | None:
        """The role the request's token opens (the facilitator, or a seat), or None."""
        role = request.path_params.get("seat", FACILITATOR)
        if "seat" in request.path_params and role not in server.session.seats:
            return None
        return role if server.allowed(role, request.path_params["token"]) else None

    def run(request: Request, page_path: str, command: Callable[[], bool], reader: str) -> Response:
        """Do a command and send the browser back to its page, saying why if refused (in
        the reader's language)."""
        t = translator(server.language(reader))
        try:
            done = command()
        except BadRequest as exc:  # no page of the exercise sends it: no page to go back to
            return refusal_page(request, exc, reader)
        except Refused as exc:
            return back(page_path, exc.said(t), exc.status)
        return back(page_path, "" if done else t(ALREADY_DONE))

    async def facilitator(request: Request) -> Response:
        if guard(request) != FACILITATOR:
            return refused(
                request, N_("This link is not valid: ask the facilitator for the right one."), 403
            )
        return facilitator_page(request)

    async def seat(request: Request) -> Response:
        if guard(request) is None:
            return refused(
                request,
                N_("This link is not valid: ask the facilitator for your seat's link."),
                403,
            )
        return seat_page(request)

    def observing(request: Request) -> bool:
        """Whether the request's token is the observers' of its seat."""
        seat = request.path_params["seat"]
        return seat in server.session.seats and server.allowed(
            observer(seat), request.path_params["token"]
        )

    async def observe(request: Request) -> Response:
        if not observing(request):
            return refused(
                request,
                N_("This link is not valid: ask the facilitator for the observers' link."),
                403,
            )
        return seat_page(request, observing=True)

    async def observer_note(request: Request) -> Response:
        """An observer's note on the seat, against a capability target."""
        seat = request.path_params["seat"]
        if no := forbidden(request, "note"):
            return no
        form = await request.form()
        page_path = f"/observe/{seat}/{request.path_params['token']}"

        def write() -> bool:
            given = _fields(form, "target", "text")
            entry = note(server.exercise, seat, given.get("target", ""), given.get("text"))
            return server.record(entry, _client(form))

        return run(request, page_path, write, observer(seat))

    async def hot_wash(request: Request) -> Response:
        if no := forbidden(request, "hotwash"):
            return no
        form = await request.form()

        def write() -> bool:
            given = _fields(form, "kind", "target", "raised_by", "text")
            entry = hotwash(
                server.exercise,
                given.get("kind", ""),
                given.get("target", ""),
                given.get("raised_by", ""),
                given.get("text"),
            )
            return server.record(entry, _client(form))

        return run(request, facilitator_path(request), write, FACILITATOR)

    async def observers_do_not_act(request: Request) -> Response:
        return refused(
            request, N_("Observers watch a seat: they do not decide or act."), 403, reader(request)
        )

    def reader(request: Request) -> str | None:
        """Who the request's token lets read the exercise: the facilitator, a seat, a
        seat's observers or the projector; None for a wrong token."""
        kind = request.url.path.split("/")[1]
        if kind == PROJECTOR:
            token = request.path_params["token"]
            return PROJECTOR if secrets.compare_digest(server.projector_token, token) else None
        if kind == "observe":
            return observer(request.path_params["seat"]) if observing(request) else None
        return guard(request)

    def forbidden(request: Request, right: str) -> Response | None:
        """A page saying why the request's role may give no command of a row of
        ``RIGHTS`` (``sim.decisions.commands``); None when it may."""
        role = reader(request)
        if role is None:
            return refused(request, INVALID_LINK[request.url.path.split("/")[1]], 403)
        why = may(role, right, server.session.seats)
        return None if why is None else refused(request, why.message, why.status, role)

    async def revision(request: Request) -> Response:
        role = reader(request)
        if role is None:
            return JSONResponse({"error": "not allowed"}, status_code=403)
        return JSONResponse({"revision": server.revision, "map": server.map_of(role).version})

    async def stream(request: Request) -> Response:
        """Server-sent events: the revision and the map's version, at once and at each
        change (a comment every 15 s keeps the connection open)."""
        role = reader(request)
        if role is None:
            return JSONResponse({"error": "not allowed"}, status_code=403)
        drawer = server.map_of(role)

        async def events() -> AsyncIterator[str]:
            sent = None
            while True:
                state = {"revision": server.revision, "map": drawer.version} | {
                    "behind": drawer.version > 0 and drawer.drawn_for != server.revision
                }
                if state != sent:
                    yield f"event: state\ndata: {json.dumps(state)}\n\n"
                    sent = state
                if not await server.changes.wait(15):
                    yield ": still here\n\n"

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(events(), media_type="text/event-stream", headers=headers)

    async def projector(request: Request) -> Response:
        if reader(request) != PROJECTOR:
            return refused(
                request, N_("This link is not valid: ask the facilitator for the projector's."), 403
            )
        return live_page(
            "projector.j2",
            request.url.path,
            PROJECTOR,
            "",
            lambda: projector_view(server.exercise, server.language(PROJECTOR)),
            PROJECTOR,
        )

    async def to_page(request: Request) -> Response:
        """A command's address opened (a reload, a bookmark): its page."""
        if "seat" in request.path_params:
            return RedirectResponse(seat_path(request), 303)
        return RedirectResponse(facilitator_path(request), 303)

    async def observe_page(request: Request) -> Response:
        """The note's address opened (a reload): the observers' page."""
        seat, token = request.path_params["seat"], request.path_params["token"]
        return RedirectResponse(f"/observe/{seat}/{token}", 303)

    async def clock(request: Request) -> Response:
        if no := forbidden(request, "advance"):
            return no
        form = await request.form()
        ex = server.exercise

        def _command(raw: dict[str, Any]) -> Command:
            return command_of(raw | _with_client(form))

        def advance(to: float) -> bool:
            wait = server.wait_for_seats
            return server.perform(_command({"do": "advance", "to": to, "wait_for_seats": wait}))

        def move() -> bool:
            given = _fields(form, "move", "at", "confirm")
            what = given.get("move")
            if what == "next":
                return server.perform(_command({"do": "next"}))
            if what in ("30", "60"):
                return advance(ex.now + float(str(what)))
            if what == "to":
                return advance(_time(ex, given.get("at", "")))
            if what == "end":
                if given.get("confirm") != "yes":
                    raise Refused(N_("confirm that the clock goes to the end of the exercise"))
                return advance(ex.horizon)
            raise Refused(N_("choose how to move the clock"))

        return run(request, facilitator_path(request), move, FACILITATOR)

    async def rewind(request: Request) -> Response:
        if no := forbidden(request, "rewind"):
            return no
        form = await request.form()

        def go_back() -> bool:
            given = _fields(form, "decision", "minutes", "at")
            if "decision" in given:
                point = given["decision"]
                if not point.isdigit() or len(point) > 9:
                    raise Refused(N_("choose a decision to go back to"))
                return server.rewind_to_decision(int(point), _client(form))
            if "minutes" in given:
                to = _number(given["minutes"])
            else:
                to = _time(server.exercise, given.get("at", ""))
            return server.rewind(to, _client(form))

        return run(request, facilitator_path(request), go_back, FACILITATOR)

    def facilitator_switch(setting: str, field: str) -> Callable[[Request], Awaitable[Response]]:
        """A facilitator's on/off setting (the form sends ``field=yes``)."""

        async def switch(request: Request) -> Response:
            if no := forbidden(request, setting):
                return no
            form = await request.form()

            def change() -> bool:
                value = _fields(form, field).get(field) == "yes"
                command = command_of({"do": "setting", "name": setting, "value": value})
                return server.record(command, _client(form))

            return run(request, facilitator_path(request), change, FACILITATOR)

        return switch

    doctrine = facilitator_switch("show_doctrine", "show")
    seats_arrange = facilitator_switch("seats_may_arrange", "allow")
    waiting = facilitator_switch("wait_for_seats", "wait")

    async def arrange(request: Request) -> Response:
        if no := forbidden(request, d.ARRANGE):
            return no
        form = await request.form()

        def switch_on() -> bool:
            given = _fields(form, "action", "arrangement") | {"action": d.ARRANGE}
            raw = {"do": "act", "seat": FACILITATOR, **given, **_with_client(form)}
            return server.perform(command_of(raw, form=True))

        return run(request, facilitator_path(request), switch_on, FACILITATOR)

    async def map_png(request: Request) -> Response:
        """The latest drawing of the map, at once (the current revision's is drawn in the
        background, and the pages told when it is there)."""
        role = reader(request)
        if role is None:
            return Response(status_code=403)
        drawer = server.map_of(role)
        drawer.wanted = True
        drawer.kick()
        if drawer.png is None:
            being_drawn = map_being_drawn(translator(server.language(role)))
            return Response(being_drawn, media_type="image/svg+xml")
        return Response(drawer.png, media_type="image/png")

    async def handout(request: Request) -> Response:
        """A printable handout: the situation manual with a seat's briefing, or with the
        MSEL (``?paper=a4`` or ``letter``)."""
        if guard(request) != FACILITATOR:
            return refused(request, N_("Only the facilitator prints the handouts."), 403)
        seat = request.path_params.get("for")
        if seat is not None and seat not in server.session.seats:
            why = Refused(N_("No seat %(seat)s in this exercise."), 404, seat=seat)
            return refusal_page(request, why, FACILITATOR)
        paper = request.query_params.get("paper", "a4")
        if paper not in PAPERS:
            return refused(
                request, N_("Print on A4 or Letter (paper=a4 or letter)."), 400, FACILITATOR
            )
        lang = server.language(seat or FACILITATOR)
        return page("handout.j2", handout_view(server.exercise, seat, lang) | {"paper": paper})

    async def events_csv(request: Request) -> Response:
        if guard(request) != FACILITATOR:
            return Response(status_code=403)
        from sim.report.tables import events_csv

        return Response(
            events_csv(server.exercise.sim.log),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="events.csv"'},
        )

    async def language(request: Request) -> Response:
        """A reader chooses a language: the facilitator anyone's (``reader`` in the form), a
        seat or a seat's observers their own."""
        if no := forbidden(request, "language"):
            return no
        role = reader(request)
        assert role is not None, "a wrong token is forbidden"
        form = await request.form()
        page_path = request.url.path.removesuffix("/language")

        def choose() -> bool:
            given = _fields(form, "lang", "reader")
            whose = given.get("reader", role) if role == FACILITATOR else role  # (its own)
            return server.set_language(whose, given.get("lang", ""), _client(form))

        return run(request, page_path, choose, role)

    async def seat_command(request: Request) -> Response:
        role = guard(request)
        if role is None or role == FACILITATOR:
            return refused(
                request,
                N_("This link is not valid: ask the facilitator for your seat's link."),
                403,
            )
        form = await request.form()
        do = request.url.path.rsplit("/", 1)[1]

        def command() -> bool:
            given = _fields(form, *SEAT_FIELDS[do]) | _with_client(form)
            sent = command_of({**given, "do": do, "seat": role}, form=True)
            arranging = server.seats_may_arrange
            why = refusal(role, sent, server.session.seats, seats_may_arrange=arranging)
            if why is not None and not server.done(sent.client):
                raise why
            return server.perform(sent)

        return run(request, seat_path(request), command, role)

    static = resources.files("sim.play").joinpath("static")
    commands = ("clock", "rewind", "doctrine", "arrange", "seats-arrange", "hotwash", "language")
    routes: list[Route | Mount] = [
        Route("/facilitator/{token}", facilitator),
        *(Route(f"/facilitator/{{token}}/{c}", to_page, methods=["GET"]) for c in commands),
        Route("/facilitator/{token}/clock", clock, methods=["POST"]),
        Route("/facilitator/{token}/rewind", rewind, methods=["POST"]),
        Route("/facilitator/{token}/doctrine", doctrine, methods=["POST"]),
        Route("/facilitator/{token}/arrange", arrange, methods=["POST"]),
        Route("/facilitator/{token}/seats-arrange", seats_arrange, methods=["POST"]),
        Route("/facilitator/{token}/hotwash", hot_wash, methods=["POST"]),
        Route("/facilitator/{token}/wait", waiting, methods=["POST"]),
        Route("/facilitator/{token}/language", language, methods=["POST"]),
        Route("/facilitator/{token}/events.csv", events_csv),
        Route("/facilitator/{token}/handout", handout),
        Route("/facilitator/{token}/handout/{for}", handout),
        Route("/seat/{seat}/{token}", seat),
        Route("/seat/{seat}/{token}/decide", seat_command, methods=["POST"]),
        Route("/seat/{seat}/{token}/act", seat_command, methods=["POST"]),
        Route("/seat/{seat}/{token}/message", seat_command, methods=["POST"]),
        Route("/seat/{seat}/{token}/message", to_page, methods=["GET"]),
        Route("/seat/{seat}/{token}/language", language, methods=["POST"]),
        Route("/seat/{seat}/{token}/language", to_page, methods=["GET"]),
        Route("/seat/{seat}/{token}/decide", to_page, methods=["GET"]),
        Route("/seat/{seat}/{token}/act", to_page, methods=["GET"]),
        Route("/observe/{seat}/{token}", observe),
        Route("/observe/{seat}/{token}/note", observer_note, methods=["POST"]),
        Route("/observe/{seat}/{token}/note", observe_page, methods=["GET"]),
        Route("/observe/{seat}/{token}/language", language, methods=["POST"]),
        Route("/observe/{seat}/{token}/language", observe_page, methods=["GET"]),
        Route("/projector/{token}", projector),
    ]
    for prefix in ("/facilitator/{token}", "/seat/{seat}/{token}", "/observe/{seat}/{token}"):
        routes += [Route(f"{prefix}/revision", revision), Route(f"{prefix}/events", stream)]
    routes += [
        Route("/projector/{token}/revision", revision),
        Route("/projector/{token}/events", stream),
        Route("/facilitator/{token}/map.png", map_png),
        Route("/projector/{token}/map.png", map_png),
        Route("/seat/{seat}/{token}/map.png", map_png),
        Route("/observe/{seat}/{token}/map.png", map_png),
        Route("/observe/{seat}/{token}/{anything:path}", observers_do_not_act, methods=["POST"]),
        Route("/observe/{seat}/{token}", observers_do_not_act, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(static)), name="static"),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        server.close()

    return Guarded(Starlette(routes=routes, lifespan=lifespan), server.url, unread)


def map_being_drawn(t: Translator) -> bytes:
    """What the map's address answers before its first drawing is done."""
    being_drawn = html.escape(t("The map is being drawn…"))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="1100" height="120" lang="{t.lang}">'
        '<text x="20" y="60" font-family="sans-serif" font-size="28" fill="#52606d">'
        f"{being_drawn}</text></svg>"
    ).encode()


SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        b"form-action 'self'; base-uri 'none'; object-src 'none'",
    ),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
]
"""Every answer: no page of the exercise in another site's frame, and no token leaked in
a Referer."""


TOO_LARGE = N_(
    "A command of the exercise is a few hundred bytes; this one is larger than %(most)s KiB"
    " and was not read."
)
"""What a request too large to read is answered (413)."""
ANOTHER_SITE = N_(
    "Commands come only from the exercise's own pages, at the address the server was given"
    " with --url (%(url)s). If the room reaches it at another address, restart borderdrill"
    " play with --url set to that address."
)
"""What a command from a page of another address is answered (403)."""


class Guarded:
    """The application behind two guards: every answer carries ``SECURITY_HEADERS`` and is
    not cached; a POST from a page of another origin (cross-site request forgery) is
    refused (403) before it reaches the application."""

    def __init__(
        self, app: Starlette, url: str, refuse: Callable[[Any, Refusal], Response]
    ) -> None:
        self.app, self.url, self.refuse = app, url, refuse
        """``refuse``: the page refusing a request, in its reader's language."""
        self.origins = {_origin(url)}
        port = url.rsplit(":", 1)[-1].split("/")[0]
        if port.isdigit():  # the machine itself, however it is named
            self.origins |= {f"http://127.0.0.1:{port}", f"http://localhost:{port}"}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "POST":
            body = await _body(receive, MAX_BODY)
            if body is None:
                why = Refusal(TOO_LARGE, 413, most=MAX_BODY // 1024)
                await self.refuse(scope, why)(scope, receive, self._secured(send))
                return
            receive = _replay(body, receive)
        if scope["method"] == "POST" and not self._same_origin(scope):
            why = Refusal(ANOTHER_SITE, 403, url=self.url)
            await self.refuse(scope, why)(scope, receive, self._secured(send))
            return
        await self.app(scope, receive, self._secured(send))

    def _same_origin(self, scope: Any) -> bool:
        headers = dict(scope["headers"])
        origin = headers.get(b"origin")
        if origin is None:
            referer = headers.get(b"referer")
            if referer is None:  # not a browser: nothing to forge
                return True
            return _origin(referer.decode("latin-1")) in self.origins
        return origin.decode("latin-1") in self.origins

    @staticmethod
    def _secured(send: Any) -> Any:
        async def secured(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += SECURITY_HEADERS
                if not any(k == b"cache-control" for k, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = message | {"headers": headers}
            await send(message)

        return secured


MAX_BODY = 64 * 1024
"""Bytes a request's body may hold (a form of the exercise holds at most a few KiB)."""


async def _body(receive: Any, most: int) -> bytes | None:
    """A request's whole body, or None when it is larger than ``most`` bytes (the rest is
    not read)."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(parts)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > most:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


def _replay(body: bytes, receive: Any) -> Any:
    """A ``receive`` that gives the body read already, then what comes after it."""
    given = False

    async def again() -> Any:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


def _origin(url: str) -> str:
    """``scheme://host[:port]`` of an address."""
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


SEAT_FIELDS = {
    "decide": ("point", "key", "choice", "reason"),
    "act": ("action", "incident", "unit", "nation", "place", "arrangement", "reason"),
    "message": ("to", "text"),
}
"""What a seat's forms send beside the command's id, by what they do (anything else is
refused)."""
MAX_FIELD = 4 * 1024
"""Characters a form's field may hold (a message or a reason is at most 1,000)."""


class BadRequest(Refused):
    """A request no page of the exercise sends (a field unknown, missing, given twice or
    not of its kind): answered 400 with what is wrong, at once."""

    malformed: Malformed | None = None
    """What is wrong as the commands' parser says it (it names the fields, their kinds and
    the values given, which are said as they are in every language)."""

    def detail(self, t: Translator) -> str:
        """What the parser found wrong, in a reader's language ("": nothing)."""
        return "" if self.malformed is None else self.malformed.said(t)


NOT_SENT_BY_A_PAGE = N_("No page of the exercise sends this, and nothing was done:")
"""What a request no page sends is answered first (400)."""


def command_of(raw: dict[str, Any], *, form: bool = False) -> Command:
    """The command a request gives (``form``: its numbers as texts, as a form sends them).

    Raises:
        BadRequest: a field unknown, missing or not of its kind (each named).
    """
    try:
        return parse(raw, recorded=False, form=form)
    except Malformed as exc:
        bad = BadRequest("")
        bad.malformed = exc
        raise bad from None


def _fields(form: Any, *allowed: str) -> dict[str, str]:
    """A form's fields, each a text once (the command's id, ``client``, apart).

    Raises:
        BadRequest: a field the form does not have, a file, or a field given twice or
            too long.
    """
    out: dict[str, str] = {}
    for key, value in form.multi_items():
        if key == "client":
            continue
        if key not in allowed:
            shown = key if len(key) <= 40 else f"{key[:37]}..."
            raise BadRequest(
                N_("'%(field)s' is not a field of this form: leave it out"), field=shown
            )
        if not isinstance(value, str) or key in out or len(value) > MAX_FIELD:
            raise BadRequest(
                N_("'%(field)s' must be one text of at most %(most)s characters"),
                field=key,
                most=f"{MAX_FIELD:,}",
            )
        out[key] = value
    return out


def _client(form: Any) -> str | None:
    """The id the page gave its command (None: none given).

    Raises:
        BadRequest: not a short id.
    """
    values = form.getlist("client")
    if not values:
        return None
    value = values[0]
    if len(values) > 1 or not isinstance(value, str) or not CLIENT.fullmatch(value):
        raise BadRequest(N_("'client' must be a short id of letters, digits, - and _"))
    return value


def _with_client(form: Any) -> dict[str, str]:
    client = _client(form)
    return {} if client is None else {"client": client}


NOT_MINUTES = N_("%(text)r is not a time in minutes")


def _number(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise Refused(NOT_MINUTES, text=text[:40]) from None
    if not math.isfinite(number):
        raise Refused(NOT_MINUTES, text=text[:40])
    return number


def _time(ex: Exercise, text: str) -> float:
    try:
        return Clock(ex.scenario.scenario.start).minutes(text)
    except ValueError:
        raise Refused(
            N_("%(text)r is not a date and time (e.g. 2018-07-24T02:00)"), text=text
        ) from None


def serve(server: PlayServer, host: str, port: int) -> None:
    """Serve the exercise until interrupted."""
    import uvicorn

    uvicorn.run(
        create_app(server),
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=1,  # the pages' event streams do not end by themselves
    )
