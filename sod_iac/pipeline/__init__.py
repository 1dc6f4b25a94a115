"""The scan pipeline: configuration, analysis units, judging (scan), and what the user sees of it
(selection, suppressions, history, triage); the query and matrix entries reuse the same loading."""
