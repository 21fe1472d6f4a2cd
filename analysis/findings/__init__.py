"""Structured findings of every analysis (see :mod:`analysis.findings.core`)."""

from .core import Evidence, Finding, Findings, findings_frame

__all__ = ["Evidence", "Finding", "Findings", "findings_frame"]
