"""Cross-process plumbing behind small ports: the matchmaking pool and the relay from a battle to
its players' connections. `bus.local` serves one process; a Redis adapter will serve many."""
