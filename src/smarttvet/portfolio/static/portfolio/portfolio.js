// The dashboard's chart: certified teachers and categories by region (or organisation). No inline script (CSP);
// tooltips in richText mode, since the CSP forbids the inline styles of HTML tooltips.
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("pf-chart");
    var data = document.getElementById("pf-chart-data");
    if (!el || !data || !window.echarts) return;
    var d = JSON.parse(data.textContent);
    var chart = window.echarts.init(el);
    var series = d.categories.map(function (c) { return { name: c.name, type: "bar", stack: "categories", data: c.data }; });
    series.push({ name: el.dataset.certified, type: "line", yAxisIndex: 1, data: d.certified, itemStyle: { color: "#b3261e" } });
    chart.setOption({
      tooltip: { renderMode: "richText", trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 60, top: 60, bottom: 120 },
      xAxis: { type: "category", data: d.labels, axisLabel: { rotate: 45, interval: 0 } },
      yAxis: [{ type: "value" }, { type: "value", name: el.dataset.certified, nameTextStyle: { align: "right" } }],
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
