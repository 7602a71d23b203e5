"""Persistence: one async port (store.port.Store) and its adapters. No SQL or driver types leak out."""
