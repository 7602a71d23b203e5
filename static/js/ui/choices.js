// The four alternatives of one question, labelled 1-4; a click or the digit key picks one, once.
// The group names its question (data-index) and is emptied when a new question arrives, so the
// previous question's alternatives are never in the page, not even hidden. At the reveal they
// stay: the right one green, your wrong pick red, the opponent's pick marked.
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

  /** Whether alternatives are on screen. */
  get shown() {
    return !this._group.hidden;
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

  /** At the reveal: marks the `answer`, my wrong pick and `theirPick` ({name, text}), if any. */
  reveal(answer, theirPick = null) {
    this._setOpen(false);
    for (const button of this._buttons) {
      const text = $('.choice-text', button).textContent;
      button.classList.toggle('is-right', text === answer);
      button.classList.toggle('is-wrong-pick', button.classList.contains('picked') && text !== answer);
      const theirs = theirPick !== null && text === theirPick.text;
      button.classList.toggle('their-pick', theirs);
      if (theirs) button.dataset.theirPick = `${theirPick.name}’s pick`;
      else delete button.dataset.theirPick;
    }
  }

  /** Hides and forgets the alternatives shown. */
  clear() {
    this._setOpen(false);
    this._group.hidden = true;
    delete this._group.dataset.index;
    for (const button of this._buttons) {
      $('.choice-text', button).textContent = '';
      button.classList.remove('picked', 'is-right', 'is-wrong-pick', 'their-pick');
      delete button.dataset.theirPick;
    }
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
