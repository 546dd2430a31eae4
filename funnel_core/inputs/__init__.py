"""Bytes and pasted text to a Snapshot: encodings, delimiters, workbooks, long and wide layouts, header aliases, locale numbers, period labels, billing exports and templates. Imports only domain."""
