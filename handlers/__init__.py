"""HTTP for the game process: pages and forms. Thin: read arguments, call one service, render."""
