"""Models of anticounterfeit: added by the roadmap issue that builds this area."""
