"""The exercise's web application: the facilitator's page, one page a seat, and a
read-only copy of each seat's page for evaluators and observers.

Every page is rendered on the server (Jinja2, autoescaped); a little script reloads it
when the exercise moves on. Each role's address carries its own unguessable token; a
request with a wrong token is refused (403), a seat acts only as itself, and an observer's
token opens its seat's page without any form and is refused every command. Every command
is checked by the exercise before it is written to the session file and applied, so a
refused one changes nothing.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import Any

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from sim.model import decisions as d
from sim.play.exercise import FACILITATOR, Command, Exercise, Refused, branch
from sim.play.session import Session, SessionWriteError, observer, rebuild
from sim.play.views import Clock, facilitator_view, seat_view
from sim.scenario.schema import Scenario


class PlayServer:
    """One exercise in play: its state, its session file, its seats' tokens."""

    def __init__(self, scenario: Scenario, session: Session, scenario_file: str = "") -> None:
        self.scenario = scenario
        self.session = session
        self.debrief = (
            f"borderdrill run {scenario_file or 'SCENARIO'} --decisions {session.path} -n 200"
        )
        """The command that measures the players' decisions afterwards."""
        self.exercise = rebuild(scenario, session)
        self.tokens = session.tokens
        self.revision = 0
        self._map: tuple[int, bytes] | None = None

    @property
    def show_doctrine(self) -> bool:
        """Whether the seats see what doctrine would choose."""
        return self.session.settings["show_doctrine"]

    @property
    def seats_may_arrange(self) -> bool:
        """Whether the seats may switch arrangements on themselves (the facilitator always
        may)."""
        return self.session.settings["seats_may_arrange"]

    def links(self, base: str) -> dict[str, str]:
        """The facilitator's address and each seat's join link."""
        out = {FACILITATOR: f"{base}/facilitator/{self.tokens[FACILITATOR]}"}
        for seat in self.session.seats:
            out[seat] = f"{base}/seat/{seat}/{self.tokens[seat]}"
        return out

    def observer_links(self, base: str) -> dict[str, str]:
        """Each seat's read-only link for evaluators and observers (for sessions that have
        observer tokens: those started by this version)."""
        return {
            seat: f"{base}/observe/{seat}/{self.tokens[observer(seat)]}"
            for seat in self.session.seats
            if observer(seat) in self.tokens
        }

    def allowed(self, role: str, token: str) -> bool:
        expected = self.tokens.get(role)
        return expected is not None and secrets.compare_digest(expected, token)

    def done(self, command: Command) -> bool:
        """Whether this command (by its client id) was done already: sent twice."""
        client = command.get("client")
        return isinstance(client, str) and client in self.session.clients

    def perform(self, command: Command) -> bool:
        """Apply a command and write it down (nothing is written if it is refused); False
        when it was done already (the same client id), and nothing is done again.

        Raises:
            Refused: the exercise refuses it, or the session file could not be written
                (then the exercise is as it was before it).
        """
        if self.done(command):
            return False
        taken_before = len(self.exercise.taken)
        recorded = self.exercise.perform(command)
        lapsed = [
            {
                "do": "lapsed",
                "at": t.at,
                "seat": t.seat,
                "kind": t.kind,
                "decider": t.decider,
                "subject": t.subject,
                "choice": t.proposal,
            }
            for t in self.exercise.taken[taken_before:]
            if not t.by_players  # written down for the record; a replay derives them
        ]
        self._write(recorded, *lapsed)
        return True

    def set(self, name: str, value: bool, client: str | None = None) -> bool:
        """Change one of the facilitator's settings (``SETTINGS``), written down; False when
        done already."""
        entry: Command = {"do": "setting", "name": name, "value": value}
        entry["at"] = round(self.exercise.now, 6)
        if client is not None:
            entry["client"] = client
        if self.done(entry):
            return False
        self._write(entry)
        return True

    def rewind(self, to: float, client: str | None = None) -> bool:
        """Go back to an earlier time: rebuild the run from the commands issued before it;
        False when done already."""
        entry: Command = {"do": "rewind", "to": to, "at": self.exercise.now}
        if client is not None:
            entry["client"] = client
        if self.done(entry):
            return False
        if not 0 <= to < self.exercise.now:
            raise Refused("rewind to a time between the start and now")
        exercise = Exercise(
            self.scenario, self.session.seed, self.session.seats, branch(self.session.commands, to)
        )
        self._write(entry)
        self.exercise = exercise
        return True

    def _write(self, *entries: Command) -> None:
        try:
            self.session.append(*entries)
        except SessionWriteError as exc:
            self.exercise = self._rebuilt()  # undo what was applied
            raise Refused(
                f"the session file could not be written ({exc}): nothing was done. Tell the"
                " facilitator: free space on the disk, then try again",
                507,
            ) from None
        self.revision += 1

    def _rebuilt(self) -> Exercise:
        return Exercise(self.scenario, self.session.seed, self.session.seats, self.session.commands)

    def map_png(self) -> bytes:
        """The map of the run so far (drawn once a revision)."""
        if self._map is None or self._map[0] != self.revision:
            from sim.analysis.incidents import incident_rows
            from sim.report.map_data import run_map_data
            from sim.report.maps import run_map

            run = self.exercise.sim.log
            data = run_map_data(self.scenario, run, incident_rows(run))
            now = Clock(self.scenario.scenario.start)(self.exercise.now)
            data.title = f"{self.scenario.scenario.name}: {now}"
            self._map = (self.revision, run_map(data).png)
        return self._map[1]


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sim.play", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["client_id"] = lambda: secrets.token_urlsafe(12)
    return env


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


ALREADY_DONE = "This was sent twice: it was done once."
"""What a command sent again (the same client id) is answered."""


def create_app(server: PlayServer) -> Starlette:
    """The Starlette application serving one exercise."""
    templates = _templates()
    notes = Notes()

    def page(name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(**context), status_code=status)

    def refused(message: str, status: int) -> HTMLResponse:
        return page("refused.j2", {"message": message}, status)

    def back(request: Request, page_path: str, message: str = "", status: int = 303) -> Response:
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
        token = request.path_params["token"]
        view = facilitator_view(server.exercise, server.show_doctrine)
        links = server.links(str(request.base_url).rstrip("/"))
        return page(
            "facilitator.j2",
            view
            | {
                "base": f"/facilitator/{token}",
                "debrief": server.debrief,
                "revision": server.revision,
                "message": notes.take(request.query_params.get("note")),
                "links": {s: u for s, u in links.items() if s != FACILITATOR},
                "observer_links": server.observer_links(str(request.base_url).rstrip("/")),
                "show_doctrine": server.show_doctrine,
                "seats_may_arrange": server.seats_may_arrange,
            },
        )

    def seat_page(request: Request, *, observing: bool = False) -> Response:
        seat, token = request.path_params["seat"], request.path_params["token"]
        view = seat_view(server.exercise, seat, server.show_doctrine, server.seats_may_arrange)
        return page(
            "seat.j2",
            view
            | {
                "base": f"/{'observe' if observing else 'seat'}/{seat}/{token}",
                "revision": server.revision,
                "message": notes.take(request.query_params.get("note")),
                "observer": observing,
            },
        )

    def guard(request: Request) -> str | None:
        """The role the request's token opens (the facilitator, or a seat), or None."""
        role = request.path_params.get("seat", FACILITATOR)
        if "seat" in request.path_params and role not in server.session.seats:
            return None
        return role if server.allowed(role, request.path_params["token"]) else None

    def run(request: Request, page_path: str, command: Callable[[], bool]) -> Response:
        """Do a command and send the browser back to its page, saying why if refused."""
        try:
            done = command()
        except Refused as exc:
            return back(request, page_path, str(exc), exc.status)
        return back(request, page_path, "" if done else ALREADY_DONE)

    async def facilitator(request: Request) -> Response:
        if guard(request) != FACILITATOR:
            return refused("This link is not valid: ask the facilitator for the right one.", 403)
        return facilitator_page(request)

    async def seat(request: Request) -> Response:
        if guard(request) is None:
            return refused("This link is not valid: ask the facilitator for your seat's link.", 403)
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
                "This link is not valid: ask the facilitator for the observers' link.", 403
            )
        return seat_page(request, observing=True)

    async def observe_revision(request: Request) -> Response:
        if not observing(request):
            return JSONResponse({"error": "not allowed"}, status_code=403)
        return JSONResponse({"revision": server.revision})

    async def observers_do_not_act(request: Request) -> Response:
        return refused("Observers watch a seat: they do not decide or act.", 403)

    async def revision(request: Request) -> Response:
        if guard(request) is None:
            return JSONResponse({"error": "not allowed"}, status_code=403)
        return JSONResponse({"revision": server.revision})

    async def to_page(request: Request) -> Response:
        """A command's address opened (a reload, a bookmark): its page."""
        if "seat" in request.path_params:
            return RedirectResponse(seat_path(request), 303)
        return RedirectResponse(facilitator_path(request), 303)

    async def clock(request: Request) -> Response:
        if guard(request) != FACILITATOR:
            return refused("Only the facilitator moves the clock.", 403)
        form = await request.form()
        ex = server.exercise
        client = _client(form)

        def move() -> bool:
            what = form.get("move")
            if what == "next":
                return server.perform({"do": "next", "client": client})
            if what in ("30", "60"):
                return server.perform(
                    {"do": "advance", "to": ex.now + float(str(what)), "client": client}
                )
            if what == "to":
                to = _time(ex, str(form.get("at", "")))
                return server.perform({"do": "advance", "to": to, "client": client})
            if what == "end":
                if form.get("confirm") != "yes":
                    raise Refused("confirm that the clock goes to the end of the exercise")
                return server.perform({"do": "advance", "to": ex.horizon, "client": client})
            raise Refused("choose how to move the clock")

        return run(request, facilitator_path(request), move)

    async def rewind(request: Request) -> Response:
        if guard(request) != FACILITATOR:
            return refused("Only the facilitator rewinds.", 403)
        form = await request.form()

        def go_back() -> bool:
            if "minutes" in form:
                to = _number(str(form["minutes"]))
            else:
                to = _time(server.exercise, str(form.get("at", "")))
            return server.rewind(to, _client(form))

        return run(request, facilitator_path(request), go_back)

    def facilitator_switch(
        setting: str, field: str, refusal: str
    ) -> Callable[[Request], Awaitable[Response]]:
        """A facilitator's on/off setting (the form sends ``field=yes``)."""

        async def switch(request: Request) -> Response:
            if guard(request) != FACILITATOR:
                return refused(refusal, 403)
            form = await request.form()
            value = form.get(field) == "yes"
            return run(
                request,
                facilitator_path(request),
                lambda: server.set(setting, value, _client(form)),
            )

        return switch

    doctrine = facilitator_switch(
        "show_doctrine", "show", "Only the facilitator shows or hides doctrine."
    )
    seats_arrange = facilitator_switch(
        "seats_may_arrange", "allow", "Only the facilitator lets the seats switch arrangements on."
    )

    async def arrange(request: Request) -> Response:
        if guard(request) != FACILITATOR:
            return refused("This link is not valid: ask the facilitator for the right one.", 403)
        form = await request.form()
        command: Command = {"do": "act", "seat": FACILITATOR, "action": d.ARRANGE}
        command |= {"arrangement": form.get("arrangement"), "client": _client(form)}
        return run(request, facilitator_path(request), lambda: server.perform(command))

    async def map_png(request: Request) -> Response:
        if guard(request) != FACILITATOR:
            return Response(status_code=403)
        return Response(server.map_png(), media_type="image/png")

    async def events_csv(request: Request) -> Response:
        if guard(request) != FACILITATOR:
            return Response(status_code=403)
        from sim.report.tables import events_csv

        return Response(
            events_csv(server.exercise.sim.log),
            media_type="text/csv",
            headers={"Content-Disposition": 'attachment; filename="events.csv"'},
        )

    async def seat_command(request: Request) -> Response:
        role = guard(request)
        if role is None or role == FACILITATOR:
            return refused("This link is not valid: ask the facilitator for your seat's link.", 403)
        form = await request.form()
        fields: dict[str, Any] = {k: str(v) for k, v in form.items()}
        fields["seat"] = role
        fields["do"] = "decide" if request.url.path.endswith("/decide") else "act"

        def command() -> bool:
            arranging = fields["do"] == "act" and fields.get("action") == d.ARRANGE
            if arranging and not server.seats_may_arrange and not server.done(fields):
                raise Refused(
                    "The facilitator has not allowed the seats to switch arrangements on.", 403
                )
            return server.perform(fields)

        return run(request, seat_path(request), command)

    static = resources.files("sim.play").joinpath("static")
    commands = ("clock", "rewind", "doctrine", "arrange", "seats-arrange")
    routes = [
        Route("/facilitator/{token}", facilitator),
        Route("/facilitator/{token}/revision", revision),
        *(Route(f"/facilitator/{{token}}/{c}", to_page, methods=["GET"]) for c in commands),
        Route("/facilitator/{token}/clock", clock, methods=["POST"]),
        Route("/facilitator/{token}/rewind", rewind, methods=["POST"]),
        Route("/facilitator/{token}/doctrine", doctrine, methods=["POST"]),
        Route("/facilitator/{token}/arrange", arrange, methods=["POST"]),
        Route("/facilitator/{token}/seats-arrange", seats_arrange, methods=["POST"]),
        Route("/facilitator/{token}/map.png", map_png),
        Route("/facilitator/{token}/events.csv", events_csv),
        Route("/seat/{seat}/{token}", seat),
        Route("/seat/{seat}/{token}/revision", revision),
        Route("/seat/{seat}/{token}/decide", seat_command, methods=["POST"]),
        Route("/seat/{seat}/{token}/act", seat_command, methods=["POST"]),
        Route("/seat/{seat}/{token}/decide", to_page, methods=["GET"]),
        Route("/seat/{seat}/{token}/act", to_page, methods=["GET"]),
        Route("/observe/{seat}/{token}", observe),
        Route("/observe/{seat}/{token}/revision", observe_revision),
        Route("/observe/{seat}/{token}/{anything:path}", observers_do_not_act, methods=["POST"]),
        Route("/observe/{seat}/{token}", observers_do_not_act, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(static)), name="static"),
    ]
    return Starlette(routes=routes)


def _client(form: Any) -> str | None:
    value = form.get("client")
    return str(value) if value is not None else None


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise Refused(f"{text!r} is not a time in minutes") from None


def _time(ex: Exercise, text: str) -> float:
    try:
        return Clock(ex.scenario.scenario.start).minutes(text)
    except ValueError:
        raise Refused(f"{text!r} is not a date and time (e.g. 2018-07-24T02:00)") from None


def serve(server: PlayServer, host: str, port: int) -> None:
    """Serve the exercise until interrupted."""
    import uvicorn

    uvicorn.run(create_app(server), host=host, port=port, log_level="warning")
