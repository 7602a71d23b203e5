// The end of a battle: win, draw or loss, the scores, the replay link, Play again and Rematch.
import { $ } from '../utils.js';
import Note from './note.js';

export default class Result {
  constructor({ onPlayAgain, onRematch }) {
    this._rematch = $('#rematch');
    this.note = new Note($('#rematch-note'));
    this._expiry = 0;
    this._opponent = null;
    $('#play-again').addEventListener('click', onPlayAgain);
    this._rematch.addEventListener('click', () => {
      this._rematch.disabled = true;
      onRematch();
    });
  }

  /** `me` and `opponent` are {id, name}. Returns the headline, to announce. */
  render(result, me, opponent) {
    this._opponent = opponent;
    const [headline, tone, detail] = outcome(result, me, opponent);
    const section = $('#result');
    section.className = `result tone-${tone}`;
    $('#result-headline').textContent = headline;
    $('#result-detail').textContent = detail;
    $('#result-scores').textContent =
      `You ${result.scores[me.id] ?? 0} – ${result.scores[opponent.id] ?? 0} ${opponent.name}`;
    $('#replay-link').href = result.replay;
    this._rematch.textContent = 'Rematch';
    this._rematch.disabled = false;
    this.note.clear();
    clearTimeout(this._expiry);
    this._expiry = setTimeout(() => this.rematchClosed(), result.rematch_ms ?? 0);
    return `${headline}. ${$('#result-scores').textContent}`;
  }

  rematchSent() {
    this.note.show(`Waiting for ${this._opponent.name}…`, 0);
  }

  rematchWanted() {
    this._rematch.textContent = 'Accept rematch';
    this.note.show(`${this._opponent.name} wants a rematch!`, 0);
  }

  rematchClosed() {
    clearTimeout(this._expiry);
    this._rematch.disabled = true;
    this.note.show('The rematch offer has expired.', 0);
  }
}

function outcome(result, me, opponent) {
  if (result.outcome === 'aborted') {
    return ['Battle called off', 'stolen', 'A player left before the first question ended.'];
  }
  const forfeit = result.outcome === 'forfeit';
  if (result.winner === me.id) {
    return ['You won!', 'right', forfeit ? `${opponent.name} left the battle.` : 'Well played.'];
  }
  if (result.winner) {
    return ['You lost', 'wrong', forfeit ? 'You were away too long.' : `${opponent.name} won this one.`];
  }
  return ['It’s a draw', 'stolen', 'Equal scores.'];
}
