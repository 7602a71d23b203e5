// Sound effects, synthesized with the Web Audio API (no sound files), and a short vibration on
// phones. Sound is off until the player turns it on with the switch; the choice is remembered.

const KEY = 'kwissle.sound';

// Each effect: notes of [frequency Hz, start s, length s], a wave shape and a loudness.
const EFFECTS = {
  tick: { wave: 'square', gain: 0.04, notes: [[1200, 0, 0.04]] },
  right: { wave: 'sine', gain: 0.2, notes: [[660, 0, 0.1], [990, 0.09, 0.18]] },
  wrong: { wave: 'sawtooth', gain: 0.08, notes: [[190, 0, 0.12], [150, 0.11, 0.2]] },
  stolen: { wave: 'triangle', gain: 0.18, notes: [[700, 0, 0.1], [470, 0.1, 0.1], [330, 0.2, 0.22]] },
  win: { wave: 'sine', gain: 0.2, notes: [[523, 0, 0.14], [659, 0.13, 0.14], [784, 0.26, 0.14], [1047, 0.39, 0.4]] },
  chime: { wave: 'sine', gain: 0.2, notes: [[880, 0, 0.25], [1320, 0.12, 0.45]] },
};
const BUZZ = { right: [40], wrong: [60, 50, 60], stolen: [30, 40, 30] };

export default class Sound {
  constructor(button) {
    this._button = button;
    this._context = null;
    this._on = readChoice() === 'on';
    this._draw();
    button.addEventListener('click', () => {
      this._on = !this._on;
      saveChoice(this._on ? 'on' : 'off');
      this._draw();
      if (this._on) this.play('right');
    });
  }

  /** Browsers start audio only after a tap or a key: call from one (Play, an answer). */
  unlock() {
    if (this._on) this._audio()?.resume();
  }

  play(name) {
    if (!this._on) return;
    const context = this._audio();
    const effect = EFFECTS[name];
    if (!context || !effect) return;
    const start = context.currentTime;
    for (const [frequency, at, length] of effect.notes) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = effect.wave;
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(effect.gain, start + at);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + at + length);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + at);
      oscillator.stop(start + at + length + 0.02);
    }
  }

  /** A short vibration where the browser allows it (phones), sound or not. */
  buzz(name) {
    if (BUZZ[name] && navigator.vibrate) navigator.vibrate(BUZZ[name]);
  }

  _audio() {
    if (!this._context && window.AudioContext) this._context = new AudioContext();
    return this._context;
  }

  _draw() {
    this._button.setAttribute('aria-pressed', String(this._on));
    this._button.title = this._on ? 'Sound effects on' : 'Sound effects off';
  }
}

function readChoice() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null; // storage refused (private mode): sound stays off
  }
}

function saveChoice(value) {
  try {
    localStorage.setItem(KEY, value);
  } catch {
    // not remembered; the switch still works for this page
  }
}
