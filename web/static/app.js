// zhengzhi page helpers: progressive enhancement only; every form works without them.
(function () {
  "use strict";
  // Fill hidden lat/lng inputs from the browser's geolocation (HTTPS or localhost only).
  function locate(form) {
    var lat = form.querySelector("input[name=lat]"), lng = form.querySelector("input[name=lng]");
    var status = form.querySelector("[data-geo-status]");
    if (!lat || !lng || !navigator.geolocation) { return; }
    if (status) { status.textContent = "正在定位…"; }
    navigator.geolocation.getCurrentPosition(function (p) {
      lat.value = p.coords.latitude.toFixed(6);
      lng.value = p.coords.longitude.toFixed(6);
      if (status) { status.textContent = "已定位：" + lat.value + ", " + lng.value; }
    }, function (e) {
      if (status) { status.textContent = "未能定位（" + e.message + "），可手工填写"; }
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
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
    document.querySelectorAll("form[data-geo]").forEach(locate);
    document.querySelectorAll("form").forEach(idempotency);
    document.querySelectorAll("[data-geo-retry]").forEach(function (b) {
      b.addEventListener("click", function () { locate(b.closest("form")); });
    });
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
