"""The editor's live preview answers a request it cannot preview with a 400 that says why,
not a server error (issue 18, item 6)."""


def test_a_preview_request_without_its_text_is_a_bad_request(admin_client):
    response = admin_client.post("/markdownx/markdownify/", {"text": "**bold**"})

    assert response.status_code == 400
    assert "send the text as “content”" in response.content.decode()


def test_a_preview_of_empty_text_is_empty(admin_client):
    response = admin_client.post("/markdownx/markdownify/", {"content": ""})

    assert response.status_code == 200 and response.content == b""
