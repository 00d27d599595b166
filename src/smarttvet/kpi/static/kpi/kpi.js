// Charts of the KPI pages: a scorecard's attainment per KPI, and scenarios compared. Data comes from json_script
// elements (the CSP forbids inline scripts); tooltips use renderMode "richText" (no HTML injected under the CSP).
(function () {
  "use strict";

  function read(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function init(el, option) {
    var chart = window.echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function attainment() {
    var el = document.querySelector('[data-chart="kpi-attainment"]');
    var d = read("kpi-chart-data");
    if (!el || !d || !d.labels.length) return;
    init(el, {
      tooltip: { renderMode: "richText", trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 200, right: 30, top: 20, bottom: 30 },
      xAxis: { type: "value", min: 0, max: 120, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: d.labels, inverse: true, axisLabel: { width: 190, overflow: "truncate" } },
      series: [{
        name: el.dataset.label, type: "bar",
        data: d.values.map(function (v) {
          return { value: v, itemStyle: { color: v === null ? "#9aa5b1" : (v >= 100 ? "#1b7f3b" : (v > 0 ? "#00607a" : "#b3261e")) } };
        }),
        markLine: { silent: true, symbol: "none", data: [{ xAxis: 100 }], lineStyle: { color: "#17212b", type: "dashed" } }
      }]
    });
  }

  function scenarios() {
    var el = document.querySelector('[data-chart="kpi-scenarios"]');
    var d = read("kpi-compare-data");
    if (!el || !d || !d.names.length) return;
    init(el, {
      tooltip: { renderMode: "richText", trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 110, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: d.names },
      yAxis: { type: "value" },
      series: [
        { name: el.dataset.labelPool, type: "bar", data: d.pools, itemStyle: { color: "#c9d3dc" } },
        { name: el.dataset.labelTotal, type: "bar", data: d.totals, itemStyle: { color: "#00607a" } }
      ]
    });
  }

  document.addEventListener("DOMContentLoaded", function () { attainment(); scenarios(); });
})();
