"""iro: the system an Independent Reviewing Officer (child protection) service runs on."""
