// The closed question: the answer, each player's attempt with the judge's reason and points,
// who took it, the did-you-know line and when the next question comes. Colour always comes
// with an icon and words, so it is never the only cue.
import { $, seconds, secondsLeft, tick } from '../utils.js';
import { attemptRow, ICONS } from './attempt-row.js';

export default class Reveal {
  constructor() {
    this._element = $('#reveal');
    this._next = $('#reveal-next');
    this._stop = () => {};
    this._shown = null;
  }

  /**
   * `me` and `opponent` are {id, name}, my name being "You"; `late` is this question's `late`
   * event, if one came. Returns a sentence to announce.
   */
  render(reveal, me, opponent, late = null) {
    this._shown = { reveal, me, opponent };
    $('#reveal-answer').textContent = reveal.answer;
    $('#reveal-fact').textContent = reveal.did_you_know ? `Did you know? ${reveal.did_you_know}` : '';
    this._countNext(reveal.next_in_ms);
    return `The answer is ${reveal.answer}. ${this._draw(late)}`;
  }

  /** Adds a `late` event that came after the reveal it belongs to. */
  addLate(late) {
    if (this._shown?.reveal.index === late.index) this._draw(late);
  }

  // The parts that a late event changes: both rows and the "who took it" line.
  _draw(late) {
    const { reveal, me, opponent } = this._shown;
    const attemptBy = (player) => reveal.attempts.find((a) => a.by === player.id);
    const sooner = late ? `${seconds(late.sooner_ms)} s sooner` : '';
    $('#reveal-attempts').replaceChildren(
      attemptRow(attemptBy(me), me.name, late && `Too late — ${opponent.name} was ${sooner}`),
      attemptRow(attemptBy(opponent), opponent.name),
    );
    const tone = reveal.taken_by === me.id ? 'right' : reveal.taken_by ? 'stolen' : 'wrong';
    const words = {
      right: 'You took it!',
      stolen: `${opponent.name} took it${late ? ` — ${sooner}` : ''}`,
      wrong: 'Nobody got it',
    }[tone];
    this._element.className = `reveal tone-${tone}`;
    $('#reveal-taken').textContent = `${ICONS[tone]} ${words}`;
    return words;
  }

  _countNext(ms) {
    this._stop();
    if (typeof ms !== 'number') {
      this._next.textContent = 'Final scores coming up…';
      return;
    }
    this._stop = tick(ms, (left) => { this._next.textContent = `Next question in ${secondsLeft(left)} s`; });
  }
}
