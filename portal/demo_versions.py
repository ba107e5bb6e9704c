"""The demo's language and easy read versions of "Secondary breast cancer": Welsh, easy read
and Urdu (right to left), each through the workflow as a real one would go (started from the
English page, translated by the editor, signed off by its language's reviewer and a medical
reviewer, published).

The text is our own, short, and marked on each page as an example: it is not a reviewed
translation and must never be published outside the demo.
"""

from infopages.models import Page, PublishedPage
from reviews import services
from reviews.core.status import ReviewStatus
from reviews.models import Decision
from reviews.versions import services as versions

SOURCE_SLUG = "secondary-breast-cancer"
KEPT = ("what-is-secondary-breast-cancer", "symptoms", "living-with-secondary-breast-cancer")

DEMO_VERSIONS = {
    "cy": {
        "title": "Canser y fron eilaidd",
        "summary": (
            "Canser y fron eilaidd yw canser y fron sydd wedi lledaenu i ran arall o’r corff. "
            "Fel arfer ni ellir ei wella, ond yn aml gall triniaeth ei reoli am amser hir."
        ),
        "sections": {
            "what-is-secondary-breast-cancer": (
                "Beth yw canser y fron eilaidd?",
                "*Enghraifft ar gyfer y demo yw’r testun hwn, nid cyfieithiad wedi’i adolygu.*\n\n"
                "Mae canser y fron eilaidd yn digwydd pan fydd celloedd canser o’r fron yn "
                "lledaenu i ran arall o’r corff, fel yr esgyrn, yr ysgyfaint, yr afu neu’r "
                "ymennydd.\n\nEnw arall arno yw canser y fron metastatig.",
            ),
            "symptoms": (
                "Symptomau",
                "Mae’r symptomau’n dibynnu ar ble mae’r canser wedi lledaenu. Er enghraifft:\n\n"
                "- poen yn yr esgyrn nad yw’n gwella\n- peswch neu fyr o wynt\n"
                "- teimlo’n flinedig iawn\n\nSiaradwch â’ch meddyg neu’ch nyrs os oes gennych "
                "symptom newydd sy’n para mwy nag ychydig wythnosau.",
            ),
            "living-with-secondary-breast-cancer": (
                "Byw gyda chanser y fron eilaidd",
                "Mae llawer o bobl yn byw am flynyddoedd gyda chanser y fron eilaidd. Gall eich "
                "tîm gofal eich helpu i reoli symptomau a chynllunio beth sy’n bwysig i chi.",
            ),
        },
    },
    "easy-read": {
        "title": "Secondary breast cancer: easy read",
        "summary": "This page is about breast cancer that has spread. It uses easy words.",
        "sections": {
            "what-is-secondary-breast-cancer": (
                "What is it?",
                "*This page is an example for the demo. An easy read reviewer has not checked "
                "it.*\n\nCancer is an illness. Breast cancer starts in the breast.\n\n"
                "Sometimes it moves to other parts of the body. This is called secondary "
                "breast cancer.",
            ),
            "symptoms": (
                "Signs to look out for",
                "You might:\n\n- have pain in your bones\n- feel out of breath\n"
                "- feel very tired\n\nTell your doctor or nurse if something new does not "
                "go away.",
            ),
            "living-with-secondary-breast-cancer": (
                "Getting help",
                "Many people live with this cancer for a long time.\n\nYour nurse can help "
                "you. You can ask them questions at any time.",
            ),
        },
    },
    "ur": {
        "title": "چھاتی کا ثانوی کینسر",
        "summary": (
            "چھاتی کا ثانوی کینسر وہ کینسر ہے جو چھاتی سے جسم کے کسی اور حصے میں پھیل گیا ہو۔ "
            "عام طور پر اس کا مکمل علاج نہیں ہوتا، لیکن علاج اکثر اسے لمبے عرصے تک قابو میں "
            "رکھ سکتا ہے۔"
        ),
        "sections": {
            "what-is-secondary-breast-cancer": (
                "چھاتی کا ثانوی کینسر کیا ہے؟",
                "*یہ متن ڈیمو کے لیے ایک مثال ہے، نظرثانی شدہ ترجمہ نہیں۔*\n\n"
                "جب چھاتی کے کینسر کے خلیے جسم کے کسی اور حصے، جیسے ہڈیوں، پھیپھڑوں، جگر یا "
                "دماغ تک پھیل جائیں، تو اسے چھاتی کا ثانوی کینسر کہتے ہیں۔",
            ),
            "symptoms": (
                "علامات",
                "علامات اس بات پر منحصر ہیں کہ کینسر کہاں پھیلا ہے، مثلاً:\n\n"
                "- ہڈیوں میں درد جو ٹھیک نہ ہو\n- کھانسی یا سانس پھولنا\n"
                "- بہت زیادہ تھکاوٹ\n\n"
                "اگر کوئی نئی علامت چند ہفتوں سے زیادہ رہے تو اپنے ڈاکٹر یا نرس سے بات کریں۔",
            ),
            "living-with-secondary-breast-cancer": (
                "چھاتی کے ثانوی کینسر کے ساتھ زندگی",
                "بہت سے لوگ کئی سال تک چھاتی کے ثانوی کینسر کے ساتھ زندگی گزارتے ہیں۔ آپ کی "
                "دیکھ بھال کرنے والی ٹیم علامات پر قابو پانے میں آپ کی مدد کر سکتی ہے۔",
            ),
        },
    },
}

# The language reviewer's role for each demo version (``infopages.languages``).
ROLES = {"cy": "welsh", "easy-read": "easy-read", "ur": "urdu"}


def publish_demo_versions(*, editor, medic, language_reviewer, publisher) -> list[PublishedPage]:
    """Once: each demo version of the English page, through the workflow. Skips a version
    that exists, and does nothing if the English page is not live."""
    source = Page.objects.filter(slug=SOURCE_SLUG, source__isnull=True).first()
    if source is None or not PublishedPage.objects.current().filter(page=source).exists():
        return []
    published = []
    for kind, text in DEMO_VERSIONS.items():
        if source.versions.filter(version_kind=kind).exists():
            continue
        change = versions.start_version(source=source, kind=kind, by=editor)
        _translate(change, text, by=editor)
        change = services.submit_for_review(change=change, by=editor)
        for reviewer, role in ((language_reviewer, ROLES[kind]), (medic, "medical")):
            services.sign_off(
                change=change,
                reviewer=reviewer,
                role=role,
                decision=Decision.APPROVE,
                seen_hash=change.content_hash,
                comment="Checked for the demo (an example, not a reviewed translation).",
                sections=ReviewStatus(change).section_ids,
            )
        published.append(services.publish(change=change, by=publisher))
    return published


def _translate(change, text: dict, *, by) -> None:
    page = change.page
    page.title, page.summary = text["title"], text["summary"]
    services.edit_in_change(
        change=change,
        obj=page,
        by=by,
        comment="Demo translation",
        expected_lock_version=page.lock_version,
    )
    for section in list(page.sections.all()):
        if section.anchor not in text["sections"]:
            services.remove_in_change(
                change=change, obj=section, by=by, comment="Not in the demo version"
            )
            continue
        section.heading, section.body = text["sections"][section.anchor]
        services.edit_in_change(
            change=change,
            obj=section,
            by=by,
            comment="Demo translation",
            expected_lock_version=section.lock_version,
        )
    for figure in list(page.figures.all()):  # the diagram's labels are in English
        services.remove_in_change(change=change, obj=figure, by=by, comment="Not in the demo")
