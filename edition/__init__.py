"""Domain core of the edition: plain functions over plain data, no MkDocs imports.

The MkDocs plugins in ``edition_plugin/`` are thin adapters over this package, so the edition can
move to another static-site generator without rewriting what it knows about memos.
"""
