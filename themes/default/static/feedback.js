// Reader feedback widget: "Did this page solve your problem?" and "I had already read this page".
// With data-endpoint it POSTs {"page", "answer"} as JSON (no cookies, no credentials). Without
// one, nothing leaves the page on a click: "Yes" just thanks the reader, and "No" or "already
// read" thank them and offer, as a link clearly labelled as opening their email app, a prefilled
// email that `helpsite feedback ingest-mail` records as feedback, for the reader to send if they
// choose. The same link is offered when a post to the endpoint fails. The email format (subject
// prefix, `Page:` and `Answer:` lines) is what src/ledger/mail/message.rs parses; keep the two
// in step.
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

  // A link the reader may follow, never followed for them.
  function emailLink(box, answer, text) {
    var link = document.createElement("a");
    link.className = "feedback-email";
    link.href = mailto(box, answer);
    link.textContent = text;
    return link;
  }

  function withoutEndpoint(box, answer, status) {
    if (answer === "yes") {
      done(box, status, "Thank you. We're glad it helped.");
      return;
    }
    done(box, status, answer === "no" ? "Thank you for telling us. " : "Thank you: that tells us the page needs work. ");
    status.append(
      "If you'd like to say what was missing, ",
      emailLink(box, answer, "email us about this page"),
      " (opens your email app, with this page's address filled in)."
    );
  }

  function send(box, answer, status, buttons) {
    var endpoint = box.dataset.endpoint;
    if (!endpoint || !window.fetch) {
      withoutEndpoint(box, answer, status);
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
      status.append("We could not save that just now. You can ",
        emailLink(box, answer, "send it by email instead"), " (opens your email app).");
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
