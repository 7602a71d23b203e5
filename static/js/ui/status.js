// The corner readout, shown only when something is wrong: a slow round trip, or offline.
import { $ } from '../utils.js';

const SLOW_MS = 300;

export default class Status {
  constructor() {
    this._element = $('#latency');
  }

  latency(ms) {
    this._element.classList.remove('offline');
    this._element.textContent = ms >= SLOW_MS ? `Slow connection: ${ms}\u00a0ms` : '';
  }

  offline() {
    this._element.classList.add('offline');
    this._element.textContent = 'Offline';
  }
}
