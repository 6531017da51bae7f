// Draws the report's charts with chart.js from the figures the page also shows as tables.
(function () {
  const data = JSON.parse(document.getElementById('chart-data').textContent);
  const colour = '#0b4f9c';
  function bar(id, series, horizontal) {
    const canvas = document.getElementById(id);
    if (!canvas || !window.Chart) return;
    new Chart(canvas, {
      type: 'bar',
      data: { labels: series.labels, datasets: [{ label: 'Blocked', data: series.values, backgroundColor: colour }] },
      options: { indexAxis: horizontal ? 'y' : 'x', animation: false, plugins: { legend: { display: false } } }
    });
  }
  bar('by-category', data.category, true);
  bar('by-day', data.day, false);
})();
