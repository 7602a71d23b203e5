// The two player cards face to face: avatar, nickname, score, and a dot per question that fills
// in as each one closes (took it typed, took it by choice, wrong, right too late, no answer).
import { $, $$, el } from '../utils.js';

const DOT_WORDS = {
  typed: 'took it, typed',
  choice: 'took it, by choice',
  wrong: 'wrong',
  late: 'right, too late',
  none: 'no answer',
};

export default class Duel {
  constructor() {
    this._cards = { me: $('.player-me'), them: $('.player-them') };
    this._ids = { me: null, them: null };
    this._index = -1;
  }

  /** `me` and `opponent` are {id, name, bot}; `count` questions. */
  setPlayers(me, opponent, count) {
    this._ids = { me: me.id, them: opponent.id };
    const them = this._cards.them;
    $('.avatar', them).textContent = initial(opponent.name);
    $('.player-name', them).textContent = opponent.name;
    $('.player-role', them).textContent = opponent.bot ? 'Practice bot · unrated' : 'Opponent';
    for (const card of Object.values(this._cards)) {
      $('.dots', card).replaceChildren(...Array.from({ length: count }, () => el('li', 'dot')));
      $('.score', card).textContent = '0';
    }
    this._index = -1;
  }

  /** Marks question `index` as the one being played. */
  setCurrent(index) {
    this._index = index;
    for (const card of Object.values(this._cards)) {
      $$('.dot', card).forEach((dot, i) => dot.classList.toggle('current', i === index));
    }
  }

  /** Redraws every dot from `outcome(index, playerId)` (see BattleLog.outcome). */
  setDots(outcome) {
    for (const [seat, card] of Object.entries(this._cards)) {
      $$('.dot', card).forEach((dot, i) => {
        const result = outcome(i, this._ids[seat]);
        dot.className = `dot${result ? ` dot-${result}` : ''}${i === this._index && !result ? ' current' : ''}`;
        dot.title = `Question ${i + 1}: ${result ? DOT_WORDS[result] : 'not played yet'}`;
      });
    }
  }

  /** Shows `scores` {id: points}; a score that went up bumps. */
  setScores(scores) {
    for (const [seat, card] of Object.entries(this._cards)) {
      const score = $('.score', card);
      const value = String(scores[this._ids[seat]] ?? 0);
      if (score.textContent === value) continue;
      const rose = Number(value) > Number(score.textContent);
      score.textContent = value;
      if (rose) bump(score);
    }
  }

  /** Where "your score" is on screen, for the points that fly to it. */
  myScoreBox() {
    return $('.score', this._cards.me).getBoundingClientRect();
  }
}

function initial(name) {
  return [...name.trim()][0]?.toUpperCase() ?? '?';
}

function bump(element) {
  element.classList.remove('bump');
  void element.offsetWidth; // restart the animation
  element.classList.add('bump');
}
