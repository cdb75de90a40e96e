"""Reading tables: pipe-table lines into typed tables (cells, resolved headers, labels, checks).

    from index.tables import extract_tables, format_table, Table
"""
from index.tables.extract import extract_tables, format_table
from index.tables.model import Cell, Column, Row, Table, tables_from_json, tables_to_json

__all__ = ["Cell", "Column", "Row", "Table", "extract_tables", "format_table", "tables_from_json", "tables_to_json"]
