// The corner readout: round-trip time to the server, or that we are offline.
import { $ } from '../utils.js';

export default class Status {
  constructor() {
    this._element = $('#latency');
  }

  latency(ms) {
    this._element.classList.remove('offline');
    this._element.textContent = `${ms} ms`;
  }

  offline() {
    this._element.classList.add('offline');
    this._element.textContent = 'offline';
  }
}
