// zhengzhi page helpers: progressive enhancement only; every form works without them.
(function () {
  "use strict";
  // Fill a form's latitude and longitude from the browser's location (HTTPS
  // or localhost only). The inputs stay editable: a typed correction drops
  // the accuracy, which is unknown then. Messages are the page's catalog
  // texts (data-* on the status element), never the browser's English.
  // force: the user asked ("使用我的位置"); otherwise typed values are kept.
  function locate(form, force) {
    var lat = form.querySelector("input[name=lat]"), lng = form.querySelector("input[name=lng]");
    var acc = form.querySelector("input[name=accuracy]");
    var status = form.querySelector("[data-geo-status]");
    function say(key, arg) {
      if (!status) { return; }
      var text = status.getAttribute("data-" + key) || "";
      status.textContent = arg === undefined ? text : text.replace("%s", arg);
    }
    if (!lat || !lng) { return; }
    if (!force && (lat.value || lng.value)) { return; }
    if (!navigator.geolocation || !window.isSecureContext) { say("unsupported"); return; }
    say("locating");
    navigator.geolocation.getCurrentPosition(function (p) {
      lat.value = p.coords.latitude.toFixed(6);
      lng.value = p.coords.longitude.toFixed(6);
      if (acc) { acc.value = Math.round(p.coords.accuracy); }
      say("done", Math.round(p.coords.accuracy));
    }, function (e) {
      // GeolocationPositionError: 1 denied, 2 unavailable, 3 timeout.
      say({1: "denied", 2: "unavailable", 3: "timeout"}[e.code] || "unavailable");
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }
  // Typing a coordinate makes it the user's: the GPS accuracy no longer applies.
  function typed(ev) {
    var input = ev.target;
    if (!input.matches || !input.matches("[data-geo-lat], [data-geo-lng]")) { return; }
    var form = input.form, acc = form && form.querySelector("input[name=accuracy]");
    if (acc) { acc.value = ""; }
    var status = form && form.querySelector("[data-geo-status]");
    if (status) { status.textContent = status.getAttribute("data-typed") || ""; }
  }
  // One key per form render: a double tap or a retried post creates one record.
  function idempotency(form) {
    var k = form.querySelector("input[name=idempotency_key]");
    if (k && !k.value && window.crypto && crypto.randomUUID) { k.value = crypto.randomUUID(); }
  }
  // Confirm destructive actions.
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) { ev.preventDefault(); return; }
    var btn = ev.target.querySelector("button[type=submit]");
    if (btn) { setTimeout(function () { btn.disabled = true; }, 0); }
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-geo]").forEach(function (f) { locate(f, false); });
    document.querySelectorAll("form").forEach(idempotency);
    document.querySelectorAll("[data-geo-retry]").forEach(function (b) {
      b.addEventListener("click", function () { locate(b.closest("form"), true); });
    });
    document.addEventListener("input", typed);
    // Charts: load ECharts (1 MB) only on pages that have one.
    var charts = document.querySelectorAll("[data-chart]");
    if (charts.length) {
      var s = document.createElement("script");
      s.src = document.body.getAttribute("data-echarts");
      s.onload = function () {
        charts.forEach(function (el) {
          try { window.echarts.init(el).setOption(JSON.parse(el.getAttribute("data-chart"))); } catch (e) { /* a chart is decoration */ }
        });
      };
      document.head.appendChild(s);
    }
  });
})();
