// The charts of a plan's page: indicators' progress against their expected path, and the activities'
// burn-up. Data comes from the json_script element "plan-chart-data" (the CSP forbids inline scripts).
(function () {
  "use strict";
  var STATUS_COLOURS = { achieved: "#1b7f3b", on_track: "#00607a", at_risk: "#f2a900", off_track: "#b3261e",
                         no_data: "#9aa5b1" };

  function data() {
    var el = document.getElementById("plan-chart-data");
    return el ? JSON.parse(el.textContent) : null;
  }

  function container(name) {
    return document.querySelector('[data-chart="' + name + '"]');
  }

  function init(el, option) {
    var chart = window.echarts.init(el);
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function indicators(d) {
    var el = container("plan-indicators");
    if (!el || !d || !d.labels.length) return;
    init(el, {
      tooltip: { renderMode: "richText", trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 160, right: 30, top: 40, bottom: 30 },
      xAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: d.labels, inverse: true,
               axisLabel: { width: 150, overflow: "truncate" } },
      series: [
        { name: el.dataset.labelActual, type: "bar",
          data: d.actual.map(function (v, i) {
            return { value: v, itemStyle: { color: STATUS_COLOURS[d.status[i]] || "#00607a" } };
          }) },
        { name: el.dataset.labelExpected, type: "scatter", symbol: "diamond", symbolSize: 12,
          data: d.expected, itemStyle: { color: "#17212b" } }
      ]
    });
  }

  function burnup(d) {
    var el = container("plan-burnup");
    if (!el || !d || !d.labels.length) return;
    init(el, {
      tooltip: { renderMode: "richText", trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 20, top: 40, bottom: 40 },
      xAxis: { type: "category", data: d.labels, boundaryGap: false },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: el.dataset.labelScope, type: "line", step: "end", data: d.scope, symbol: "none",
          lineStyle: { type: "dashed", color: "#5b6877" }, itemStyle: { color: "#5b6877" } },
        { name: el.dataset.labelPlanned, type: "line", step: "end", data: d.planned,
          itemStyle: { color: "#f2a900" } },
        { name: el.dataset.labelDone, type: "line", step: "end", data: d.done, areaStyle: { opacity: 0.15 },
          itemStyle: { color: "#1b7f3b" } }
      ]
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) return;
    var d = data();
    if (!d) return;
    indicators(d.indicators);
    burnup(d.burnup);
  });
})();
