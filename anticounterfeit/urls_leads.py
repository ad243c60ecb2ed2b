"""PLACEHOLDER (foundation): the leads helper fills this module."""

urlpatterns: list = []
