// A report the worker is working out: ask every few seconds whether it is ready, and
// open it when it is (the page's "Look again" link does the same by hand).
const box = document.querySelector("[data-poll-url]");

if (box) {
  const status = document.getElementById("report-preparing-status");
  const place = document.getElementById("report-place");
  let asked = 0;
  const check = async () => {
    asked += 1;
    try {
      const answer = await fetch(box.dataset.pollUrl, { headers: { Accept: "application/json" } });
      if (!answer.ok) return;
      const progress = await answer.json();
      if (progress.ready) {
        status.textContent = "Ready: opening the report.";
        window.location.assign(box.dataset.reportUrl);
      } else if (progress.place) {
        place.textContent = progress.place;  // not announced: read when wanted
      }
      if (!progress.ready && asked === 10) {
        status.textContent = "Still being worked out.";  // announced once, not every tick
      }
    } catch {
      // The network is down for a moment: try again at the next tick.
    }
  };
  window.setInterval(check, 3000);
}
