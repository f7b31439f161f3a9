"""Ingest: corpus files in, `Chunk`s out.

Sections with heading paths, cleaned text, exact offsets, governance tags."""
