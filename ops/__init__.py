"""Running the production shape on one machine: Redis, several game processes, the admin
process, workers and nginx, started and stopped together (`python app.py run --game-processes N`).
"""
