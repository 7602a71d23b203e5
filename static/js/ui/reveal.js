// The closed question: the verdict in one line (the server's story for this player), the answer,
// each player's attempt with how it went, the did-you-know line and when the next question comes.
// Colour always comes with an icon and words, so it is never the only cue.
import { $, secondsLeft, tick } from '../utils.js';
import attemptRow from './attempt-row.js';

export default class Reveal {
  constructor() {
    this._story = $('#story');
    this._next = $('#reveal-next');
    this._stop = () => {};
    this._shown = null;
  }

  /** `me` and `opponent` are {id, name}. Returns the sentence to announce. */
  render(reveal, me, opponent) {
    this._shown = { index: reveal.index, me, opponent };
    $('#reveal-answer').textContent = reveal.answer;
    $('#reveal-fact').textContent = reveal.did_you_know ? `Did you know? ${reveal.did_you_know}` : '';
    this._countNext(reveal.next_in_ms);
    const story = this._draw(reveal);
    this._story.classList.remove('burst');
    if (story.tone === 'took') {
      void this._story.offsetWidth; // restart the burst
      this._story.classList.add('burst');
    }
    return `${story.text}. The answer is ${reveal.answer}.`;
  }

  /** Redraws after a late attempt changed the story of the reveal on screen. */
  update(reveal) {
    if (this._shown?.index === reveal.index) this._draw(reveal);
  }

  /** The story box, for the points flying out of it. */
  storyBox() {
    return this._story.getBoundingClientRect();
  }

  _draw(reveal) {
    const { me, opponent } = this._shown;
    const story = reveal.story?.[me.id] ?? { tone: 'nobody', text: '' };
    this._story.className = `story tone-${story.tone}${this._story.classList.contains('burst') ? ' burst' : ''}`;
    this._story.textContent = story.text;
    const attemptBy = (player) => [...reveal.attempts, ...(reveal.late ?? [])].find((a) => a.by === player.id);
    $('#reveal-attempts').replaceChildren(
      attemptRow(attemptBy(me), me.name, true),
      attemptRow(attemptBy(opponent), opponent.name, false),
    );
    return story;
  }

  _countNext(ms) {
    this._stop();
    if (typeof ms !== 'number') {
      this._next.textContent = 'Final scores coming up…';
      return;
    }
    this._stop = tick(ms, (left) => { this._next.textContent = `Next question in ${secondsLeft(left)}\u00a0s`; });
  }
}
