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
  // A desk table's column choice, remembered per browser; the export link
  // carries the columns shown.
  function colpick(box) {
    var kind = box.getAttribute("data-colpick"), key = "zz.cols." + kind, hidden = {};
    var table = document.querySelector('table[data-cols="' + kind + '"]');
    if (!table) { return; }
    try { hidden = JSON.parse(window.localStorage.getItem(key) || "{}") || {}; } catch (e) { hidden = {}; }
    var boxes = box.querySelectorAll("input[type=checkbox]");
    function apply() {
      table.querySelectorAll("[data-col]").forEach(function (c) { c.hidden = !!hidden[c.getAttribute("data-col")]; });
      var shown = [];
      boxes.forEach(function (i) { if (!hidden[i.value]) { shown.push(i.value); } });
      document.querySelectorAll("a[data-export]").forEach(function (a) {
        var u = new URL(a.href, window.location.href);
        u.searchParams.set("cols", shown.join(","));
        a.setAttribute("href", u.pathname + u.search);
      });
    }
    boxes.forEach(function (i) {
      i.checked = !hidden[i.value];
      i.addEventListener("change", function () {
        if (i.checked) { delete hidden[i.value]; } else { hidden[i.value] = 1; }
        try { window.localStorage.setItem(key, JSON.stringify(hidden)); } catch (e) { /* private mode: for this page only */ }
        apply();
      });
    });
    apply();
  }
  // Fields that only one choice of a select needs (a 两断三清照片's item).
  function showFor(sel) {
    var form = sel.closest("form");
    function apply() {
      form.querySelectorAll("[data-item-for]").forEach(function (el) {
        el.hidden = el.getAttribute("data-item-for") !== sel.value;
      });
    }
    sel.addEventListener("change", apply);
    apply();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-colpick]").forEach(colpick);
    document.querySelectorAll("select[data-kind]").forEach(showFor);
    // On a desk screen a list's filters stand open.
    if (window.matchMedia && window.matchMedia("(min-width: 1024px)").matches) {
      document.querySelectorAll("details.filters").forEach(function (d) { d.open = true; });
    }
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
