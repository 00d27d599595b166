"""SMART TVET: the national digital platform for technical and vocational education."""

__version__ = "0.1.0"
