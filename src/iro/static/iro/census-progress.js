// The census import page: ask how far the import has gone every few seconds, say it in
// the status line, and show the finished import when it is done (the page's "Check
// again" link does the same by hand).
const box = document.querySelector("[data-poll-url]");

if (box) {
  const bar = document.getElementById("import-progress");
  const text = document.getElementById("import-progress-text");
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
        : `${progress.percent}% of the file read: ${progress.children_read} children so far.`;
      if (text.textContent !== words) text.textContent = words;  // announced only when new
    } catch {
      // The network is down for a moment: try again at the next tick.
    }
  };
  window.setInterval(check, 3000);
}
