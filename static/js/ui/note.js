// A one-line message that clears itself after a few seconds (errors, notices).

const SHOW_MS = 4000;

export default class Note {
  constructor(element) {
    this._element = element;
    this._timer = 0;
  }

  show(text, ms = SHOW_MS) {
    clearTimeout(this._timer);
    this._element.textContent = text;
    if (ms) this._timer = setTimeout(() => this.clear(), ms);
  }

  clear() {
    clearTimeout(this._timer);
    this._element.textContent = '';
  }
}
