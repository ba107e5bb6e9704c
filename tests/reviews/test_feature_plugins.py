"""Features plug into the change workflow's core without the core knowing them: what a
feature adds through ``reviews.core.hooks`` runs inside the core's steps (and can refuse
them), and what it adds through ``reviews.core.panels`` shows on the core's screens. Each
test adds a made-up feature the way a real one does and takes it away afterwards."""

import pytest
from django.urls import reverse

from infopages.models import PublishedPage
from reviews import services
from reviews.core import hooks, panels
from reviews.core.errors import StaleContent
from reviews.models import AuditEvent, SignOff


@pytest.fixture
def made_up_feature(monkeypatch):
    """Register hooks and panels for one test only."""

    def on_publish(hook):
        monkeypatch.setitem(hooks._on_publish, hook.key, hook)

    def shown(hook):
        monkeypatch.setitem(hooks._shown, hook.key, hook)

    def panel(added):
        monkeypatch.setitem(panels._panels[added.screen], added.key, added)

    return on_publish, shown, panel


def test_a_publication_hook_runs_inside_the_publication_and_is_audited(
    approved_change, publisher, made_up_feature
):
    on_publish, _shown, _panel = made_up_feature
    seen = []

    def run(*, change, approvals, at, **given):
        seen.append((change.pk, sorted(a.pk for a in approvals)))
        return hooks.Outcome("Told the pharmacy.", {"pharmacy": True})

    on_publish(hooks.OnPublish("pharmacy", run))
    services.publish(change=approved_change, by=publisher)

    counting = SignOff.objects.filter(change=approved_change).values_list("pk", flat=True)
    assert seen == [(approved_change.pk, sorted(counting))]
    event = AuditEvent.objects.filter(change_request_id=approved_change.pk).latest("pk")
    assert "Told the pharmacy." in event.message


def test_a_publication_hook_that_fails_publishes_nothing(
    approved_change, publisher, made_up_feature
):
    on_publish, _shown, _panel = made_up_feature

    def run(**given):
        raise RuntimeError("the pharmacy is down")

    on_publish(hooks.OnPublish("pharmacy", run))
    before = PublishedPage.objects.filter(page=approved_change.page).count()
    with pytest.raises(RuntimeError):
        services.publish(change=approved_change, by=publisher)

    approved_change.refresh_from_db()
    assert approved_change.state == approved_change.State.APPROVED
    assert PublishedPage.objects.filter(page=approved_change.page).count() == before


def test_what_a_decision_vouches_for_is_checked_and_recorded_with_it(
    client, submitted_change, medic, made_up_feature
):
    _on_publish, shown, _panel = made_up_feature
    recorded = []

    def check(change, ids):
        if 7 not in ids:
            raise StaleContent("The dose table changed after you opened the page.")
        return ids

    shown(hooks.ShownWithDecision("doses", "doses_shown", check, lambda s, r: recorded.append(r)))
    client.force_login(medic)
    url = reverse("reviews:sign_off", args=[submitted_change.pk])
    data = {"decision": "approve", "seen_hash": submitted_change.content_hash, "role": "medical"}

    refused = client.post(url, {**data, "doses_shown": "3"}, follow=True)
    assert "The dose table changed after you opened the page." in refused.content.decode()
    assert not SignOff.objects.filter(change=submitted_change).exists()
    assert recorded == []

    client.post(url, {**data, "doses_shown": ["3", "7"]})
    assert SignOff.objects.filter(change=submitted_change, reviewer=medic).exists()
    assert recorded == [[3, 7]]


def test_a_panel_shows_on_the_change_page_where_its_screen_lists_panels(
    client, submitted_change, medic, made_up_feature, settings, tmp_path
):
    _on_publish, _shown, panel = made_up_feature
    (tmp_path / "made_up").mkdir()
    (tmp_path / "made_up" / "_doses.html").write_text(
        '<section class="panel" id="doses">Doses checked by {{ pharmacist }}</section>'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    given = []

    def context(*, change, review, user, steps):
        given.append((change.pk, user.pk))
        return {"pharmacist": "Priya"}

    panel(panels.Panel(panels.CHANGE_PAGE, "doses", context, {"top": "made_up/_doses.html"}))
    client.force_login(medic)

    html = client.get(submitted_change.get_absolute_url()).content.decode()

    assert '<section class="panel" id="doses">Doses checked by Priya</section>' in html
    assert given == [(submitted_change.pk, medic.pk)]


def test_a_panel_with_nothing_to_show_adds_nothing(
    client, submitted_change, medic, made_up_feature
):
    _on_publish, _shown, panel = made_up_feature
    panel(panels.Panel(panels.CHANGE_PAGE, "doses", lambda **given: None, {"top": "missing.html"}))
    client.force_login(medic)

    response = client.get(submitted_change.get_absolute_url())

    assert response.status_code == 200  # the missing template was never included
