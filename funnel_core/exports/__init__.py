"""Everything the user downloads, as bytes. Imports the wings below.

Bottom to top: :mod:`.sanitize` (safe spreadsheet cells, finite numbers, links, file names),
:mod:`.settings` (product name, report date, verdict marks), :mod:`.wording` (a comparison in
words), :mod:`.report_model` (the summary data the reports print), :mod:`.images` (one chart
as PNG/SVG/HTML, with the render cache), :mod:`.report_charts` (which charts each download
shows); the renderers, one format each: :mod:`.table_csv`, :mod:`.workbook` (XLSX),
:mod:`.report_html`, :mod:`.pdf_layout` + :mod:`.pdf_summary` + :mod:`.report_pdf` (PDF),
:mod:`.chart_zip` (ZIP of every chart); and on top :mod:`.render`, which picks the renderer
for a format key or a file extension (the CLI's ``report -o`` and the Downloads page).
"""
