"""Services of anticounterfeit: every write. Re-exported here once the parts land."""
