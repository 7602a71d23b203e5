// The one place that wires things: server events from the socket go to the views, and the
// views' callbacks become commands on the socket. Views never see the socket; the server
// decides everything and this only shows it.
import { sendReport } from './reports.js';
import GameSocket from './socket.js';
import { $ } from './utils.js';
import AnswerForm from './ui/answer-form.js';
import Announcer from './ui/announcer.js';
import Banner from './ui/banner.js';
import Choices from './ui/choices.js';
import Intro from './ui/intro.js';
import Lobby from './ui/lobby.js';
import Note from './ui/note.js';
import QuestionCard from './ui/question.js';
import Report from './ui/report.js';
import Result from './ui/result.js';
import Reveal from './ui/reveal.js';
import Scoreboard from './ui/scoreboard.js';
import Status from './ui/status.js';
import Timer from './ui/timer.js';

const DEFAULT_COUNT = 10;
// Refusals after which the attempt stands (or the question is gone): nothing to undo.
const FINAL_ERRORS = new Set(['late', 'already_answered', 'future', 'wrong_battle', 'not_in_battle']);
const OFFLINE = 'Not connected — reconnecting, try again in a moment.';

export default class Controller {
  constructor(root) {
    const data = document.body.dataset;
    this._root = root;
    this._me = { id: data.userId, name: 'You' };
    this._socket = new GameSocket(data.socketUrl, data.token);
    this._battle = null; // { id, count, opponent: {id, name, bot} }
    this._index = -1;
    this._pending = null; // the attempt sent and not yet settled: 'answer' | 'alternatives' | 'choose'
    this._late = new Map();
    this._lagMs = 0;
    this._welcomedBefore = false;
    this._waitingFor = null;

    this._lobby = new Lobby({
      onPlay: (category) => this._play(category),
      onCancel: () => this._cancel(),
      onBot: () => this._send({ type: 'bot' }, this._lobbyNote),
    });
    this._lobbyNote = new Note($('#lobby-note'));
    this._answerNote = new Note($('#answer-note'));
    this._feed = new Note($('#feed'));
    this._answer = new AnswerForm({
      onAnswer: (text) => this._attempt('answer', { type: 'answer', text }),
      onAskChoices: () => this._attempt('alternatives', { type: 'alternatives' }),
    });
    this._choices = new Choices({ onChoose: (choice) => this._attempt('choose', { type: 'choose', choice }) });
    this._result = new Result({
      onPlayAgain: () => this._play(this._lobby.category),
      onRematch: () => this._rematch(),
    });
    this._scoreboard = new Scoreboard();
    this._question = new QuestionCard((slug) => this._lobby.label(slug));
    this._banner = new Banner();
    this._intro = new Intro();
    this._timer = new Timer();
    this._reveal = new Reveal();
    this._report = new Report({
      onReport: async (report) => this._report.sent(await sendReport(data.xsrf, report)),
    });
    this._status = new Status();
    this._live = new Announcer();
    this._listen();
    this._socket.connect();
  }

  _listen() {
    const on = (type, handler) => this._socket.on(type, (message) => handler.call(this, message));
    on('up', this._up);
    on('down', this._down);
    on('latency', ({ ms }) => { this._lagMs = ms / 2; this._status.latency(ms); });
    on('waiting', this._onWaiting);
    on('bot_offer', () => this._lobby.offerBot());
    on('battle', this._onBattle);
    on('question', this._onQuestion);
    on('alternatives', this._onAlternatives);
    on('attempt', this._onAttempt);
    on('reveal', this._onReveal);
    on('late', this._onLate);
    on('away', this._onAway);
    on('back', this._onBack);
    on('result', this._onResult);
    on('rematch', ({ by }) => { if (by !== this._me.id) this._result.rematchWanted(); });
    on('snapshot', this._onSnapshot);
    on('error', this._onError);
  }

  get _state() {
    return this._root.dataset.state;
  }

  set _state(state) {
    this._root.dataset.state = state;
  }

  _opponentName() {
    return this._battle.opponent.name;
  }

  // ---- connection ----

  _up() {
    this._welcomedBefore = true;
    this._lobby.setReady(true);
    this._banner.hide();
    // The pool forgets a connection that dropped; ask again for the same game.
    if (this._state === 'waiting') this._send({ type: 'play', category: this._waitingFor });
  }

  _down() {
    this._status.offline();
    this._lobby.setReady(false);
    if (!['idle', 'waiting'].includes(this._state)) this._banner.show('Connection lost — reconnecting…');
  }

  /** Sends `message`; when offline says so in `note` and returns false. */
  _send(message, note) {
    const sent = this._socket.send(message);
    if (!sent) note.show(OFFLINE);
    return sent;
  }

  // ---- lobby ----

  _play(category) {
    this._send({ type: 'play', category }, this._note());
  }

  _cancel() {
    this._send({ type: 'cancel' }, this._lobbyNote);
    this._state = 'idle';
  }

  _onWaiting({ category }) {
    this._waitingFor = category ?? null;
    this._lobby.waiting(this._waitingFor);
    this._state = 'waiting';
  }

  // ---- the battle ----

  _onBattle({ battle, players, questions, starts_in_ms: startsInMs }) {
    this._begin(battle, players, questions);
    this._intro.start(this._battle.opponent, startsInMs);
    this._state = 'countdown';
    const bot = this._battle.opponent.bot ? ', the practice bot,' : '';
    this._live.say(`Battle against ${this._opponentName()}${bot} starts in ${Math.round(startsInMs / 1000)} seconds.`);
  }

  _begin(id, players, count) {
    const opponent = players.find((p) => p.id !== this._me.id);
    this._battle = {
      id,
      count: count ?? DEFAULT_COUNT,
      opponent: { id: opponent.id, name: opponent.nickname, bot: Boolean(opponent.bot) },
    };
    this._late.clear();
    this._banner.hide();
    this._scoreboard.setOpponent(this._battle.opponent);
    this._scoreboard.setScores({}, this._me.id, opponent.id);
  }

  _onQuestion(question) {
    this._index = question.index;
    this._pending = null;
    this._question.render({ count: this._battle.count, ...question });
    this._timer.start(question.remaining_ms, question.seconds * 1000, this._lagMs);
    this._choices.clear();
    this._feed.clear();
    this._answerNote.clear();
    this._state = 'question';
    this._answer.open();
    this._live.say(`Question ${question.index + 1}: ${question.text}`);
  }

  _attempt(kind, command) {
    const sent = this._send({ ...command, battle: this._battle.id, index: this._index }, this._answerNote);
    if (sent) {
      this._pending = kind;
      if (kind === 'answer') this._answer.lock();
    } else {
      this._undo(kind);
    }
  }

  _undo(kind) {
    if (kind === 'choose') this._choices.reopen();
    else this._answer.unlock();
  }

  _onAlternatives({ index, choices }) {
    if (index !== this._index) return;
    this._choices.show(index, choices);
  }

  _onAttempt({ index, by }) {
    if (index !== this._index || by === this._me.id) return;
    const line = `${this._opponentName()} answered: wrong`;
    this._feed.show(`✗ ${line}`, 0);
    this._live.say(line);
  }

  _onReveal(reveal) {
    this._timer.stop();
    this._pending = null;
    this._scoreboard.setScores(reveal.scores, this._me.id, this._battle.opponent.id);
    const said = this._reveal.render(reveal, this._me, this._battle.opponent, this._late.get(reveal.index));
    const mine = reveal.attempts.find((a) => a.by === this._me.id);
    this._report.show({ battle: this._battle.id, question_id: reveal.question_id, typed: mine?.text ?? '' });
    this._state = 'reveal';
    this._live.say(said);
  }

  _onLate(late) {
    if (late.by !== this._me.id) return;
    this._late.set(late.index, late);
    this._reveal.addLate(late);
    this._live.say(`Too late — ${this._opponentName()} was ${(late.sooner_ms / 1000).toFixed(1)} s sooner`);
  }

  _onAway({ player, hold_ms: holdMs }) {
    if (player === this._me.id) return;
    const name = this._opponentName();
    this._banner.countdown(holdMs, (s) => `${name} lost connection — holding their seat (${s} s)`);
    this._live.say(`${name} lost connection.`);
  }

  _onBack({ player }) {
    if (player === this._me.id) return;
    this._banner.hide();
    this._live.say(`${this._opponentName()} is back.`);
  }

  _onResult(result) {
    this._timer.stop();
    this._banner.hide();
    this._scoreboard.setScores(result.scores, this._me.id, this._battle.opponent.id);
    this._live.say(this._result.render(result, this._me, this._battle.opponent));
    this._state = 'result';
    $('#play-again').focus();
  }

  _rematch() {
    if (this._send({ type: 'rematch', battle: this._battle.id }, this._note())) this._result.rematchSent();
  }

  // ---- after a reconnect or a reload: redraw everything from the server's view ----

  _onSnapshot(snap) {
    this._begin(snap.battle, snap.players, snap.questions ?? snap.question?.count);
    this._scoreboard.setScores(snap.scores, this._me.id, this._battle.opponent.id);
    const last = snap.reveals?.at(-1);
    if (snap.phase === 'countdown') {
      this._intro.start(this._battle.opponent, snap.starts_in_ms);
      this._state = 'countdown';
    } else if (snap.phase === 'question' && snap.question) {
      this._onQuestion(snap.question);
      this._restoreAttempt(snap.question.index, snap.alternatives, snap.my_attempt);
    } else if (snap.result) {
      this._onResult(snap.result);
    } else if (['finished', 'closed'].includes(snap.phase)) {
      this._state = 'idle';
    } else if (last) {
      this._question.render({ index: last.index, count: this._battle.count, category: snap.category, text: '' });
      this._onReveal(last);
    }
  }

  _restoreAttempt(index, alternatives, attempt) {
    if (alternatives) {
      this._answer.lock('');
      this._choices.show(index, alternatives, attempt?.method === 'choice' ? attempt.text : null);
    } else if (attempt) {
      this._answer.lock(attempt.text);
    }
  }

  _onError({ code, message }) {
    if (code === 'bad_token' && this._welcomedBefore) {
      // The page's token has expired during a long reconnect; a reload brings a fresh one.
      window.location.reload();
      return;
    }
    if (code === 'rematch_closed') {
      this._result.rematchClosed();
      return;
    }
    if (this._pending && !FINAL_ERRORS.has(code)) this._undo(this._pending);
    this._pending = null;
    this._note().show(message);
  }

  /** Where a message shows in the current state: near the answer box, the result, or Play. */
  _note() {
    if (this._state === 'result') return this._result.note;
    return ['question', 'reveal'].includes(this._state) ? this._answerNote : this._lobbyNote;
  }
}
