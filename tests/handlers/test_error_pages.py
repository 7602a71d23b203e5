"""Error pages speak the site's words and show the way on, never a bare status."""

from __future__ import annotations

from tests.accounts.client import AppTestCase, CookieClient, page_text


class ErrorPagesTest(AppTestCase):
    def test_an_unknown_page_says_so_and_leads_back_to_the_game(self):
        page = page_text(self.fetch("/nowhere", raise_error=False))

        assert "Nothing here" in page and 'href="/">Back to the game' in page
        assert "Something went wrong" not in page and "404" not in page.split("<main", 1)[1]

    def test_a_guest_who_would_write_is_asked_to_sign_in(self):
        client = CookieClient(self)
        client.post("/guest", nickname="Gus")

        response = client.get("/questions/new")

        assert response.code == 403
        assert "Sign in to write or review" in page_text(response)
        assert 'href="/signin">Sign in' in page_text(response)

    def test_a_form_sent_without_its_xsrf_field_is_called_expired(self):
        response = self.fetch("/guest", method="POST", body="nickname=Ann", raise_error=False)

        assert response.code == 403 and "This form has expired" in page_text(response)

    def test_a_refused_nickname_stays_in_the_field_to_correct(self):
        client = CookieClient(self)

        response = client.post("/guest", nickname="A")

        assert response.code == 400 and 'value="A"' in page_text(response)
        assert '<p id="nickname-count" class="counter">1/24</p>' in page_text(response)

    def test_the_judges_rules_show_their_tables_in_a_scrolling_box(self):
        page = page_text(self.fetch("/rules/answers"))

        assert '<div class="table-scroll" tabindex="0"><table>' in page and "<th>" in page
