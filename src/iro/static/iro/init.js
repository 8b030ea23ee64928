// Start every GOV.UK Frontend component on the page (menu toggle, error summary focus,
// password reveal, skip link).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();

// The signed-in session ends at a known time (iro.access.session_time): five minutes
// before, a banner says when and offers to stay signed in; at the end it says so, and
// what was typed stays on the page to copy (WCAG 2.2.1, Timing Adjustable).
const WARN_MS = 5 * 60 * 1000;

function sessionClock(box) {
  const announce = document.getElementById("session-announce");
  const soon = box.querySelector("[data-soon]");
  const ended = box.querySelector("[data-ended]");
  const stay = box.querySelector("[data-stay]");
  let endsAt = Date.now() + Number(box.dataset.secondsLeft) * 1000;
  let timer;

  const clock = (t) =>
    new Date(t).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });

  function show() {
    box.hidden = false;
    const room = `${box.offsetHeight}px`;
    document.body.style.paddingBottom = room;
    document.documentElement.style.scrollPaddingBottom = room; // focus is not hidden under it
  }

  function hide() {
    box.hidden = true;
    document.body.style.paddingBottom = "";
    document.documentElement.style.scrollPaddingBottom = "";
  }

  function warn() {
    box.querySelector("[data-at]").textContent = clock(endsAt);
    soon.hidden = false;
    ended.hidden = true;
    stay.hidden = false;
    const wasHidden = box.hidden;
    show();
    if (wasHidden) announce.textContent = soon.textContent;
  }

  function signedOut() {
    soon.hidden = true;
    stay.hidden = true;
    ended.hidden = false;
    show();
    announce.textContent = ended.textContent;
  }

  async function ask(method) {
    const response = await fetch(box.dataset.url, {
      method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": box.dataset.csrf },
    });
    if (!response.ok) return 0;
    return (await response.json()).seconds_left;
  }

  function schedule() {
    clearTimeout(timer);
    const now = Date.now();
    if (endsAt <= now) {
      signedOut();
    } else if (endsAt - now <= WARN_MS) {
      warn();
      timer = setTimeout(check, endsAt - now + 1000);
    } else {
      hide();
      timer = setTimeout(check, Math.min(endsAt - now - WARN_MS, 2 ** 31 - 1));
    }
  }

  // Another tab may have stayed signed in meanwhile: ask before warning.
  async function check() {
    try {
      endsAt = Date.now() + (await ask("GET")) * 1000;
    } catch {
      // Not answered (the network): go by the time already known.
    }
    schedule();
  }

  stay.addEventListener("click", async () => {
    try {
      endsAt = Date.now() + (await ask("POST")) * 1000;
    } catch {
      return;
    }
    schedule();
    if (endsAt > Date.now()) announce.textContent = "You are still signed in.";
  });

  schedule();
}

const sessionWarning = document.getElementById("session-warning");
if (sessionWarning) sessionClock(sessionWarning);
