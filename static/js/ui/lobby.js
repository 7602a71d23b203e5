// The lobby and the waiting room: category, Play, Cancel and the practice-bot offer.
import { $ } from '../utils.js';

export default class Lobby {
  constructor({ onPlay, onCancel, onBot }) {
    this._category = $('#category');
    this._play = $('#play');
    this._offer = $('#bot-offer');
    this._play.addEventListener('click', () => onPlay(this.category));
    $('#cancel').addEventListener('click', onCancel);
    $('#bot-accept').addEventListener('click', onBot);
    $('#bot-decline').addEventListener('click', () => { this._offer.hidden = true; });
  }

  /** The chosen category slug, or null for any. */
  get category() {
    return this._category.value || null;
  }

  /** A category slug as the page names it ("film-tv" -> "Film & TV"). */
  label(slug) {
    const option = [...this._category.options].find((o) => o.value === slug);
    return option ? option.textContent : slug;
  }

  setReady(ready) {
    this._play.disabled = !ready;
  }

  waiting(category) {
    this._offer.hidden = true;
    $('#waiting-category').textContent = category ? `Category: ${this.label(category)}` : 'Any category';
  }

  offerBot() {
    this._offer.hidden = false;
    $('#bot-accept').focus();
  }
}
