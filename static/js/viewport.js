// Keeps the players' scores in view on a phone while its keyboard is open: browsers that shrink
// only the visual viewport (and scroll inside the page) get its top as --viewport-top, where the
// sticky score bar stays.

export default function followVisualViewport(root = document.documentElement) {
  const viewport = window.visualViewport;
  if (!viewport) return;
  const update = () => root.style.setProperty('--viewport-top', `${Math.max(0, viewport.offsetTop)}px`);
  viewport.addEventListener('resize', update);
  viewport.addEventListener('scroll', update);
  update();
}
