"""One module per kind of microsite page; each returns the page's Markdown text."""
