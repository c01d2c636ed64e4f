// Keep the page alive: the server pushes each change of the exercise (server-sent
// events); the page then fetches itself again and swaps its content in place, unless
// someone is typing or choosing (then as soon as they are done). The map is swapped when
// a new drawing is there. While the connection is lost the page says so, and the browser
// reconnects by itself. What someone has typed and not yet sent is kept across swaps.
(function () {
  const body = document.body;
  const banner = document.getElementById("connection");
  let shown = body.dataset.revision;
  let wanted = shown;
  let mapVersion = null;
  let mapBehind = null;
  let fetching = false;

  function busy() {
    const active = document.activeElement;
    return active && ["INPUT", "SELECT", "TEXTAREA"].includes(active.tagName);
  }

  async function refresh() {
    if (fetching || wanted === shown) return;
    if (busy()) { document.addEventListener("focusout", refresh, { once: true }); return; }
    fetching = true;
    try {
      const answer = await fetch(body.dataset.page, { cache: "no-store" });
      if (!answer.ok) throw new Error(String(answer.status));
      const page = new DOMParser().parseFromString(await answer.text(), "text/html");
      const open = [...document.querySelectorAll("details[open]")].map((d) => d.id).filter(Boolean);
      const typed = [...document.querySelectorAll("#live textarea[id], #live input[id]:not([type=hidden])")]
        .filter((f) => f.value && f.type !== "datetime-local").map((f) => [f.id, f.value]);
      for (const id of ["live"]) {
        const now = document.getElementById(id), next = page.getElementById(id);
        if (now && next) now.replaceWith(next);
      }
      document.querySelector("header").replaceWith(page.querySelector("header"));
      for (const id of open) { const d = document.getElementById(id); if (d) d.open = true; }
      for (const [id, value] of typed) { const f = document.getElementById(id); if (f) f.value = value; }
      shown = page.body.dataset.revision;
      body.dataset.revision = shown;
      if (window.location.search) history.replaceState(null, "", body.dataset.page);
      showMap();
      fade();
    } catch (e) {
      banner.hidden = false;
    } finally {
      fetching = false;
    }
    if (wanted !== shown) refresh();
  }

  function showMap() {
    const img = document.getElementById("map");
    if (img && mapVersion !== null && !img.src.endsWith("m=" + mapVersion)) {
      img.src = img.dataset.map + "?m=" + mapVersion;
    }
    const behind = document.getElementById("map-behind");  // the map shows an earlier time
    if (behind && mapBehind !== null) behind.hidden = !mapBehind;
  }

  function fade() {  // the projector: a section with more below than it shows fades out
    for (const s of document.querySelectorAll(".projector-grid > section")) {
      s.classList.toggle("more", s.scrollTop + s.clientHeight < s.scrollHeight - 1);
    }
  }
  fade();
  window.addEventListener("resize", fade);
  document.addEventListener("scroll", fade, true);

  const events = new EventSource(body.dataset.events);
  events.addEventListener("state", (e) => {
    const state = JSON.parse(e.data);
    banner.hidden = true;
    wanted = String(state.revision);
    mapVersion = state.map;
    mapBehind = state.behind;
    showMap();
    refresh();
  });
  events.addEventListener("open", () => { banner.hidden = true; });
  events.addEventListener("error", () => { banner.hidden = false; });
})();
