"""PLACEHOLDER (foundation): the cases helper fills this module."""

urlpatterns: list = []
