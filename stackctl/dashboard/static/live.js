// Live view for a running run's page: poll /api/runs/<id> every second and update step
// states in place (DAG nodes and the step table). No framework, nothing from a CDN.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-run]");
  if (!root) return;
  var url = root.getAttribute("data-live-run");
  var busy = false;

  function each(selector, step, fn) {
    var nodes = root.querySelectorAll(selector);
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].getAttribute("data-step") === step) fn(nodes[i]);
    }
  }

  function setBadge(container, status) {
    var badge = container && container.querySelector(".badge");
    if (badge) { badge.setAttribute("data-status", status); badge.textContent = status; }
  }

  function apply(data) {
    var missing = false;
    data.steps.forEach(function (s) {
      var found = false;
      each("g.node", s.step, function (node) {
        found = true;
        node.setAttribute("data-status", s.status);
        var caption = node.querySelector("[data-field=caption]");
        if (caption) caption.textContent = s.caption;
      });
      each("tr[data-step]", s.step, function (row) {
        found = true;
        setBadge(row.querySelector("[data-field=status]"), s.status);
        var duration = row.querySelector("[data-field=duration]");
        if (duration) duration.textContent = s.duration;
        var attempts = row.querySelector("[data-field=attempts]");
        if (attempts) attempts.textContent = String(s.attempts);
      });
      if (!found) missing = true;
    });
    setBadge(root.querySelector("[data-field=run-status]"), data.run.status);
    // A new step or a finished run changes more than states: render the page afresh.
    if (missing || !data.run.live) window.location.reload();
  }

  function tick() {
    if (busy) return;
    busy = true;
    fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) apply(data); })
      .catch(function () { /* the server may be restarting: try again next tick */ })
      .then(function () { busy = false; });
  }

  window.setInterval(tick, 1000);
})();
