"""Editing the page's own details within a change: title and summary, topic, address and
related pages. Each is a small form on the page's one version counter, saved through
``services.edit_in_change`` with the same conflict handling as a section."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from infopages.models import Page
from infopages.publishing import last_publication
from reviews.core.forms_editing import (
    EditForm,
    PageAddressForm,
    PageFieldsForm,
    PageTopicForm,
    RelatedPagesForm,
)
from reviews.core.views.common import workspace_view
from reviews.core.views.editing import change_to_edit, render_editor, save_edit, stored_value


def _edit_page_details(
    request: HttpRequest,
    pk: int,
    *,
    form_class: type[EditForm],
    fields: list[tuple[str, str]],
    title: str,
    saved: str,
    with_page: bool = False,
    context: Callable[[Page], dict] = lambda page: {},
) -> HttpResponse:
    """One form over some of the page's fields (``fields``: label, name), from the page's
    version counter. ``with_page``: the form needs the page (to check against others)."""
    change, refusal = change_to_edit(request, pk)
    if refusal:
        return refusal
    page = Page.objects.get(pk=change.page_id)
    kwargs = {"page": page} if with_page else {}
    extra = {"title": title, **context(page)}
    if request.method == "GET":
        initial = {name: stored_value(page, name) for _label, name in fields}
        form = form_class(initial={**initial, "lock_version": page.lock_version}, **kwargs)
        return render_editor(request, change, form=form, **extra)

    form = form_class(request.POST, **kwargs)
    if not form.is_valid():
        return render_editor(request, change, form=form, **extra)
    related = None
    for _label, name in fields:
        if name == "related_pages":
            related = list(form.cleaned_data[name])
        else:
            setattr(page, name, form.cleaned_data[name])
    return save_edit(
        request,
        change,
        page,
        form,
        make_form=lambda data: form_class(data, **kwargs),
        fields=fields,
        saved=saved,
        related_pages=related,
        **extra,
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def edit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The page's title and summary."""
    return _edit_page_details(
        request,
        pk,
        form_class=PageFieldsForm,
        fields=[("Title", "title"), ("Summary", "summary")],
        title="Edit the title and summary",
        saved="Saved the title and summary.",
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def edit_topic(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit_page_details(
        request,
        pk,
        form_class=PageTopicForm,
        fields=[("Topic", "topic")],
        title="Change the topic",
        saved="Saved the page's topic.",
        context=lambda page: {
            "intro": "Readers find the page under its topic, and see the topic's name above "
            "the page's title."
        },
    )


def _address_context(page: Page) -> dict:
    published = last_publication(page)
    if published is None:
        return {
            "intro": f"The page will be at /info/{page.slug}/ when it is first published. "
            "It has not been published yet, so no reader has its address."
        }
    return {
        "intro": f"Readers find the page at /info/{published.slug}/ now.",
        "warning": f"Readers who use the old address, /info/{published.slug}/ (from a "
        "bookmark, a search engine or a link elsewhere), will be sent on to the new one once "
        "this change is published. Until then, the page stays at its old address.",
    }


@require_http_methods(["GET", "POST"])
@workspace_view
def edit_address(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit_page_details(
        request,
        pk,
        form_class=PageAddressForm,
        fields=[("Address", "slug")],
        title="Change the address",
        saved="Saved the page's new address. Readers see it once the change is published.",
        with_page=True,
        context=_address_context,
    )


@require_http_methods(["GET", "POST"])
@workspace_view
def edit_related_pages(request: HttpRequest, pk: int) -> HttpResponse:
    return _edit_page_details(
        request,
        pk,
        form_class=RelatedPagesForm,
        fields=[("Related pages", "related_pages")],
        title="Choose related pages",
        saved="Saved the related pages.",
        with_page=True,
    )
