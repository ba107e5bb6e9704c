"""The figures' storage: the same tests against the local filesystem and an S3-compatible
object store (moto's server, on a local port, through django-storages): pictures stored by
digest, never written twice, served for a year; two app servers sharing the store serve the
same picture; the clean-up command removes only what nothing refers to, after its grace."""

import datetime as dt
import io
import json

import boto3
import pytest
import requests
from django.core.files.storage import storages
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from moto.server import ThreadedMotoServer

from infopages import images
from infopages.models import Figure, StoredImage
from infopages.services import save_with_version
from portal.settings import FIGURES_CACHE_CONTROL, figures_storage
from tests.figures import pictures

BUCKET = "figures-test"


@pytest.fixture(scope="module")
def s3_server():
    """A local S3-compatible server for this module, with one bucket."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket=BUCKET)
    # As an operator sets it up: anyone may read the pictures (they are public), no one else
    # may write them.
    client.put_bucket_policy(
        Bucket=BUCKET,
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"arn:aws:s3:::{BUCKET}/*",
                    }
                ],
            }
        ),
    )
    yield endpoint
    server.stop()


def _s3_config(endpoint: str) -> dict:
    config = figures_storage(BUCKET, endpoint_url=endpoint, region="us-east-1")
    config["OPTIONS"] |= {"access_key": "testing", "secret_key": "testing"}
    return config


@pytest.fixture(params=["filesystem", "s3"])
def backend(request, settings, tmp_path):
    """The figures storage, as each kind of deployment has it."""
    if request.param == "filesystem":
        config = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "figures", "base_url": "/figures/"},
        }
    else:
        endpoint = request.getfixturevalue("s3_server")
        config = _s3_config(endpoint)
        # Each test its own prefix-free bucket contents: empty it first.
        store = boto3.resource(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        store.Bucket(BUCKET).objects.all().delete()
    settings.STORAGES = {**settings.STORAGES, "figures": config}
    return request.param


def _fetch(client: Client, url: str) -> tuple[bytes, dict]:
    """A picture as a browser fetches it: from the portal, or from the object store."""
    if url.startswith("/"):
        response = client.get(url)
        body = b"".join(response.streaming_content)
        response.close()
        return body, {k.lower(): v for k, v in response.headers.items()}
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, url
    return response.content, {k.lower(): v for k, v in response.headers.items()}


def _all_names() -> set[str]:
    store = images.storage()
    names = set()
    folders, files = store.listdir("")
    names |= set(files)
    for folder in folders:
        names |= {f"{folder}/{name}" for name in store.listdir(folder)[1]}
    return names


@pytest.mark.django_db
def test_a_picture_is_stored_by_its_digest_with_its_renditions(backend):
    clean = images.check_upload(pictures.png(1000, 500), "diagram.png")

    image = images.store(clean)

    assert image.digest == clean.digest
    assert _all_names() == {clean.name} | {r["name"] for r in image.renditions}
    with images.storage().open(clean.name) as stored:
        assert stored.read() == clean.data
    widths = sorted({r["width"] for r in image.renditions})
    assert widths == [320, 480, 640, 960, 1000]


@pytest.mark.django_db
def test_the_same_picture_twice_is_stored_once_and_never_overwritten(backend):
    clean = images.check_upload(pictures.png(), "diagram.png")
    first = images.store(clean)
    when = images.storage().get_modified_time(clean.name)

    again = images.store(images.check_upload(pictures.png(), "again.png"))

    assert again == first
    assert images.write_files({clean.name: b"something else"}) == []  # taken: left as it is
    with images.storage().open(clean.name) as stored:
        assert stored.read() == clean.data
    assert images.storage().get_modified_time(clean.name) == when


@pytest.mark.django_db
def test_pictures_are_served_with_a_years_caching(backend, client):
    image = images.store(images.check_upload(pictures.png(), "diagram.png"))
    rendition = next(r for r in image.renditions if r["format"] == "webp")

    body, headers = _fetch(client, images.url(rendition["name"]))

    with images.storage().open(rendition["name"]) as stored:
        assert body == stored.read()
    assert headers["cache-control"] == FIGURES_CACHE_CONTROL
    assert headers["content-type"] == "image/webp"


@pytest.mark.django_db
def test_a_failed_row_takes_its_files_back(backend, monkeypatch):
    clean = images.check_upload(pictures.png(mark="rolled back"), "diagram.png")

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(StoredImage.objects, "get_or_create", broken)
    with pytest.raises(RuntimeError):
        images.store(clean)

    assert _all_names() == set()


@pytest.mark.django_db
def test_two_app_servers_sharing_the_object_store_serve_the_same_figure(
    s3_server, settings, client
):
    """Two app servers: each its own storage object (its own connection), one bucket. A
    picture stored through one is served by the other, and by the store itself."""
    settings.STORAGES = {**settings.STORAGES, "figures": _s3_config(s3_server)}
    image = images.store(images.check_upload(pictures.png(mark="shared"), "shared.png"))
    other = storages.create_storage(_s3_config(s3_server))
    name = f"{image.digest}/w480.webp"

    with other.open(name) as read_by_the_other:
        theirs = read_by_the_other.read()
    served = client.get(f"/figures/{name}")  # the portal's own route reads the shared store
    by_the_portal = b"".join(served.streaming_content)
    served.close()

    direct, _headers = _fetch(client, other.url(name))
    assert theirs == by_the_portal == direct
    assert other.url(name) == images.url(name)


@pytest.mark.django_db
@pytest.mark.parametrize("dry_run", [True, False])
def test_the_clean_up_removes_only_unreferenced_pictures_past_their_grace(
    backend, make_page, editor, dry_run, django_capture_on_commit_callbacks
):
    page = make_page()
    in_use = pictures.stored(1)
    save_with_version(
        Figure(page=page, name="used", image=in_use, alt="An outline of a body."),
        by=editor,
        comment="Added",
    )
    only_in_a_version = pictures.stored(2)
    figure = Figure.objects.get()
    figure.image = only_in_a_version
    save_with_version(figure, by=editor, comment="Replaced")
    figure.image = in_use
    save_with_version(figure, by=editor, comment="Back again")
    abandoned = pictures.stored(3)
    recent = pictures.stored(4)
    old = timezone.now() - dt.timedelta(days=40)
    StoredImage.objects.exclude(pk=recent.pk).update(created_at=old)
    out = io.StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "remove_unused_images",
            "--grace-days",
            "30",
            *(["--dry-run"] if dry_run else []),
            stdout=out,
        )

    remaining = set(StoredImage.objects.values_list("digest", flat=True))
    names = _all_names()
    assert abandoned.digest in out.getvalue()
    if dry_run:
        assert abandoned.digest in remaining and f"{abandoned.digest}.png" in names
        assert "would remove 1" in out.getvalue()
    else:
        assert remaining == {in_use.digest, only_in_a_version.digest, recent.digest}
        assert not any(name.startswith(abandoned.digest) for name in names)
        assert f"{in_use.digest}.png" in names and f"{only_in_a_version.digest}.png" in names
