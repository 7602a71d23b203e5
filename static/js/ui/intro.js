// The 3-2-1 before the first question, with who you are playing.
import { $, secondsLeft, tick } from '../utils.js';

export default class Intro {
  constructor() {
    this._count = $('#intro-count');
    this._stop = () => {};
  }

  /** Counts down `ms` (unknown after a reload: then just "Get ready") before meeting `opponent`. */
  start(opponent, ms) {
    $('#intro-opponent').textContent = opponent.name;
    $('#intro-note').textContent = opponent.bot ? 'A practice game against the bot: not rated.' : '';
    this._stop();
    const known = typeof ms === 'number';
    this._count.classList.toggle('words', !known);
    if (!known) {
      this._count.textContent = 'Get ready';
      return;
    }
    this._stop = tick(ms, (left) => {
      const text = left ? String(secondsLeft(left)) : 'Go!';
      if (text === this._count.textContent) return;
      this._count.textContent = text;
      this._count.classList.remove('tick');
      void this._count.offsetWidth; // restart the pop for each number
      this._count.classList.add('tick');
    });
  }
}
