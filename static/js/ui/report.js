// The report strip under each reveal: one click on a reason reports the question shown.
import { $, $$ } from '../utils.js';

export default class Report {
  constructor({ onReport }) {
    this._note = $('#report-note');
    this._buttons = $$('.report-kind');
    this._subject = null;
    for (const button of this._buttons) {
      button.addEventListener('click', () => {
        if (!this._subject) return;
        this._lock(true);
        this._note.textContent = 'Sending…';
        onReport({ ...this._subject, kind: button.dataset.kind });
      });
    }
  }

  /** Ready for a new reveal: `subject` is {battle, question_id, typed}. */
  show(subject) {
    this._subject = subject;
    this._note.textContent = '';
    this._lock(false);
  }

  sent(sentence) {
    this._note.textContent = sentence;
  }

  _lock(locked) {
    for (const button of this._buttons) button.disabled = locked;
  }
}
