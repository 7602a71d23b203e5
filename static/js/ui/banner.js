// The one-line banner above the stage: the opponent's connection, or our own.
import { $, secondsLeft, tick } from '../utils.js';

export default class Banner {
  constructor() {
    this._element = $('#banner');
    this._stop = () => {};
  }

  show(text) {
    this._stop();
    this._element.textContent = text;
    this._element.classList.add('shown');
  }

  /** Shows `format(secondsLeft)` counting down from `ms`. */
  countdown(ms, format) {
    this.show(format(secondsLeft(ms)));
    this._stop = tick(ms, (left) => { this._element.textContent = format(secondsLeft(left)); });
  }

  hide() {
    this._stop();
    this._element.classList.remove('shown');
  }
}
