"""PLACEHOLDER (foundation): the evidence helper fills this module."""

urlpatterns: list = []
