"""The game process offers no moderator action, whoever asks."""

from __future__ import annotations

from tests.admin.test_authorization import ROUTES
from tests.conftest import LiveServer
from tests.pipeline.live import account, signed_in


def moderator_client(live_server: LiveServer):
    secret = (live_server.var_dir / "cookie_secret").read_text().strip()
    return signed_in(live_server.var_dir, secret, account("mod-g", "moderator", "admin"))


def test_no_admin_route_answers_on_the_game_process(live_server):
    client = moderator_client(live_server)

    for method, path, _ in ROUTES:
        if method == "GET":
            code, _ = client.get(live_server.base_url + path)
        else:
            code, _ = client.post(live_server.base_url + path, action="publish")

        assert code == 404, (method, path)


def test_an_author_action_cannot_publish_even_for_a_moderator(live_server):
    client = moderator_client(live_server)

    code, page = client.post(
        live_server.base_url + "/questions/mine", question_id="q1", action="publish"
    )

    assert code == 400 and "Unknown action" in page
