/* The public site works without this file; it only makes printing and wide tables nicer.
   - Opens every expandable item (<details>) while printing, then restores them.
   - Shows the "Print this page" button on the printable view.
   - A table wider than the screen scrolls inside its own box (site.css): that box can then
     be reached with the Tab key and scrolled with the arrow keys, and says so by its name. */
(function () {
  "use strict";
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (el) {
      el.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (el) { el.open = false; });
    opened = [];
  });
  function markScrollingTables() {
    document.querySelectorAll("main table").forEach(function (table) {
      var scrolls = table.scrollWidth > table.clientWidth + 1;
      if (scrolls && !table.hasAttribute("tabindex")) {
        table.setAttribute("tabindex", "0");
        if (!table.querySelector("caption") && !table.hasAttribute("aria-label")) {
          var headers = Array.prototype.map.call(table.querySelectorAll("th"), function (th) {
            return th.textContent.trim();
          }).filter(Boolean).slice(0, 4).join(", ");
          table.setAttribute("aria-label", "Table" + (headers ? " of " + headers : "") + " (scrolls sideways)");
          table.setAttribute("data-labelled-by-script", "");
        }
      } else if (!scrolls && table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
        if (table.hasAttribute("data-labelled-by-script")) {
          table.removeAttribute("aria-label");
          table.removeAttribute("data-labelled-by-script");
        }
      }
    });
  }
  var resizing = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizing);
    resizing = window.setTimeout(markScrollingTables, 150);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print-button]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
    markScrollingTables();
  });
})();

// The section editor's shared blocks: "Insert" puts a block's marker into the text at the
// cursor, on a line of its own between empty lines (without script, editors copy it).
document.querySelectorAll("button.insert-block").forEach((button) => {
  const text = document.getElementById("id_body");
  if (!text) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    const before = text.value.slice(0, text.selectionStart).replace(/\s*$/, "");
    const after = text.value.slice(text.selectionEnd).replace(/^\s*/, "");
    const marker = button.dataset.marker;
    text.value = (before ? before + "\n\n" : "") + marker + "\n\n" + after;
    const at = (before ? before.length + 2 : 0) + marker.length;
    text.focus();
    text.setSelectionRange(at, at);
    text.dispatchEvent(new Event("input", { bubbles: true }));
  });
});
