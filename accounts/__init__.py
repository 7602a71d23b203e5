"""Account administration from the command line: `python app.py users grant|revoke EMAIL ROLE`."""
