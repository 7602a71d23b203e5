"""Background work on Celery: the app, its tasks, and the mail they send. game/ never imports it."""
