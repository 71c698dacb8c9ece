// The dashboards' charts (doudi.statistics): drawn by ECharts from the figures the page hands
// over as JSON (json_script "dashboard-data"); every word shown comes from the page, translated.
(function () {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const labels = data.labels;
  const draw = function (id, option) {
    const element = document.getElementById(id);
    if (!element) return;
    const chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false, tooltip: { trigger: "axis" } }, option));
    window.addEventListener("resize", function () { chart.resize(); });
    element.dataset.drawn = "1";
  };
  const trend = function (measure, name) {
    return {
      legend: { top: 0 },
      grid: { left: 70, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: name },
      series: data.series.map(function (series) {
        return { name: series.name, type: "line", data: series[measure] };
      }),
    };
  };
  draw("chart-money", trend("paid", labels.money));
  draw("chart-recipients", trend("recipients", labels.recipients));
  draw("chart-places", {
    grid: { left: 70, right: 20, top: 30, bottom: 60 },
    xAxis: { type: "category", data: data.children.names, axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", name: labels.money },
    series: [{ name: labels.money, type: "bar", data: data.children.paid }],
  });
  if (data.hotline) {
    draw("chart-hotline", {
      legend: { top: 0 },
      grid: { left: 70, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: labels.tickets, minInterval: 1 },
      series: ["received", "on_time", "open_overdue"].map(function (measure) {
        return { name: labels[measure], type: "bar", data: data.hotline[measure] };
      }),
    });
  }
})();
