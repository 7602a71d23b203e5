"""Application services both processes use: store + rules + queue, no HTTP."""
