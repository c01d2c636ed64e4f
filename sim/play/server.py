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
from sim.play.exercise import FACILITATOR, Command, Exercise, Refused
from sim.play.session import Session, observer
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
        self.exercise = Exercise(scenario, session.seed, session.seats, session.commands)
        self.tokens = session.tokens
        self.show_doctrine = True
        self.seats_may_arrange = True
        """Whether the seats may switch arrangements on themselves (the facilitator always may)."""
        self.revision = 0
        self._map: tuple[int, bytes] | None = None

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

    def perform(self, command: Command) -> None:
        """Apply a command and write it down (nothing is written if it is refused)."""
        taken_before = len(self.exercise.taken)
        recorded = self.exercise.perform(command)
        self.session.append(recorded)
        for t in self.exercise.taken[taken_before:]:
            if not t.by_players:  # written down for the record; a replay derives them
                self.session.append(
                    {
                        "do": "lapsed",
                        "at": t.at,
                        "seat": t.seat,
                        "kind": t.kind,
                        "decider": t.decider,
                        "subject": t.subject,
                        "choice": t.proposal,
                    }
                )
        self.revision += 1

    def rewind(self, to: float) -> None:
        """Go back to an earlier time: rebuild the run from the commands issued before it."""
        if not 0 <= to < self.exercise.now:
            raise Refused("rewind to a time between the start and now")
        self.session.append({"do": "rewind", "to": to, "at": self.exercise.now})
        self.exercise = Exercise(
            self.scenario, self.session.seed, self.session.seats, self.session.commands
        )
        self.revision += 1

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
    return jinja2.Environment(
        loader=jinja2.PackageLoader("sim.play", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )


def create_app(server: PlayServer) -> Starlette:
    """The Starlette application serving one exercise."""
    templates = _templates()

    def page(name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(**context), status_code=status)

    def refused(message: str, status: int) -> HTMLResponse:
        return page("refused.j2", {"message": message}, status)

    def facilitator_page(request: Request, message: str = "", status: int = 200) -> Response:
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
                "message": message,
                "links": {s: u for s, u in links.items() if s != FACILITATOR},
                "observer_links": server.observer_links(str(request.base_url).rstrip("/")),
                "show_doctrine": server.show_doctrine,
                "seats_may_arrange": server.seats_may_arrange,
            },
            status,
        )

    def seat_page(
        request: Request, message: str = "", status: int = 200, *, observing: bool = False
    ) -> Response:
        seat, token = request.path_params["seat"], request.path_params["token"]
        view = seat_view(server.exercise, seat, server.show_doctrine, server.seats_may_arrange)
        return page(
            "seat.j2",
            view
            | {
                "base": f"/{'observe' if observing else 'seat'}/{seat}/{token}",
                "revision": server.revision,
                "message": message,
                "observer": observing,
            },
            status,
        )

    def guard(request: Request) -> str | None:
        """The role the request's token opens (the facilitator, or a seat), or None."""
        role = request.path_params.get("seat", FACILITATOR)
        if "seat" in request.path_params and role not in server.session.seats:
            return None
        return role if server.allowed(role, request.path_params["token"]) else None

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

    async def clock(request: Request) -> Response:
        if guard(request) != FACILITATOR:
            return refused("Only the facilitator moves the clock.", 403)
        form = await request.form()
        ex = server.exercise
        try:
            move = form.get("move")
            if move == "next":
                server.perform({"do": "next"})
            elif move in ("30", "60"):
                server.perform({"do": "advance", "to": ex.now + float(str(move))})
            elif move == "to":
                server.perform({"do": "advance", "to": _time(ex, str(form.get("at", "")))})
            elif move == "end":
                server.perform({"do": "advance", "to": ex.horizon})
            else:
                raise Refused("choose how to move the clock")
        except Refused as exc:
            return facilitator_page(request, str(exc), exc.status)
        return RedirectResponse(f"/facilitator/{request.path_params['token']}", 303)

    async def rewind(request: Request) -> Response:
        if guard(request) != FACILITATOR:
            return refused("Only the facilitator rewinds.", 403)
        form = await request.form()
        try:
            if "minutes" in form:
                to = float(str(form["minutes"]))
            else:
                to = _time(server.exercise, str(form.get("at", "")))
            server.rewind(to)
        except (Refused, ValueError) as exc:
            status = exc.status if isinstance(exc, Refused) else 400
            return facilitator_page(request, str(exc), status)
        return RedirectResponse(f"/facilitator/{request.path_params['token']}", 303)

    def facilitator_switch(
        attribute: str, field: str, refusal: str
    ) -> Callable[[Request], Awaitable[Response]]:
        """A facilitator's on/off setting of the server (the form sends ``field=yes``)."""

        async def switch(request: Request) -> Response:
            if guard(request) != FACILITATOR:
                return refused(refusal, 403)
            form = await request.form()
            setattr(server, attribute, form.get(field) == "yes")
            server.revision += 1
            return RedirectResponse(f"/facilitator/{request.path_params['token']}", 303)

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
        try:
            server.perform(
                {
                    "do": "act",
                    "seat": FACILITATOR,
                    "action": d.ARRANGE,
                    "arrangement": form.get("arrangement"),
                }
            )
        except Refused as exc:
            return facilitator_page(request, str(exc), exc.status)
        return RedirectResponse(f"/facilitator/{request.path_params['token']}", 303)

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
        arranging = fields["do"] == "act" and fields.get("action") == d.ARRANGE
        if arranging and not server.seats_may_arrange:
            message = "The facilitator has not allowed the seats to switch arrangements on."
            return seat_page(request, message, 403)
        try:
            server.perform(fields)
        except Refused as exc:
            return seat_page(request, str(exc), exc.status)
        return RedirectResponse(f"/seat/{role}/{request.path_params['token']}", 303)

    static = resources.files("sim.play").joinpath("static")
    routes = [
        Route("/facilitator/{token}", facilitator),
        Route("/facilitator/{token}/revision", revision),
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
        Route("/observe/{seat}/{token}", observe),
        Route("/observe/{seat}/{token}/revision", observe_revision),
        Route("/observe/{seat}/{token}", observers_do_not_act, methods=["POST"]),
        Route("/observe/{seat}/{token}/{rest:path}", observers_do_not_act, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(static)), name="static"),
    ]
    return Starlette(routes=routes)


def _time(ex: Exercise, text: str) -> float:
    try:
        return Clock(ex.scenario.scenario.start).minutes(text)
    except ValueError:
        raise Refused(f"{text!r} is not a date and time (e.g. 2018-07-24T02:00)") from None


def serve(server: PlayServer, host: str, port: int) -> None:
    """Serve the exercise until interrupted."""
    import uvicorn

    uvicorn.run(create_app(server), host=host, port=port, log_level="warning")
