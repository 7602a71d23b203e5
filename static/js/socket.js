// The game channel: the only module that touches SockJS (loaded as the global `SockJS` from
// static/vendor). Sends JSON, reconnects with jittered backoff (so the players of a stopped
// server do not all arrive at once), remembers the last battle event seen so that a reconnect
// asks only for what it missed and a replayed or duplicated frame is dropped, pings every 5 s to
// measure the round trip, and answers the server's own pings.

const PING_EVERY_MS = 5000;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10000;

export default class GameSocket {
  constructor(url, token) {
    this._url = url;
    this._token = token;
    this._listeners = new Map();
    this._sock = null;
    this._ready = false;
    this._retries = 0;
    this._pinger = 0;
    this._battle = null;
    this._seq = -1;
  }

  /** Calls `callback(message)` for every server frame of `type`; also 'up' and 'down'. */
  on(type, callback) {
    this._listeners.set(type, callback);
    return this;
  }

  connect() {
    const sock = new SockJS(this._url, null, { transports: ['websocket', 'xhr-streaming', 'xhr-polling'] });
    sock.onopen = () => this._send(this._hello());
    sock.onmessage = (event) => this._receive(event.data);
    sock.onclose = () => this._closed(sock);
    this._sock = sock;
  }

  _hello() {
    const hello = { type: 'hello', token: this._token };
    if (this._battle && this._seq >= 0) Object.assign(hello, { battle: this._battle, seq: this._seq });
    return hello;
  }

  /** Sends a command; false when the channel is not up, so the caller can say so. */
  send(message) {
    return this._ready && this._send(message);
  }

  _send(message) {
    if (!this._sock || this._sock.readyState !== SockJS.OPEN) return false;
    this._sock.send(JSON.stringify(message));
    return true;
  }

  _receive(data) {
    let message;
    try {
      message = JSON.parse(data);
    } catch {
      return;
    }
    if (this._isStale(message)) return;
    if (message.type === 'welcome') this._welcomed();
    if (message.type === 'ping') {
      // The server times its own pings: its lag allowance for a far player comes from them.
      this._send({ type: 'pong', s: message.s });
      return;
    }
    if (message.type === 'pong') {
      this._emit('latency', { ms: Math.round(performance.now() - message.t) });
      return;
    }
    this._emit(message.type, message);
  }

  // A snapshot resets what we have seen; an older or repeated event of the same battle is dropped.
  _isStale(message) {
    if (typeof message.seq !== 'number' || !message.battle) return false;
    const repeat = message.battle === this._battle && message.seq <= this._seq;
    if (repeat && message.type !== 'snapshot') return true;
    this._battle = message.battle;
    this._seq = message.seq;
    return false;
  }

  _welcomed() {
    this._ready = true;
    this._retries = 0;
    clearInterval(this._pinger);
    const ping = () => this._send({ type: 'ping', t: performance.now() });
    this._pinger = setInterval(ping, PING_EVERY_MS);
    ping();
    this._emit('up', {});
  }

  _closed(sock) {
    if (sock !== this._sock) return;
    this._ready = false;
    clearInterval(this._pinger);
    this._emit('down', {});
    const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** this._retries);
    this._retries += 1;
    setTimeout(() => this.connect(), delay * (0.75 + Math.random() / 2));
  }

  _emit(type, message) {
    const callback = this._listeners.get(type);
    if (callback) callback(message);
  }
}
