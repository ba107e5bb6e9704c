/* A full review: each "I have read this section" tick is kept as it is clicked, so a reviewer
   can leave and come back. Without this file the "Keep my ticks for later" button in the
   decision form does the same; either way a tick is not a decision. The ticks are sent one
   request after another, each with every box as it is then, so the last click wins. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("sign-off-form");
    var progress = document.querySelector("[data-read-progress]");
    if (!form || !progress || !window.fetch) { return; }
    var count = progress.querySelector("[data-read-count]");
    var status = progress.querySelector("[data-read-status]");
    var button = progress.querySelector("[data-keep-button]");
    var url = progress.getAttribute("data-keep-url");
    var queue = Promise.resolve();
    var boxes = document.querySelectorAll("[data-read-tick]");
    if (button) { button.parentNode.hidden = true; }

    function offerButton(message) {
      status.textContent = message;
      if (button) { button.parentNode.hidden = false; }
    }

    function keep() {
      return fetch(url, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin"
      }).then(function (response) {
        return response.json().then(function (answer) {
          if (response.ok) {
            status.textContent = "Kept: " + answer.ticked + " of " + answer.total + " sections read.";
          } else {
            offerButton(answer.error || "Your ticks could not be kept.");
          }
        });
      }).catch(function () {
        offerButton("Your ticks could not be kept just now: use “Keep my ticks for later”.");
      });
    }

    Array.prototype.forEach.call(boxes, function (box) {
      box.addEventListener("change", function () {
        var ticked = Array.prototype.filter.call(boxes, function (b) { return b.checked; });
        count.textContent = String(ticked.length);
        var section = box.closest(".read-section");
        if (section) { section.classList.toggle("read-section--ticked", box.checked); }
        queue = queue.then(keep);
      });
    });
  });
})();
