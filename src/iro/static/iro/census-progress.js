// The census import and return pages: ask how far the work has gone every few seconds,
// say it in the status line, and show the finished page when it is done (the page's
// "Check again" link does the same by hand). An answer with ``words`` says them as they
// are (a return has no bar); an import's answer gives the bytes and children read.
const box = document.querySelector("[data-poll-url]");

if (box) {
  const bar = document.getElementById("import-progress");
  const text = document.getElementById("import-progress-text") ?? document.getElementById("return-progress-text");
  const check = async () => {
    try {
      const answer = await fetch(box.dataset.pollUrl, { headers: { Accept: "application/json" } });
      if (!answer.ok) return;
      const progress = await answer.json();
      if (progress.finished) {
        window.location.reload();
        return;
      }
      if (bar) {
        bar.value = progress.percent;
        bar.textContent = `${progress.percent}%`;
      }
      const words = progress.words ?? (progress.state === "queued"
        ? "Waiting for the worker to start it."
        : `${progress.percent}% of the file read: ${progress.children_read} children so far.`);
      if (text.textContent !== words) text.textContent = words;  // announced only when new
    } catch {
      // The network is down for a moment: try again at the next tick.
    }
  };
  window.setInterval(check, 3000);
}
