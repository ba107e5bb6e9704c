from django.urls import path

from infopages import views

app_name = "infopages"

urlpatterns = [
    path("", views.home, name="home"),
    path("info/<slug:slug>/", views.page_detail, name="page"),
]
