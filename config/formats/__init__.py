"""Gudang's date formats (FORMAT_MODULE_PATH): one long format for pages, one short day-first
format for tables, in English and Indonesian; anything not set here comes from Django's locale."""
