"""Every write on import batches, verification and export declarations goes through these services."""
