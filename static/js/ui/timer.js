// The question's clock: a bar that shrinks and the seconds in a ring, drawn toward the server's
// deadline; urgent (red, pulsing) in the last five seconds. It only shows time: the server alone
// decides when a question closes.
import { $, secondsLeft } from '../utils.js';

const URGENT_MS = 5000;

export default class Timer {
  /** `onUrgentSecond(seconds)` is called as each of the last five seconds begins. */
  constructor({ onUrgentSecond = () => {} } = {}) {
    this._element = $('#countdown');
    this._seconds = $('.countdown-seconds', this._element);
    this._bar = $('.countdown-bar', this._element);
    this._onUrgentSecond = onUrgentSecond;
    this._frame = 0;
  }

  /** Starts from `remainingMs` of `totalMs`, as the server measured it `lagMs` ago. */
  start(remainingMs, totalMs, lagMs) {
    this.stop();
    const deadline = performance.now() + remainingMs - lagMs;
    let shown = null;
    const draw = () => {
      const left = Math.max(0, deadline - performance.now());
      const seconds = secondsLeft(left);
      this._bar.style.transform = `scaleX(${totalMs ? left / totalMs : 0})`;
      if (seconds !== shown) {
        this._seconds.textContent = seconds;
        const urgent = left > 0 && left <= URGENT_MS;
        this._element.classList.toggle('urgent', urgent);
        if (urgent && shown !== null) this._onUrgentSecond(seconds);
        shown = seconds;
      }
      if (left > 0) this._frame = requestAnimationFrame(draw);
    };
    draw();
  }

  stop() {
    cancelAnimationFrame(this._frame);
    this._element.classList.remove('urgent');
  }
}
