// A family document being made in another format: ask how far it has gone every few
// seconds, say it in the status line, and show the finished file when it is done (the
// page's "Check again" link does the same by hand).
const box = document.querySelector("[data-poll-url]");

if (box) {
  const bar = document.getElementById("format-progress");
  const text = document.getElementById("format-progress-text");
  const check = async () => {
    try {
      const answer = await fetch(box.dataset.pollUrl, { headers: { Accept: "application/json" } });
      if (!answer.ok) return;
      const progress = await answer.json();
      if (progress.finished) {
        window.location.reload();
        return;
      }
      bar.value = progress.percent;
      bar.textContent = `${progress.percent}%`;
      const words = progress.state === "queued"
        ? "Waiting for the worker to start it."
        : `${progress.percent}% made.`;
      if (text.textContent !== words) text.textContent = words;  // announced only when new
    } catch {
      // The network is down for a moment: try again at the next tick.
    }
  };
  window.setInterval(check, 3000);
}
