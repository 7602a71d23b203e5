// Draws each <canvas data-chart> of an admin report or a player's profile with Chart.js (the
// global `Chart`, copied from npm into static/vendor at setup). The same numbers stand in a
// table beside each chart, so the chart itself is hidden from screen readers. Small charts are
// sparklines: no axes.

const COLOURS = ['#3447c4', '#7a3db8', '#17703a', '#b3261e'];
const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;

for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
  const spec = JSON.parse(canvas.dataset.chart);
  const small = canvas.dataset.small === '1';
  const datasets = spec.series.map((series, i) => ({
    label: series.name,
    data: series.values,
    backgroundColor: COLOURS[i % COLOURS.length],
    borderColor: COLOURS[i % COLOURS.length],
    borderWidth: spec.kind === 'line' ? 2 : 0,
    pointRadius: small ? 0 : 2,
    tension: 0.25,
  }));
  const axes = small
    ? { x: { display: false }, y: { display: false, beginAtZero: true } }
    : { y: { beginAtZero: true, ticks: { precision: 0 } } };
  new Chart(canvas, {
    type: spec.kind,
    data: { labels: spec.labels, datasets },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: still ? false : { duration: 300 },
      plugins: { legend: { display: !small && datasets.length > 1 }, tooltip: { enabled: !small } },
      scales: axes,
    },
  });
}
