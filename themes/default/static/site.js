// helpsite default theme: small enhancements; every page works without this file.
// - heading anchors copy the heading's canonical (absolute) link, for staff to paste into replies;
// - foldable boxes (<details class="collapsible">) open on wide screens, stay folded on phones.
// - tables and code blocks that scroll sideways take keyboard focus while they overflow;
// - task-list checkboxes are named by their item's text.
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

  // The heading a block sits under, to name it ("Table: Which countries accept my sender?").
  function headingBefore(el) {
    for (var at = el.previousElementSibling; at; at = at.previousElementSibling) {
      if (/^H[2-4]$/.test(at.tagName)) { return at.textContent.replace(/#\s*$/, "").trim(); }
    }
    return "";
  }

  // A region that scrolls sideways (a wide table or a long code line on a phone) must take
  // keyboard focus, or its hidden part cannot be read without a mouse. It becomes a named,
  // focusable region only while it overflows, so wide screens gain no extra tab stops. A table
  // scrolls inside a wrapper, so the table itself keeps its semantics.
  var scrollers = [];
  Array.prototype.forEach.call(document.querySelectorAll(".prose table"), function (table) {
    var wrap = document.createElement("div");
    wrap.className = "table-scroll";
    table.parentNode.insertBefore(wrap, table);
    wrap.appendChild(table);
    var caption = table.querySelector("caption");
    var name = caption ? caption.textContent.trim() : headingBefore(wrap);
    scrollers.push({ el: wrap, label: name ? "Table: " + name : "Table" });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".prose pre"), function (pre) {
    var name = headingBefore(pre);
    scrollers.push({ el: pre, label: name ? "Code: " + name : "Code" });
  });
  function reachable(s) {
    var scrolls = s.el.scrollWidth > s.el.clientWidth + 1;
    if (scrolls && !s.el.hasAttribute("tabindex")) {
      s.el.setAttribute("tabindex", "0");
      s.el.setAttribute("role", "region");
      s.el.setAttribute("aria-label", s.label + " (scrolls sideways)");
    } else if (!scrolls && s.el.hasAttribute("tabindex")) {
      s.el.removeAttribute("tabindex");
      s.el.removeAttribute("role");
      s.el.removeAttribute("aria-label");
    }
  }
  scrollers.forEach(reachable);
  if (window.ResizeObserver) {
    var observer = new ResizeObserver(function () { scrollers.forEach(reachable); });
    scrollers.forEach(function (s) { observer.observe(s.el); });
  }

  // Markdown task lists render a bare disabled checkbox; its item's text is its name.
  Array.prototype.forEach.call(document.querySelectorAll('.prose li > input[type="checkbox"]'), function (box) {
    if (!box.labels.length && !box.hasAttribute("aria-label")) {
      box.setAttribute("aria-label", box.parentNode.textContent.trim().replace(/\s+/g, " ").slice(0, 120));
    }
  });
})();
