// What happened at each question of the battle on screen, for the dots under each player and
// the result's breakdown. Fed only by the server's reveal and late events; decides nothing.

export default class BattleLog {
  constructor() {
    this.reset(10, []);
  }

  reset(count, playerIds) {
    this.count = count;
    this._players = playerIds;
    this._reveals = new Map(); // index -> reveal, with its late attempts merged in
    this._wrongSoFar = new Map(); // index -> player ids announced wrong before the reveal
  }

  addReveal(reveal) {
    this._reveals.set(reveal.index, { ...reveal, late: [...(reveal.late ?? [])] });
  }

  /** A wrong attempt announced while the question is still open. */
  addWrong(index, playerId) {
    const wrong = this._wrongSoFar.get(index) ?? new Set();
    wrong.add(playerId);
    this._wrongSoFar.set(index, wrong);
  }

  /** A late attempt (told after its reveal): returns the reveal with it, or null. */
  addLate(late) {
    const reveal = this._reveals.get(late.index);
    if (!reveal) return null;
    if (!reveal.late.some((a) => a.by === late.by)) reveal.late.push(late);
    reveal.story = late.story;
    return reveal;
  }

  reveal(index) {
    return this._reveals.get(index) ?? null;
  }

  /**
   * How question `index` went for `playerId`: 'typed' or 'choice' (took it that way),
   * 'wrong', 'late' (right, after the other took it), 'none' (no answer), or null while open.
   */
  outcome(index, playerId) {
    const reveal = this._reveals.get(index);
    if (!reveal) return this._wrongSoFar.get(index)?.has(playerId) ? 'wrong' : null;
    if (reveal.taken_by === playerId) return reveal.attempts.find((a) => a.by === playerId)?.method ?? 'typed';
    const attempt = reveal.attempts.find((a) => a.by === playerId) ?? reveal.late.find((a) => a.by === playerId);
    if (!attempt) return 'none';
    return attempt.correct ? 'late' : 'wrong';
  }

  /** Milliseconds from the question's opening to `playerId`'s attempt, or null. */
  time(index, playerId) {
    const reveal = this._reveals.get(index);
    const attempt = reveal && [...reveal.attempts, ...reveal.late].find((a) => a.by === playerId);
    return attempt ? attempt.at_ms : null;
  }

  /** Right answers, how, and how fast, for the result screen. */
  stats(playerId) {
    const taken = [...this._reveals.values()]
      .filter((r) => r.taken_by === playerId)
      .map((r) => r.attempts.find((a) => a.by === playerId))
      .filter(Boolean);
    const times = taken.map((a) => a.at_ms);
    return {
      right: taken.length,
      played: this._reveals.size,
      typed: taken.filter((a) => a.method === 'typed').length,
      choice: taken.filter((a) => a.method === 'choice').length,
      averageMs: times.length ? times.reduce((a, b) => a + b, 0) / times.length : null,
      fastestMs: times.length ? Math.min(...times) : null,
    };
  }
}
