// Charts of the partnership pages. Data comes from json_script elements: the Content-Security-Policy forbids
// inline scripts and styles. Containers are found by data-chart (see rating.js for why not by id).
(function () {
  "use strict";
  var COLOURS = ["#00607a", "#f2a900", "#1b7f3b", "#b3261e", "#6d4c9f", "#5b6877", "#2a9d8f", "#e76f51"];
  var charts = [];

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function draw(name, option) {
    var el = document.querySelector('[data-chart="' + name + '"]');
    if (!el || !window.echarts) return;
    var chart = window.echarts.init(el);
    chart.setOption(option);
    charts.push(chart);
  }

  function bars(labels, series) {
    return {
      tooltip: { renderMode: "richText", trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 20, right: 20, top: 50, bottom: 10, containLabel: true },
      xAxis: { type: "category", data: labels,
               axisLabel: { rotate: 35, interval: 0, width: 170, overflow: "truncate" } },
      yAxis: { type: "value" },
      series: series
    };
  }

  function clusterRates() {
    var d = data("cluster-rates-data");
    if (!d) return;
    var option = bars(d.labels, [
      { name: d.series.rate, type: "bar", data: d.rate, itemStyle: { color: COLOURS[0] } },
      { name: d.series.member_rate, type: "bar", data: d.member_rate, itemStyle: { color: COLOURS[1] } }
    ]);
    option.yAxis = { type: "value", max: 100, axisLabel: { formatter: "{value}%" } };
    draw("cluster-rates", option);
  }

  function clusterFunnel() {
    var d = data("cluster-funnel-data");
    if (!d) return;
    draw("cluster-funnel", {
      tooltip: { renderMode: "richText", trigger: "item", formatter: "{b}: {c}" },
      series: [{
        type: "funnel", sort: "none", left: "5%", width: "90%", top: 20, bottom: 20, gap: 2, minSize: "8%",
        label: { show: true, position: "inside", formatter: "{b}: {c}" },
        data: d.stages.map(function (s, i) { return { name: s.name, value: s.value, itemStyle: { color: COLOURS[i % COLOURS.length] } }; })
      }]
    });
    if (d.years.length) {
      draw("cluster-years", bars(d.years, [
        { name: d.series.graduates, type: "bar", data: d.graduates, itemStyle: { color: "#9cc7d3" } },
        { name: d.series.employed, type: "bar", data: d.employed, itemStyle: { color: COLOURS[0] } },
        { name: d.series.at_members, type: "bar", data: d.at_members, itemStyle: { color: COLOURS[1] } }
      ]));
    }
  }

  function training() {
    var d = data("training-data");
    if (!d) return;
    draw("training", bars(d.labels, [
      { name: d.series.places, type: "bar", data: d.places, itemStyle: { color: "#9cc7d3" } },
      { name: d.series.placed, type: "bar", data: d.placed, itemStyle: { color: COLOURS[0] } },
      { name: d.series.dual, type: "line", data: d.dual, itemStyle: { color: COLOURS[1] } }
    ]));
  }

  function infrastructure() {
    var d = data("infrastructure-data");
    if (!d) return;
    draw("infrastructure", bars(d.labels, d.series.map(function (s, i) {
      return { name: s.name, type: "bar", stack: "kinds", data: s.data, itemStyle: { color: COLOURS[i % COLOURS.length] } };
    })));
  }

  document.addEventListener("DOMContentLoaded", function () {
    clusterRates();
    clusterFunnel();
    training();
    infrastructure();
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  });
})();
