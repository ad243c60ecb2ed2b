"""Models of risk monitoring: added by the roadmap issue that builds this area."""
