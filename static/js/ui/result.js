// The end of a battle: win, draw or loss, the scores, the question-by-question breakdown, your
// figures, the record between the two players, the replay (to open or share), and Rematch with
// the time left to accept it, refused with the reason when the opponent has left.
import { $, el, plural, secondsLeft, seconds, tick } from '../utils.js';
import Note from './note.js';

const DOT_WORDS = { typed: 'typed', choice: 'choice', wrong: 'wrong', late: 'late', none: 'none' };

export default class Result {
  constructor({ onPlayAgain, onRematch, onShare }) {
    this._rematch = $('#rematch');
    this.note = new Note($('#rematch-note'));
    this._shareNote = new Note($('#share-note'));
    this._stop = () => {};
    this._open = false;
    this._sent = false;
    this._left = false;
    this._opponent = null;
    $('#play-again').addEventListener('click', onPlayAgain);
    this._rematch.addEventListener('click', () => {
      this._sent = true;
      this._rematch.disabled = true;
      onRematch();
    });
    $('#share').addEventListener('click', async () => this._shareNote.show(await onShare($('#replay-link').href), 6000));
  }

  /** `me` and `opponent` are {id, name, bot}; `log` is the BattleLog. Returns the headline. */
  render(result, log, me, opponent) {
    this._opponent = opponent;
    const [headline, tone, detail] = outcome(result, me, opponent);
    $('#result').className = `result tone-${tone}`;
    $('#result-headline').textContent = headline;
    $('#result-detail').textContent = detail;
    const scores = $('#result-scores');
    scores.replaceChildren(
      el('span', 'me', `${me.name} ${result.scores[me.id] ?? 0}`), ' – ',
      el('span', 'them', `${result.scores[opponent.id] ?? 0} ${opponent.name}`),
    );
    $('#replay-link').href = result.replay;
    $('.breakdown-them').textContent = opponent.name;
    this._breakdown(log, me, opponent);
    this._stats(log.stats(me.id));
    $('#head-to-head').textContent = '';
    this._startRematchClock(result);
    return `${headline} ${scores.textContent}`;
  }

  /** Your record against this opponent (the battle just played included). */
  headToHead({ wins, losses, draws }) {
    $('#head-to-head').textContent =
      `You against ${this._opponent.name}: ${plural(wins, 'win')}, ${losses} loss${losses === 1 ? '' : 'es'}, ${plural(draws, 'draw')}.`;
  }

  rematchSent() {
    this.note.show(`Waiting for ${this._opponent.name}…`, 0);
  }

  rematchWanted() {
    if (!this._open) return;
    this._rematch.firstChild.textContent = 'Accept rematch';
    this.note.show(`${this._opponent.name} wants a rematch!`, 0);
  }

  /** The opponent left (true) or came back (false) while the rematch was open. */
  opponentLeft(left) {
    this._left = left;
    this._drawRematch();
    if (left) this.note.show(`${this._opponent.name} has left — no rematch.`, 0);
    else if (this._open) this.note.show(`${this._opponent.name} is back.`, 0);
  }

  rematchClosed(reason = 'The rematch offer has expired.') {
    this._stop();
    this._open = false;
    this._drawRematch();
    this.note.show(reason, 0);
  }

  _startRematchClock(result) {
    this._stop();
    this._open = result.outcome !== 'aborted';
    this._sent = false;
    this._left = false;
    this.note.clear();
    this._rematch.replaceChildren(document.createTextNode('Rematch'), el('span', 'rematch-clock'));
    this._drawRematch();
    if (!this._open) return;
    this._stop = tick(result.rematch_ms ?? 0, (left) => {
      if (left === 0) this.rematchClosed();
      else $('.rematch-clock', this._rematch).textContent = ` (${secondsLeft(left)}\u00a0s)`;
    });
  }

  _drawRematch() {
    this._rematch.disabled = !this._open || this._sent || this._left;
    if (!this._open) $('.rematch-clock', this._rematch).textContent = '';
  }

  _breakdown(log, me, opponent) {
    const rows = Array.from({ length: log.count }, (_, i) => {
      const row = el('tr');
      row.append(el('td', '', String(i + 1)), cell(log, i, me.id), cell(log, i, opponent.id));
      return row;
    });
    $('#breakdown tbody').replaceChildren(...rows);
  }

  _stats({ right, played, typed, choice, averageMs, fastestMs }) {
    const figures = [
      ['Right answers', `${right}/${played}`],
      ['Typed / choices', `${typed} / ${choice}`],
      ['Average right', averageMs === null ? '–' : `${seconds(averageMs)}\u00a0s`],
      ['Fastest', fastestMs === null ? '–' : `${seconds(fastestMs)}\u00a0s`],
    ];
    $('#result-stats').replaceChildren(...figures.map(([term, value]) => {
      const item = el('div');
      item.append(el('dt', '', term), el('dd', '', value));
      return item;
    }));
  }
}

function cell(log, index, playerId) {
  const result = log.outcome(index, playerId) ?? 'none';
  const ms = log.time(index, playerId);
  const td = el('td');
  const box = el('span', 'cell');
  box.append(el('span', `dot dot-${result}`), el('span', '', DOT_WORDS[result]));
  if (ms !== null) box.append(el('span', 'time', `${seconds(ms)}\u00a0s`));
  td.append(box);
  return td;
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
