// The line under the answer while a question is open: your own wrong attempt in the error
// style, the opponent's in their colour (it is not your error), and the points that fly from
// the answer to your score when you take a question.
import { $, el, reducedMotion } from '../utils.js';

export default class Feedback {
  constructor() {
    this._feed = $('#feed');
  }

  clear() {
    this._feed.textContent = '';
    this._feed.className = 'feed';
  }

  mine(text) {
    this._say(text, 'mine');
  }

  theirs(text) {
    // Your own verdict stays: the opponent's attempt only shows when there is nothing of yours.
    if (this._feed.classList.contains('mine')) return;
    this._say(text, 'theirs');
  }

  /** "+3" rising from `from` (a DOMRect) into `to` (your score's DOMRect). */
  fly(points, from, to) {
    if (reducedMotion()) return;
    const label = el('span', 'points-fly', `+${points}`);
    label.setAttribute('aria-hidden', 'true');
    label.style.left = `${from.left + from.width / 2}px`;
    label.style.top = `${from.top}px`;
    document.body.append(label);
    requestAnimationFrame(() => requestAnimationFrame(() => {
      const dx = to.left + to.width / 2 - (from.left + from.width / 2);
      const dy = to.top - from.top;
      label.style.transform = `translate(${dx}px, ${dy}px) scale(.7)`;
      label.style.opacity = '0';
    }));
    label.addEventListener('transitionend', () => label.remove(), { once: true });
    setTimeout(() => label.remove(), 1500); // in case no transition ends (a hidden tab)
  }

  _say(text, who) {
    this._feed.textContent = text;
    this._feed.className = `feed ${who}`;
  }
}
