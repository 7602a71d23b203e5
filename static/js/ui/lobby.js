// The lobby and the waiting room: category, Play, how many are online, Cancel, and the
// practice-bot offer, made again after another while to a player who chose to keep waiting.
import { $, $$, plural } from '../utils.js';

export default class Lobby {
  constructor({ onPlay, onCancel, onBot }) {
    this._play = $('#play');
    this._offer = $('#bot-offer');
    this._online = $('#online');
    this._waitingSince = 0;
    this._offerAfterMs = 0;
    this._reoffer = 0;
    this._play.addEventListener('click', () => onPlay(this.category));
    $('#cancel').addEventListener('click', () => { this._stopOffers(); onCancel(); });
    $('#bot-accept').addEventListener('click', onBot);
    $('#bot-decline').addEventListener('click', () => this._keepWaiting());
  }

  /** The chosen category slug, or null for any. */
  get category() {
    return $('input[name="category"]:checked')?.value || null;
  }

  /** A category slug as the page names it ("film-tv" -> "Film & TV"). */
  label(slug) {
    const input = $$('input[name="category"]').find((i) => i.value === slug);
    return input ? input.closest('label').textContent.trim() : slug;
  }

  setReady(ready) {
    this._play.disabled = !ready;
  }

  /** Focus on Play, unless the player is already somewhere on the page. */
  focusPlay() {
    if (document.activeElement === document.body) this._play.focus();
  }

  setOnline(players) {
    this._online.textContent = `${plural(players, 'player')} online now`;
  }

  waiting(category) {
    this._stopOffers();
    this._waitingSince = performance.now();
    $('#waiting-category').textContent = category ? `Category: ${this.label(category)}` : 'Any category';
    $('#cancel').focus();
  }

  /** The server offers the bot after a while alone; "Keep waiting" waits as long again. */
  offerBot() {
    this._offerAfterMs = performance.now() - this._waitingSince;
    this._showOffer();
  }

  /** No longer waiting: forget the offer. */
  stopWaiting() {
    this._stopOffers();
  }

  _keepWaiting() {
    this._offer.hidden = true;
    $('#cancel').focus();
    clearTimeout(this._reoffer);
    this._reoffer = setTimeout(() => this._showOffer(), this._offerAfterMs);
  }

  _showOffer() {
    this._offer.hidden = false;
    $('#bot-accept').focus();
  }

  _stopOffers() {
    clearTimeout(this._reoffer);
    this._offer.hidden = true;
  }
}
