// Alias pages: carry the `#heading` of an old link over to the new URL. A meta refresh drops
// the fragment, and staff links often point at a heading. Runs before the refresh is parsed.
(function () {
  var target = document.currentScript && document.currentScript.getAttribute("data-target");
  if (target && location.hash) {
    location.replace(target + location.hash);
  }
})();
