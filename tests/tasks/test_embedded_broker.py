"""`python app.py run` on one machine: its own worker on the filesystem broker, no Redis.

A newcomer asks for a link, finds it in the log, follows it, and is signed in. (The
embedded_site fixture also checks that stopping the site stops its worker cleanly.)
"""

from __future__ import annotations

import re

from tests.tasks.mailflow import Visitor, wait_for


def test_the_sign_in_link_printed_in_the_log_signs_the_newcomer_in(embedded_site):
    visitor = Visitor(embedded_site.base_url)
    visitor.ask_link("newcomer@example.org")

    link = wait_for(
        "the link in the log",
        lambda: re.search(r"mail to newcomer@example\.org .*link: (\S+)", embedded_site.log()),
    ).group(1)
    visitor.get(link)

    assert visitor.account_email() == "newcomer@example.org"


def test_the_queue_lives_in_a_folder_under_var(embedded_site):
    assert (embedded_site.var_dir / "broker" / "queue").is_dir()
