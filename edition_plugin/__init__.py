"""The edition as MkDocs plugins: thin adapters from MkDocs events to the ``edition`` core.

``edition`` (``plugin.EditionPlugin``) turns memos into the edition's pages and adds the generated
ones; ``edition-search`` (``search.SearchPlugin``) answers Material's search box with Pagefind.
Only this package imports MkDocs; ``edition/`` knows paths, text and HTML.
"""
