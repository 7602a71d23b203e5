import Controller from './controller.js';

new Controller(document.querySelector('#game'));
