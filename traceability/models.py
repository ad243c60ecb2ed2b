"""Models of traceability: added by the roadmap issue that builds this area."""
