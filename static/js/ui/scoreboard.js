// The score line: you on the left, the opponent (named, a bot marked as such) on the right.
import { $ } from '../utils.js';

export default class Scoreboard {
  constructor() {
    this._mine = $('[data-seat="me"]');
    this._theirs = $('[data-seat="them"]');
    this._name = $('#opponent-name');
  }

  setOpponent(opponent) {
    this._name.textContent = opponent.name;
    // The label is there for every bot, unless its name already says it.
    $('#opponent-tag').hidden = !opponent.bot || /practice bot/i.test(opponent.name);
  }

  setScores(scores, meId, opponentId) {
    this._mine.textContent = scores[meId] ?? 0;
    this._theirs.textContent = scores[opponentId] ?? 0;
  }
}
