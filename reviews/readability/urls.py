"""Readability's route: the plain-English report."""

from django.urls import path

from reviews.readability import views as readability

urlpatterns = [
    path("reports/readability/", readability.readability_report, name="readability_report"),
]
