"""The package version, readable without importing the estimators."""

__version__ = "0.3.0"
