// The cadre-reserve funnel chart, drawn from the JSON the page embeds (no inline script: the CSP forbids it).
// The options come from the server (tooltips use renderMode "richText", which needs no inline styles).
(function () {
  "use strict";
  function funnel() {
    var el = document.getElementById("funnel-chart");
    var data = document.getElementById("funnel-chart-data");
    if (!el || !data || !window.echarts) return;
    var chart = window.echarts.init(el);
    chart.setOption(JSON.parse(data.textContent));
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.addEventListener("DOMContentLoaded", funnel);
})();
