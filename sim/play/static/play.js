// Draw the map once the page is there (it takes the server a moment).
window.addEventListener("load", function () {
  for (const img of document.querySelectorAll("img[data-src]")) img.src = img.dataset.src;
});

// Reload the page when the exercise has moved on (unless someone is typing or choosing).
(function () {
  const body = document.body;
  const url = body.dataset.poll;
  if (!url) return;
  async function check() {
    try {
      const answer = await fetch(url, { cache: "no-store" });
      if (answer.ok) {
        const data = await answer.json();
        const busy = document.activeElement && ["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName);
        if (String(data.revision) !== body.dataset.revision && !busy) {
          window.location.replace(window.location.pathname);
          return;
        }
      }
    } catch (e) { /* the server is restarting: try again */ }
    setTimeout(check, 1500);
  }
  setTimeout(check, 1500);
})();
