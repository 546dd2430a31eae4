"""Everything the user downloads, as bytes: images and ZIP, CSV, workbook, HTML and PDF reports, with the shared report model. Imports the wings below."""
