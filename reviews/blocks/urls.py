"""Shared blocks' routes."""

from django.urls import path

from reviews.blocks import views

urlpatterns = [
    path("blocks/", views.block_list, name="blocks"),
    path("blocks/new/", views.create_block, name="create_block"),
    path("blocks/<slug:name>/", views.block_detail, name="block"),
    path("blocks/<slug:name>/change/", views.start_block_change, name="start_block_change"),
    path("blocks/<slug:name>/changes/<int:pk>/edit/", views.edit_block, name="edit_block"),
    path("blocks/<slug:name>/retire/", views.retire_block, name="retire_block"),
]
