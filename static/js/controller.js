// The one place that wires things: server events from the socket go to the views, and the
// views' callbacks become commands on the socket. Views never see the socket; the server
// decides everything and this only shows it.
import Attention from './attention.js';
import BattleLog from './battle-log.js';
import { sendReport } from './reports.js';
import GameSocket from './socket.js';
import Sound from './sound.js';
import { $ } from './utils.js';
import AnswerForm from './ui/answer-form.js';
import Announcer from './ui/announcer.js';
import Banner from './ui/banner.js';
import Celebration from './ui/celebration.js';
import Choices from './ui/choices.js';
import Duel from './ui/duel.js';
import Feedback from './ui/feedback.js';
import Intro from './ui/intro.js';
import Lobby from './ui/lobby.js';
import Note from './ui/note.js';
import QuestionCard from './ui/question.js';
import Report from './ui/report.js';
import Result from './ui/result.js';
import Reveal from './ui/reveal.js';
import Status from './ui/status.js';
import Timer from './ui/timer.js';
import followVisualViewport from './viewport.js';

const DEFAULT_COUNT = 10;
const ONLINE_EVERY_MS = 30000;
// Refusals after which the attempt stands (or the question is gone): nothing to undo.
const FINAL_ERRORS = new Set(['late', 'already_answered', 'future', 'wrong_battle', 'not_in_battle']);
// A `late` refusal needs no line of its own: the reveal and the `late` event tell it.
const UNTOLD_ERRORS = new Set(['late']);
const PLAYING = new Set(['countdown', 'question', 'reveal']);
const OFFLINE = 'Not connected — reconnecting, try again in a moment.';

export default class Controller {
  constructor(root) {
    const data = document.body.dataset;
    this._root = root;
    this._me = { id: data.userId, name: data.nickname, bot: false };
    this._socket = new GameSocket(data.socketUrl, data.token);
    this._battle = null; // { id, count, opponent: {id, name, bot} }
    this._index = -1;
    this._pending = null; // the attempt sent and not yet settled: 'answer' | 'alternatives' | 'choose'
    this._lagMs = 0;
    this._welcomedBefore = false;
    this._waitingFor = null;
    this._onlineTimer = 0;

    this._log = new BattleLog();
    this._sound = new Sound($('#sound'));
    this._attention = new Attention();
    this._lobby = new Lobby({
      onPlay: (category) => { this._sound.unlock(); this._play(category); },
      onCancel: () => this._cancel(),
      onBot: () => this._send({ type: 'bot' }, this._lobbyNote),
    });
    this._lobbyNote = new Note($('#lobby-note'));
    this._answerNote = new Note($('#answer-note'));
    this._feedback = new Feedback();
    this._answer = new AnswerForm({
      onAnswer: (text) => this._attempt('answer', { type: 'answer', text }),
      onAskChoices: () => this._attempt('alternatives', { type: 'alternatives' }),
    });
    this._choices = new Choices({ onChoose: (choice) => this._attempt('choose', { type: 'choose', choice }) });
    this._result = new Result({
      onPlayAgain: () => this._play(this._lobby.category),
      onRematch: () => this._rematch(),
      onShare: (url) => share(url),
    });
    this._duel = new Duel();
    this._question = new QuestionCard((slug) => this._lobby.label(slug));
    this._banner = new Banner();
    this._intro = new Intro();
    this._timer = new Timer({ onUrgentSecond: () => this._sound.play('tick') });
    this._reveal = new Reveal();
    this._celebration = new Celebration();
    this._report = new Report({
      onReport: async (report) => this._report.sent(await sendReport(data.xsrf, report)),
    });
    this._status = new Status();
    this._live = new Announcer();
    followVisualViewport();
    // Leaving a battle by accident (a link, the back button, closing the tab) asks first.
    window.addEventListener('beforeunload', (event) => {
      if (PLAYING.has(this._state)) event.preventDefault();
    });
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
    on('left', this._onLeft);
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
    if (state !== 'waiting') this._lobby.stopWaiting();
  }

  _opponentName() {
    return this._battle.opponent.name;
  }

  // ---- connection ----

  _up() {
    const first = !this._welcomedBefore;
    this._welcomedBefore = true;
    this._lobby.setReady(true);
    this._banner.hide();
    this._status.latency(0);
    if (first && this._state === 'idle') this._lobby.focusPlay();
    this._countOnline(); // now counting this player too
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

  /** How many are online, now and every so often while the lobby or waiting room shows. */
  async _countOnline() {
    clearTimeout(this._onlineTimer);
    this._onlineTimer = setTimeout(() => this._countOnline(), ONLINE_EVERY_MS);
    if (!['idle', 'waiting'].includes(this._state)) return;
    try {
      const response = await fetch('/online', { credentials: 'same-origin' });
      if (response.ok) this._lobby.setOnline((await response.json()).players);
    } catch {
      // offline: the count stays as it was
    }
  }

  _play(category) {
    this._send({ type: 'play', category }, this._note());
  }

  _cancel() {
    this._send({ type: 'cancel' }, this._lobbyNote);
    this._state = 'idle';
  }

  _onWaiting({ category }) {
    this._waitingFor = category ?? null;
    this._state = 'waiting';
    this._lobby.waiting(this._waitingFor);
    this._countOnline();
  }

  // ---- the battle ----

  _onBattle({ battle, players, questions, starts_in_ms: startsInMs }) {
    this._begin(battle, players, questions);
    this._intro.start(this._battle.opponent, startsInMs);
    this._state = 'countdown';
    const bot = this._battle.opponent.bot ? ', the practice bot,' : '';
    const found = `Battle against ${this._opponentName()}${bot} starts in ${Math.round(startsInMs / 1000)} seconds.`;
    this._live.say(found);
    // A tab in the background is called back before question 1 opens.
    if (this._attention.call('⚔ Battle found!')) this._sound.play('chime');
  }

  _begin(id, players, count) {
    const opponent = players.find((p) => p.id !== this._me.id);
    this._battle = {
      id,
      count: count ?? DEFAULT_COUNT,
      opponent: { id: opponent.id, name: opponent.nickname, bot: Boolean(opponent.bot) },
    };
    this._log.reset(this._battle.count, [this._me.id, opponent.id]);
    this._banner.hide();
    this._celebration.stop();
    this._duel.setPlayers(this._me, this._battle.opponent, this._battle.count);
  }

  _onQuestion(question) {
    this._index = question.index;
    this._pending = null;
    this._question.render({ count: this._battle.count, ...question });
    this._timer.start(question.remaining_ms, question.seconds * 1000, this._lagMs);
    this._choices.clear();
    this._feedback.clear();
    this._answerNote.clear();
    this._duel.setCurrent(question.index);
    this._state = 'question';
    this._answer.open();
    this._live.say(`Question ${question.index + 1}: ${question.text}`);
  }

  _attempt(kind, command) {
    this._sound.unlock();
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

  // A wrong attempt, told at once: yours shakes red, the opponent's shows in their colour.
  _onAttempt({ index, by }) {
    if (index !== this._index) return;
    this._log.addWrong(index, by);
    this._duel.setDots((i, id) => this._log.outcome(i, id));
    if (by === this._me.id) {
      this._pending = null;
      this._answer.shake();
      this._feedback.mine('✗ Wrong — you can still watch');
      this._sound.play('wrong');
      this._sound.buzz('wrong');
      this._live.say('Wrong.');
      return;
    }
    const line = `✗ ${this._opponentName()} answered wrong`;
    this._feedback.theirs(line);
    this._live.say(`${this._opponentName()} answered wrong.`);
  }

  _onReveal(reveal) {
    this._timer.stop();
    this._pending = null;
    this._log.addReveal(reveal);
    const from = this._state === 'question' ? $('#answer-form').getBoundingClientRect() : null;
    this._showReveal(reveal);
    const mine = reveal.attempts.find((a) => a.by === this._me.id);
    this._report.show({ battle: this._battle.id, question_id: reveal.question_id, typed: mine?.text ?? '' });
    const tone = reveal.story?.[this._me.id]?.tone;
    if (tone === 'took') {
      this._sound.play('right');
      this._sound.buzz('right');
      if (from && mine) this._feedback.fly(mine.points, from, this._duel.myScoreBox());
    } else if (tone === 'stolen') {
      this._sound.play('stolen');
      this._sound.buzz('stolen');
    }
  }

  /** Draws a reveal (live or from a snapshot): scores, dots, story, choices, attempts. */
  _showReveal(reveal) {
    this._duel.setScores(reveal.scores);
    this._duel.setDots((i, id) => this._log.outcome(i, id));
    this._state = 'reveal';
    const said = this._reveal.render(reveal, this._me, this._battle.opponent);
    if (this._choices.shown) {
      const theirs = reveal.attempts.find((a) => a.by === this._battle.opponent.id && a.method === 'choice');
      this._choices.reveal(reveal.answer, theirs ? { name: this._opponentName(), text: theirs.text } : null);
    }
    this._live.say(said);
  }

  _onLate(late) {
    const reveal = this._log.addLate(late);
    if (!reveal) return;
    this._duel.setDots((i, id) => this._log.outcome(i, id));
    this._reveal.update(reveal);
    if (late.by === this._me.id && late.correct) {
      this._sound.play('stolen');
      this._sound.buzz('stolen');
    }
    this._live.say(reveal.story?.[this._me.id]?.text ?? '');
  }

  _onAway({ player, hold_ms: holdMs }) {
    if (player === this._me.id) return;
    const name = this._opponentName();
    this._banner.countdown(holdMs, (s) => `${name} lost connection — holding their seat (${s}\u00a0s)`);
    this._live.say(`${name} lost connection.`);
  }

  _onBack({ player }) {
    if (player === this._me.id) return;
    this._banner.hide();
    if (this._state === 'result') this._result.opponentLeft(false);
    this._live.say(`${this._opponentName()} is back.`);
  }

  _onLeft({ player }) {
    if (player === this._me.id) return;
    this._result.opponentLeft(true);
    this._live.say(`${this._opponentName()} has left.`);
  }

  _onResult(result) {
    this._timer.stop();
    this._banner.hide();
    this._duel.setScores(result.scores);
    const headline = this._result.render(result, this._log, this._me, this._battle.opponent);
    this._state = 'result';
    this._live.say(headline);
    if (result.winner === this._me.id) {
      this._celebration.start();
      this._sound.play('win');
    }
    if ($('#rematch').disabled) $('#play-again').focus();
    else $('#rematch').focus();
    if (!this._battle.opponent.bot) this._headToHead(this._battle.opponent.id);
  }

  async _headToHead(opponentId) {
    try {
      const response = await fetch(`/versus/${encodeURIComponent(opponentId)}`, { credentials: 'same-origin' });
      if (response.ok && this._battle?.opponent.id === opponentId) this._result.headToHead(await response.json());
    } catch {
      // offline: the record is simply not shown
    }
  }

  _rematch() {
    if (this._send({ type: 'rematch', battle: this._battle.id }, this._note())) this._result.rematchSent();
  }

  // ---- after a reconnect or a reload: redraw everything from the server's view ----

  _onSnapshot(snap) {
    this._begin(snap.battle, snap.players, snap.questions ?? snap.question?.count);
    for (const reveal of snap.reveals ?? []) this._log.addReveal(reveal);
    this._duel.setScores(snap.scores);
    this._duel.setDots((i, id) => this._log.outcome(i, id));
    const last = snap.reveals?.at(-1);
    if (snap.phase === 'countdown') {
      this._intro.start(this._battle.opponent, snap.starts_in_ms);
      this._state = 'countdown';
    } else if (snap.phase === 'question' && snap.question) {
      if (this._state === 'question' && this._index === snap.question.index) {
        // Still the question on screen (another server took the battle over): keep what is
        // typed, and let an answer the server never got be sent again.
        this._timer.start(snap.question.remaining_ms, snap.question.seconds * 1000, this._lagMs);
        if (!snap.my_attempt && !snap.alternatives) {
          this._pending = null;
          this._answer.unlock();
        }
      } else {
        this._onQuestion(snap.question);
      }
      this._restoreAttempt(snap.question.index, snap.alternatives, snap.my_attempt);
    } else if (snap.result) {
      this._onResult(snap.result);
    } else if (['finished', 'closed'].includes(snap.phase)) {
      this._state = 'idle';
    } else if (last) {
      this._index = last.index;
      this._choices.clear();
      this._question.render({ index: last.index, count: this._battle.count, category: snap.category, text: '' });
      this._duel.setCurrent(last.index);
      this._showReveal(last);
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
      this._result.rematchClosed(message);
      return;
    }
    if (this._pending && !FINAL_ERRORS.has(code)) this._undo(this._pending);
    this._pending = null;
    if (!UNTOLD_ERRORS.has(code)) this._note().show(message);
  }

  /** Where a message shows in the current state: near the answer box, the result, or Play. */
  _note() {
    if (this._state === 'result') return this._result.note;
    return ['question', 'reveal'].includes(this._state) ? this._answerNote : this._lobbyNote;
  }
}

/** Shares the replay `url` (the phone's share sheet, else the clipboard); returns what happened. */
async function share(url) {
  try {
    if (navigator.share) {
      await navigator.share({ title: 'A Kwissle battle', url });
      return '';
    }
    await navigator.clipboard.writeText(url);
    return 'Link copied — paste it anywhere.';
  } catch (error) {
    if (error?.name === 'AbortError') return '';
    return `Copy this link: ${url}`;
  }
}
