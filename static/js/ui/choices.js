// The four alternatives, labelled 1-4; a click or the digit key picks one, once.
import { $, $$ } from '../utils.js';

export default class Choices {
  constructor({ onChoose }) {
    this._group = $('#choices');
    this._buttons = $$('.choice', this._group);
    this._open = false;
    this._onChoose = onChoose;
    this._buttons.forEach((button, i) => button.addEventListener('click', () => this._pick(i)));
    document.addEventListener('keydown', (event) => {
      const n = Number(event.key);
      if (this._open && n >= 1 && n <= 4 && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        this._pick(n - 1);
      }
    });
  }

  /** Shows `choices` in place of the answer box; `picked` marks one already chosen. */
  show(choices, picked = null) {
    this._group.hidden = false;
    this._buttons.forEach((button, i) => {
      $('.choice-text', button).textContent = choices[i] ?? '';
      button.classList.toggle('picked', choices[i] === picked);
    });
    this._setOpen(picked === null);
    if (this._open) this._buttons[0].focus();
  }

  hide() {
    this._setOpen(false);
    this._group.hidden = true;
  }

  /** Lets a refused pick be made again. */
  reopen() {
    this._buttons.forEach((button) => button.classList.remove('picked'));
    this._setOpen(true);
  }

  _pick(i) {
    if (!this._open) return;
    this._buttons[i].classList.add('picked');
    this._setOpen(false);
    this._onChoose(i);
  }

  _setOpen(open) {
    this._open = open;
    this._buttons.forEach((button) => { button.disabled = !open; });
  }
}
