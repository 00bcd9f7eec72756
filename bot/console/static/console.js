// Staff console: a little progressive enhancement. Everything works without it, except
// live training progress (without it, reload the page to see progress).
(function () {
  "use strict";
  var box = document.querySelector("[data-job]");
  if (!box) return;
  var url = "/staff/jobs/" + encodeURIComponent(box.getAttribute("data-job"));
  var status = document.getElementById("job-status");
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        box.textContent = job.lines.join("\n");
        box.scrollTop = box.scrollHeight;
        if (job.state === "running") { setTimeout(poll, 1000); return; }
        if (status) status.textContent = job.summary;
        setTimeout(function () {
          if (job.next === window.location.pathname + window.location.search) window.location.reload();
          else window.location.href = job.next;
        }, 800);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
