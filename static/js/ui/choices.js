// The four alternatives of one question, labelled 1-4; a click or the digit key picks one, once.
// The group names its question (data-index) and is emptied when a new question arrives, so the
// previous question's alternatives are never in the page, not even hidden.
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

  /** Shows question `index`'s `choices` in place of the answer box; `picked` marks one chosen. */
  show(index, choices, picked = null) {
    this._group.dataset.index = String(index);
    this._group.hidden = false;
    this._buttons.forEach((button, i) => {
      $('.choice-text', button).textContent = choices[i] ?? '';
      button.classList.toggle('picked', choices[i] === picked);
    });
    this._setOpen(picked === null);
    if (this._open) this._buttons[0].focus();
  }

  /** Hides and forgets the alternatives shown. */
  clear() {
    this._setOpen(false);
    this._group.hidden = true;
    delete this._group.dataset.index;
    this._buttons.forEach((button) => {
      $('.choice-text', button).textContent = '';
      button.classList.remove('picked');
    });
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
