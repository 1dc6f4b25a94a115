"""sod-iac: find Separation-of-Duties violations in infrastructure code before it is applied."""

__version__ = "0.1.0"
