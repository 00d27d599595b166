// Draws the charts of a page from the JSON that the page embeds (no inline script: the CSP forbids it).
(function () {
  "use strict";
  function regionChart() {
    var el = document.getElementById("region-chart");
    var data = document.getElementById("region-chart-data");
    if (!el || !data || !window.echarts) return;
    var d = JSON.parse(data.textContent);
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { renderMode: "richText", trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 60, right: 60, top: 40, bottom: 120 },
      xAxis: { type: "category", data: d.labels, axisLabel: { rotate: 45, interval: 0 } },
      yAxis: [{ type: "value", name: el.dataset.seriesStudents }, { type: "value", name: el.dataset.seriesOrganizations }],
      series: [
        { name: el.dataset.seriesStudents, type: "bar", data: d.students, itemStyle: { color: "#00607a" } },
        { name: el.dataset.seriesOrganizations, type: "line", yAxisIndex: 1, data: d.organizations, itemStyle: { color: "#f2a900" } }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", regionChart);
})();
