// helpsite default theme: small enhancements; every page works without this file.
// - heading anchors copy the heading's canonical (absolute) link, for staff to paste into replies;
// - foldable boxes (<details class="collapsible">) open on wide screens, stay folded on phones.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // One polite live region for short announcements ("Link copied").
  var status;
  function announce(text) {
    if (!status) {
      status = document.createElement("div");
      status.className = "status-toast";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      document.body.appendChild(status);
    }
    status.textContent = text;
    clearTimeout(announce.timer);
    announce.timer = setTimeout(function () { status.textContent = ""; }, 2500);
  }

  // The published address of this page (the canonical link), not the preview server's, so a
  // link copied from `helpsite serve` is still the one customers can open.
  function canonicalBase() {
    var link = document.querySelector('link[rel="canonical"]');
    var base = link ? link.href : location.href;
    return base.split("#")[0];
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // file:// and plain-http hosts have no clipboard API: fall back to a hidden selection.
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  document.addEventListener("click", function (event) {
    var anchor = event.target.closest && event.target.closest("a.anchor");
    if (!anchor || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    // Let the browser follow the link too, so the address bar shows it as well.
    var url = canonicalBase() + anchor.getAttribute("href");
    var heading = anchor.parentElement ? anchor.parentElement.textContent.replace(/#\s*$/, "").trim() : "";
    copyText(url).then(function () {
      anchor.setAttribute("data-copied", "Copied");
      setTimeout(function () { anchor.removeAttribute("data-copied"); }, 2000);
      announce("Link to \u201c" + heading + "\u201d copied");
    }, function () {
      announce("Could not copy. The link is in the address bar.");
    });
  });

  // Foldable boxes: open where there is room, fold on phones. Only boxes the reader has not
  // toggled themselves are changed when the window is resized.
  var wide = window.matchMedia("(min-width: 60rem)");
  var boxes = Array.prototype.slice.call(document.querySelectorAll("details.collapsible"));
  function fit() {
    boxes.forEach(function (box) {
      if (!box.hasAttribute("data-user")) { box.open = wide.matches; }
    });
  }
  boxes.forEach(function (box) {
    box.querySelector("summary").addEventListener("click", function () { box.setAttribute("data-user", ""); });
  });
  fit();
  if (wide.addEventListener) { wide.addEventListener("change", fit); }
})();
