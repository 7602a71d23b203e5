// The polite aria-live region: what a screen reader hears about questions, reveals and results.
import { $ } from '../utils.js';

export default class Announcer {
  constructor() {
    this._element = $('#live');
  }

  say(text) {
    // Emptying first makes a repeated sentence be read again.
    this._element.textContent = '';
    requestAnimationFrame(() => { this._element.textContent = text; });
  }
}
