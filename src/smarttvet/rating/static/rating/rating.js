// Charts and the what-if sliders of the rating pages. Data comes from json_script elements: the
// Content-Security-Policy forbids inline scripts and styles.
(function () {
  "use strict";
  var LEAGUE_COLOURS = ["#1b7f3b", "#00607a", "#f2a900", "#b3261e", "#6d4c9f", "#5b6877"];
  var charts = {};

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  // Chart containers are found by data-chart, not by id: HTMX copies the attributes of an element with the
  // same id from the old content to the new one when it swaps, and the style ECharts set on the old
  // container would then be an inline style attribute, which the CSP refuses.
  function container(name) {
    return document.querySelector('[data-chart="' + name + '"]');
  }

  function draw(id, option) {
    var el = container(id);
    if (!el || !window.echarts) return;
    if (charts[id] && charts[id].getDom() === el) {
      charts[id].setOption(option, true);
      return;
    }
    if (charts[id]) charts[id].dispose();
    charts[id] = window.echarts.init(el);
    charts[id].setOption(option);
  }

  function histogram() {
    var d = data("histogram-data");
    var el = container("histogram");
    if (!d || !el || !d.counts || !d.counts.length) return;
    var labels = d.counts.map(function (_, i) {
      return d.edges[i].toFixed(1) + "–" + d.edges[i + 1].toFixed(1);
    });
    draw("histogram", {
      tooltip: { renderMode: "richText", trigger: "axis" },
      grid: { left: 50, right: 20, top: 20, bottom: 50 },
      xAxis: { type: "category", data: labels, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", name: el.dataset.label, minInterval: 1 },
      series: [{ type: "bar", data: d.counts, itemStyle: { color: "#00607a" } }]
    });
  }

  function leaguesByRegion() {
    var d = data("league-region-data");
    if (!d) return;
    draw("league-region", {
      tooltip: { renderMode: "richText", trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 130 },
      xAxis: { type: "category", data: d.labels, axisLabel: { rotate: 45, interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: d.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "leagues", data: s.data,
                 itemStyle: { color: LEAGUE_COLOURS[s.index % LEAGUE_COLOURS.length] } };
      })
    });
  }

  function radar() {
    var d = data("card-radar-data");
    if (!d || !d.indicators.length) return;
    var series = [{ value: d.own, name: d.labels.own, itemStyle: { color: "#00607a" }, areaStyle: { opacity: 0.2 } }];
    if (d.labels.median) {
      series.push({ value: d.median, name: d.labels.median, itemStyle: { color: "#f2a900" }, lineStyle: { type: "dashed" } });
    }
    draw("card-radar", {
      tooltip: { renderMode: "richText" },
      legend: { bottom: 0 },
      radar: { indicator: d.indicators, radius: "62%" },
      series: [{ type: "radar", data: series }]
    });
  }

  function history() {
    var d = data("card-history-data");
    var el = container("card-history");
    if (!d || !el) return;
    draw("card-history", {
      tooltip: { renderMode: "richText", trigger: "axis" },
      grid: { left: 50, right: 20, top: 20, bottom: 30 },
      xAxis: { type: "category", data: d.years },
      yAxis: { type: "value", name: el.dataset.label },
      series: [{ type: "line", data: d.scores, itemStyle: { color: "#00607a" } }]
    });
  }

  function sliders(root) {
    (root || document).querySelectorAll("input.slider[data-target]").forEach(function (slider) {
      var box = document.getElementById(slider.dataset.target);
      if (!box || slider.dataset.bound) return;
      slider.dataset.bound = "1";
      slider.addEventListener("input", function () { box.value = slider.value; });
      slider.addEventListener("change", function () { box.value = slider.value; });
      box.addEventListener("input", function () { if (box.value !== "") slider.value = box.value; });
    });
  }

  function all() {
    histogram();
    leaguesByRegion();
    radar();
    history();
    sliders();
  }

  document.addEventListener("DOMContentLoaded", all);
  document.addEventListener("htmx:afterSettle", all);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });
})();
