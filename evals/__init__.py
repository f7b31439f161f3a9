"""Evals: gold questions run through the assistant, scored offline."""
