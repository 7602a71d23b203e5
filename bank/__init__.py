"""The question bank's tools: read and write bank files, check them, load them into a store.

The rules live in game.bank_rules (pure); this package adds the file and store I/O around them
and the report text. The CLI in app.py calls bank.commands; nothing here parses arguments.
"""
