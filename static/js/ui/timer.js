// The question countdown: seconds and a shrinking bar drawn toward the server's deadline.
// It only shows time; the server alone decides when a question closes.
import { $, secondsLeft } from '../utils.js';

const LOW_MS = 5000;

export default class Timer {
  constructor() {
    this._element = $('#countdown');
    this._seconds = $('.countdown-seconds', this._element);
    this._bar = $('.countdown-bar', this._element);
    this._frame = 0;
  }

  /** Starts from `remainingMs` of `totalMs`, as the server measured it `lagMs` ago. */
  start(remainingMs, totalMs, lagMs) {
    this.stop();
    const deadline = performance.now() + remainingMs - lagMs;
    const draw = () => {
      const left = Math.max(0, deadline - performance.now());
      this._seconds.textContent = secondsLeft(left);
      this._bar.style.transform = `scaleX(${totalMs ? left / totalMs : 0})`;
      this._element.classList.toggle('low', left < LOW_MS);
      if (left > 0) this._frame = requestAnimationFrame(draw);
    };
    draw();
  }

  stop() {
    cancelAnimationFrame(this._frame);
  }
}
