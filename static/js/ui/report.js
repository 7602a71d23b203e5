// "Report" under each reveal: a menu of reasons; choosing one reports the question shown. Being
// a menu, an Enter pressed on the reveal never files a report by accident.
import { $, $$ } from '../utils.js';

export default class Report {
  constructor({ onReport }) {
    this._menu = $('#report');
    this._note = $('#report-note');
    this._buttons = $$('.report-kind', this._menu);
    this._subject = null;
    for (const button of this._buttons) {
      button.addEventListener('click', () => {
        if (!this._subject) return;
        this._lock(true);
        this._menu.open = false;
        this._note.textContent = 'Sending…';
        onReport({ ...this._subject, kind: button.dataset.kind });
      });
    }
  }

  /** Ready for a new reveal: `subject` is {battle, question_id, typed}. */
  show(subject) {
    this._subject = subject;
    this._menu.open = false;
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
