"""Ratings of TVET institutions: the composite-indicator engine and its methodologies."""
