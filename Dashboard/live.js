// Live updates: when the log grows, offer a reload. Uses the session
// cookie (EventSource cannot send an Authorization header). Pages work
// without it.
(function () {
  if (!window.EventSource || new URLSearchParams(location.search).has("as_of")) return;
  var banner = document.getElementById("live");
  if (!banner) return;
  var source = new EventSource("/live");
  // Give the connection back when the page goes: browsers keep only a few per site.
  window.addEventListener("pagehide", function () { source.close(); });
  source.onmessage = function () {};
  source.addEventListener("open", function () {});
  ["lead.sent", "lead.accepted", "lead.rejected", "lead.feedback", "tension.flagged", "tension.commented", "tension.escalated",
   "tension.resolved", "tension.reopened", "meeting.held", "action.completed", "criteria.changed", "criteria.agreed",
   "signal.acknowledged", "signal.dismissed", "sla.set"].forEach(function (type) {
    source.addEventListener(type, function () { banner.hidden = false; });
  });
})();
