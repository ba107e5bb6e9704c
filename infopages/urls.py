from django.urls import path, register_converter

from infopages import api, feedback, figure_files, history, views
from infopages.feeds import recently_updated_feed
from infopages.languages import prefix_pattern

app_name = "infopages"


class VersionPrefix:
    """A version's address prefix (``cy``, ``easy-read``): the codes ``infopages.languages``
    declares, and nothing else."""

    regex = prefix_pattern()

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(VersionPrefix, "version")

urlpatterns = [
    path("", views.home, name="home"),
    path("topics/<path:topic_path>/", views.topic_detail, name="topic"),
    path("info/<slug:slug>/", views.page_detail, name="page"),
    path("info/<slug:slug>/print/", views.page_print, name="page_print"),
    path("info/<slug:slug>/history/", history.page_history_view, name="page_history"),
    path("info/<slug:slug>/feedback/", feedback.feedback, name="feedback"),
    path("info/<slug:slug>/feedback/thanks/", feedback.feedback_thanks, name="feedback_thanks"),
    path("search/", views.search_results, name="search"),
    # Language and easy read versions: /cy/info/<slug>/, /cy/search/, /cy/feeds/updated/.
    path("<version:language>/info/<slug:slug>/", views.page_detail, name="page_in"),
    path("<version:language>/search/", views.search_results, name="search_in"),
    path("<version:language>/feeds/updated/", recently_updated_feed, name="feed_in"),
    path("api/pages/", api.page_list, name="api_pages"),
    path("api/pages/<slug:slug>/", api.page_detail, name="api_page"),
    path("feeds/updated/", recently_updated_feed, name="feed"),
    path("sitemap.xml", views.sitemap_xml, name="sitemap"),
    path("sitemap-<slug:section>.xml", views.sitemap_section, name="sitemap_section"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("figures/<path:name>", figure_files.figure_file, name="figure_file"),
]
