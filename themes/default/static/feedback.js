// Reader feedback widget: "Did this page solve your problem?" and "I had already read this page".
// With data-endpoint it POSTs {"page", "answer"} as JSON (no cookies, no credentials); without
// one, or when the post fails, it opens a prefilled email that `helpsite feedback ingest-mail`
// records as feedback. The email format (subject prefix, `Page:` and `Answer:` lines) is what
// src/ledger/mail/message.rs parses; keep the two in step.
(function () {
  "use strict";

  var LABELS = {
    "yes": "yes (this page solved my problem)",
    "no": "no (this page did not solve my problem)",
    "already-read": "already-read (I had already read this page before contacting support)"
  };

  function mailto(box, answer) {
    var subject = "Docs feedback: " + box.dataset.title;
    var body = "Page: " + box.dataset.permalink + "\n" +
      "Answer: " + LABELS[answer] + "\n\n" +
      "(Anything else you want to tell us about this page:)\n";
    return "mailto:" + box.dataset.email +
      "?subject=" + encodeURIComponent(subject) +
      "&body=" + encodeURIComponent(body);
  }

  function done(box, status, text) {
    status.textContent = text;
    box.classList.add("feedback-done");
  }

  function send(box, answer, status, buttons) {
    var endpoint = box.dataset.endpoint;
    if (!endpoint || !window.fetch) {
      window.location.href = mailto(box, answer);
      done(box, status, "Thank you. Your email app should open with the message ready to send.");
      return;
    }
    buttons.forEach(function (b) { b.disabled = true; });
    status.textContent = "Sending…";
    fetch(endpoint, {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ page: box.dataset.page, answer: answer })
    }).then(function (res) {
      if (!res.ok) { throw new Error("HTTP " + res.status); }
      done(box, status, "Thank you for telling us.");
    }).catch(function () {
      buttons.forEach(function (b) { b.disabled = false; });
      status.textContent = "";
      var link = document.createElement("a");
      link.href = mailto(box, answer);
      link.textContent = "send it by email instead";
      status.append("We could not save that just now — ", link, ".");
    });
  }

  document.querySelectorAll("[data-feedback]").forEach(function (box) {
    var status = box.querySelector(".feedback-status");
    var buttons = Array.prototype.slice.call(box.querySelectorAll("[data-answer]"));
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        button.setAttribute("aria-pressed", "true");
        send(box, button.dataset.answer, status, buttons);
      });
    });
  });
})();
