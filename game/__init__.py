"""Kwissle's rules: pure functions and values, no I/O, no Tornado, the clock passed in."""
