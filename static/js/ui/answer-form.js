// The typed answer: Enter sends it; "?" or Alt+A in an empty box (or the button) asks for the
// four alternatives instead. One attempt per question, so either locks the box.
import { $ } from '../utils.js';

export default class AnswerForm {
  constructor({ onAnswer, onAskChoices }) {
    this._form = $('#answer-form');
    this._input = $('#answer');
    this._send = $('#send');
    this._ask = $('#show-choices');
    this._open = false;
    this._onAskChoices = onAskChoices;
    this._form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = this._input.value.trim();
      if (this._open && text) onAnswer(text);
    });
    this._ask.addEventListener('click', () => this._askChoices());
    document.addEventListener('keydown', (event) => this._shortcut(event));
  }

  /** Ready for a new question: empty, enabled, focused. */
  open() {
    this._form.classList.remove('shake');
    this._input.value = '';
    this._setOpen(true);
    this._input.focus();
  }

  /** Shows `text` as the answer already given and allows nothing more. */
  lock(text = this._input.value) {
    this._input.value = text;
    this._setOpen(false);
  }

  /** The server said this attempt was wrong: shake it red. */
  shake() {
    this._form.classList.remove('shake');
    void this._form.offsetWidth; // restart the animation
    this._form.classList.add('shake');
  }

  /** Undoes a lock the server refused, keeping what was typed. */
  unlock() {
    this._setOpen(true);
    this._input.focus();
  }

  _setOpen(open) {
    this._open = open;
    this._input.disabled = !open;
    this._send.disabled = !open;
    this._ask.disabled = !open;
  }

  _askChoices() {
    if (!this._open) return;
    this._setOpen(false);
    this._onAskChoices();
  }

  _shortcut(event) {
    if (!this._open || this._input.value !== '') return;
    const altA = event.altKey && event.code === 'KeyA';
    if (event.key === '?' || altA) {
      event.preventDefault();
      this._askChoices();
    }
  }
}
