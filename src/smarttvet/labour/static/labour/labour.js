// Charts of the labour-market pages. Data comes from json_script elements (the Content-Security-Policy
// forbids inline scripts and styles); containers are found by data-chart, their labels by data-* attributes.
// Tooltips render inside the canvas (renderMode "richText"): ECharts' HTML tooltips write style attributes
// (markers, the arrow), which the policy blocks.
(function () {
  "use strict";
  // The ratio bands of labour/present.py: strong deficit, deficit, balanced, surplus, strong surplus.
  var BAND_COLOURS = ["#b2182b", "#f4a582", "#e8f3e1", "#92c5de", "#2166ac"];
  var NO_DEMAND = "#d5d9de";
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
    if (!el || !window.echarts) return null;
    if (charts[name]) charts[name].dispose();
    charts[name] = window.echarts.init(el);
    charts[name].setOption(option);
    return charts[name];
  }

  function number(value, digits) {
    if (value === null || value === undefined) return "—";
    return Number(value).toLocaleString(document.documentElement.lang || undefined, {
      maximumFractionDigits: digits || 0, minimumFractionDigits: digits || 0
    });
  }

  function heatmap() {
    var d = data("labour-heatmap-data");
    var el = container("labour-heatmap");
    if (!d || !el) return;
    var label = el.dataset;
    var b = d.bands;
    var tooltip = function (p) {
      var item = p.data;
      var lines = [d.regions[item.value[1]] + " · " + d.field_names[item.value[0]]];
      lines.push(label.ratio + ": " + (item.ratio === null ? label.noDemand : number(item.ratio, 2)));
      lines.push(label.demand + ": " + number(item.demand));
      lines.push(label.supply + ": " + number(item.supply));
      lines.push(label.gap + ": " + number(item.gap));
      lines.push(label.specialties + ": " + item.specialties);
      if (item.employment !== null) {
        lines.push(label.employment + ": " + number(item.employment, 1) + "% (" + item.employment_n + ")");
      }
      return lines.join("\n");
    };
    var chart = draw("labour-heatmap", {
      tooltip: { renderMode: "richText", formatter: tooltip },
      grid: { left: 190, right: 20, top: 10, bottom: 110 },
      xAxis: { type: "category", data: d.fields, splitArea: { show: true },
               axisLabel: { interval: 0 } },
      yAxis: { type: "category", data: d.regions, inverse: true, splitArea: { show: true },
               axisLabel: { interval: 0, width: 180, overflow: "truncate" } },
      visualMap: {
        type: "piecewise", seriesIndex: 0, orient: "horizontal", left: "center", bottom: 10,
        pieces: [
          { lt: b[0], color: BAND_COLOURS[0], label: "< " + b[0] },
          { gte: b[0], lt: b[1], color: BAND_COLOURS[1], label: b[0] + "–" + b[1] },
          { gte: b[1], lte: b[2], color: BAND_COLOURS[2], label: b[1] + "–" + b[2] },
          { gt: b[2], lte: b[3], color: BAND_COLOURS[3], label: b[2] + "–" + b[3] },
          { gt: b[3], color: BAND_COLOURS[4], label: "> " + b[3] }
        ]
      },
      series: [
        { name: label.ratio, type: "heatmap", data: d.cells,
          label: { show: true, formatter: function (p) { return number(p.data.ratio, 1); }, fontSize: 10 },
          itemStyle: { borderColor: "#fff", borderWidth: 1 },
          emphasis: { itemStyle: { shadowBlur: 6, shadowColor: "rgba(0,0,0,0.4)" } } },
        { name: label.noDemand, type: "heatmap", data: d.no_demand.map(function (c) {
            return Object.assign({}, c, { value: [c.value[0], c.value[1], 0] });
          }),
          label: { show: true, formatter: "—", fontSize: 10 },
          itemStyle: { color: NO_DEMAND, borderColor: "#fff", borderWidth: 1 } }
      ]
    });
    if (chart) {
      chart.on("click", function (p) {
        if (p.data && p.data.url) window.location.href = p.data.url;
      });
    }
  }

  function vacancies() {
    var d = data("labour-vacancies-data");
    var el = container("labour-vacancies");
    if (!d || !el) return;
    var marks = d.first_forecast ? { silent: true, symbol: "none", lineStyle: { type: "dotted", color: "#5b6877" },
                                      data: [{ xAxis: d.first_forecast }] } : undefined;
    draw("labour-vacancies", {
      tooltip: { renderMode: "richText", trigger: "axis", valueFormatter: function (v) { return number(v); } },
      legend: { top: 0 },
      grid: { left: 60, right: 20, top: 40, bottom: 60 },
      dataZoom: [{ type: "slider", bottom: 10, height: 18 }],
      xAxis: { type: "category", data: d.months },
      yAxis: { type: "value", min: 0 },
      series: [
        { name: el.dataset.history, type: "line", data: d.history, showSymbol: false, connectNulls: false,
          itemStyle: { color: "#00607a" }, markLine: marks },
        { name: el.dataset.forecast, type: "line", data: d.forecast, showSymbol: false, connectNulls: false,
          lineStyle: { type: "dashed" }, itemStyle: { color: "#f2a900" } }
      ]
    });
  }

  function employment() {
    var d = data("labour-employment-data");
    var el = container("labour-employment");
    if (!d || !el) return;
    var names = { employed_rate: el.dataset.employed, continuing_rate: el.dataset.continuing,
                  military_rate: el.dataset.military, not_employed_rate: el.dataset.notEmployed };
    var colours = { employed_rate: "#1b7f3b", continuing_rate: "#00607a", military_rate: "#6d4c9f",
                    not_employed_rate: "#b3261e" };
    draw("labour-employment", {
      tooltip: { renderMode: "richText", trigger: "axis", axisPointer: { type: "shadow" },
                 valueFormatter: function (v) { return v === null ? "—" : number(v, 1) + "%"; } },
      legend: { top: 0 },
      grid: { left: 50, right: 20, top: 40, bottom: 110 },
      xAxis: { type: "category", data: d.labels, axisLabel: { rotate: 40, interval: 0, width: 140, overflow: "truncate" } },
      yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
      series: d.series.map(function (s) {
        return { name: names[s.key], type: "bar", stack: "all", data: s.data, itemStyle: { color: colours[s.key] } };
      })
    });
  }

  function all() {
    heatmap();
    vacancies();
    employment();
  }

  document.addEventListener("DOMContentLoaded", all);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (name) { charts[name].resize(); });
  });
})();
