from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("audit.csv", views.audit_csv, name="audit_csv"),
    path("changes/<int:pk>/", views.change_detail, name="change"),
]
