from django.urls import path

from reviews.versions import views

urlpatterns = [
    path("pages/<int:page_pk>/versions/start/", views.start_version, name="start_version"),
    path("changes/<int:pk>/follow-english/", views.follow_source, name="follow_source"),
]
