// Live plain-language check for textareas marked data-plain-language="<result id>".
// Progressive enhancement: without JavaScript the form still saves, and its
// "Check the wording" button asks the server for the same check.
(function () {
  "use strict";
  var DELAY_MS = 700;

  function csrfToken(form) {
    var input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function render(target, result) {
    target.textContent = "";
    if (!result) return;
    var box = el("div", "iro-plain-language__result iro-plain-language__result--" + result.level);
    var summary = el("p", "govuk-body-s govuk-!-margin-bottom-1");
    summary.appendChild(el("strong", "", result.verdict));
    if (result.reading_ease !== null) {
      summary.appendChild(
        document.createTextNode(
          " Reading ease " + result.reading_ease + " out of 100 (60 or more is plain English)" +
            (result.reading_age !== null
              ? "; reading age about " + Math.round(result.reading_age) + "."
              : ".")
        )
      );
    }
    box.appendChild(summary);
    if (result.findings.length) {
      box.appendChild(el("p", "govuk-body-s govuk-!-margin-bottom-1", "Words a family may not know:"));
      var list = el("ul", "govuk-list govuk-list--bullet govuk-body-s");
      result.findings.forEach(function (f) {
        list.appendChild(el("li", "", "\u201c" + f.term + "\u201d: try \u201c" + f.suggestion + "\u201d"));
      });
      box.appendChild(list);
    }
    target.appendChild(box);
  }

  function wire(textarea) {
    var target = document.getElementById(textarea.getAttribute("data-plain-language"));
    var url = textarea.getAttribute("data-plain-language-url");
    if (!target || !url || !window.fetch) return;
    var timer = null;
    var latest = 0;
    function run() {
      var text = textarea.value;
      if (!text.trim()) {
        render(target, null);
        return;
      }
      var mine = ++latest;
      var body = new URLSearchParams();
      body.set("text", text);
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrfToken(textarea.form), Accept: "application/json" },
        body: body,
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (result) {
          if (mine === latest) render(target, result);
        })
        .catch(function () {
          /* The check is a help, not a gate: stay quiet if it cannot run. */
        });
    }
    textarea.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, DELAY_MS);
    });
  }

  document.querySelectorAll("textarea[data-plain-language]").forEach(wire);
})();
