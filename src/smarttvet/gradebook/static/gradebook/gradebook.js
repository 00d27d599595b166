// Charts of the gradebook pages. Data comes from json_script elements: the Content-Security-Policy forbids
// inline scripts and styles. Containers are found by data-chart (see rating.js for why not by id).
(function () {
  "use strict";
  var COLOURS = ["#00607a", "#1b7f3b", "#f2a900", "#6d4c9f"];
  var FLAGGED = "#b3261e";
  var charts = {};

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function container(name) {
    return document.querySelector('[data-chart="' + name + '"]');
  }

  function draw(name, option) {
    var el = container(name);
    if (!el || !window.echarts) return;
    if (charts[name]) charts[name].dispose();
    charts[name] = window.echarts.init(el);
    charts[name].setOption(option);
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : value.toFixed(1) + "%";
  }

  function trend() {
    var d = data("gradebook-trend-data");
    if (!d || !container("gradebook-trend")) return;
    draw("gradebook-trend", {
      tooltip: { renderMode: "richText", trigger: "axis", valueFormatter: percent },
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: d.years },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" }, scale: true },
      series: d.series.map(function (s, i) {
        return { name: s.name, type: "line", data: s.data, connectNulls: false,
                 itemStyle: { color: COLOURS[i % COLOURS.length] } };
      })
    });
  }

  function histogram() {
    var d = data("gradebook-histogram-data");
    var el = container("gradebook-histogram");
    if (!d || !el || !d.labels.length) return;
    draw("gradebook-histogram", {
      tooltip: { renderMode: "richText", trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 60 },
      xAxis: { type: "category", data: d.labels, axisLabel: { rotate: 30 } },
      yAxis: { type: "value", name: el.dataset.label, minInterval: 1 },
      series: [
        { name: el.dataset.other, type: "bar", stack: "n", data: d.other, itemStyle: { color: "#9cc7d3" } },
        { name: el.dataset.flagged, type: "bar", stack: "n", data: d.flagged, itemStyle: { color: FLAGGED } }
      ]
    });
  }

  function regions() {
    var d = data("gradebook-regions-data");
    if (!d || !container("gradebook-regions")) return;
    draw("gradebook-regions", {
      tooltip: { renderMode: "richText", trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: percent },
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 130 },
      xAxis: { type: "category", data: d.labels, axisLabel: { rotate: 45, interval: 0 } },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      series: d.series.map(function (s, i) {
        return { name: s.name, type: "bar", data: s.data, itemStyle: { color: COLOURS[i % COLOURS.length] } };
      })
    });
  }

  function all() {
    trend();
    histogram();
    regions();
  }

  document.addEventListener("DOMContentLoaded", all);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (name) { charts[name].resize(); });
  });
})();
