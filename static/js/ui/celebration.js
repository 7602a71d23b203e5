// Confetti over the result card when you win: strips of our own colours, drawn with CSS.
// Nothing moves for a player who asked for reduced motion.
import { $, el, reducedMotion } from '../utils.js';

const COLOURS = ['#3447c4', '#7a3db8', '#17703a', '#f2a900', '#e0457b', '#2aa3c7'];
const PIECES = 60;

export default class Celebration {
  constructor() {
    this._stage = $('#celebration');
  }

  start() {
    this.stop();
    if (reducedMotion()) return;
    const pieces = Array.from({ length: PIECES }, (_, i) => {
      const piece = el('span', 'confetti');
      piece.style.left = `${Math.random() * 100}%`;
      piece.style.background = COLOURS[i % COLOURS.length];
      piece.style.animationDelay = `${Math.random() * 0.6}s`;
      piece.style.setProperty('--fall', `${1.8 + Math.random() * 1.4}s`);
      piece.style.setProperty('--drift', `${(Math.random() - 0.5) * 8}rem`);
      piece.style.setProperty('--spin', `${360 + Math.random() * 720}deg`);
      return piece;
    });
    this._stage.replaceChildren(...pieces);
  }

  stop() {
    this._stage.replaceChildren();
  }
}
