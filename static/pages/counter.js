// Characters typed against the limit, under any field with data-counter="ID of the counter".
// Small page scripts live here; static/js is the game screen's client.
for (const field of document.querySelectorAll('[data-counter]')) {
  const counter = document.getElementById(field.dataset.counter);
  const show = () => { counter.textContent = `${field.value.length}/${field.maxLength}`; };
  field.addEventListener('input', show);
  show();
}
