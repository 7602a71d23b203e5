"""Persistence: one async port (store.port.Store) and its adapters; no SQL leaks out."""
