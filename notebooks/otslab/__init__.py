"""Helpers for the course "Is a Turkic NATO taking shape?": data, analysis, figures and widgets."""
