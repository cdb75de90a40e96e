"""Answering from tables: read the question, match it to a table, plan and compute, write the answer contract."""
