"""Markup -> stored text: one module per job.

- `markdown.py`: Markdown -> text + Link records (offsets into the text), front matter;
- `htmlpage.py`: HTML -> Markdown of the main text + the page's metadata;
- `metadata.py`: title and publication date read off the text.
"""

from claimtrack.markup.htmlpage import html_to_markdown
from claimtrack.markup.markdown import split_front_matter, strip_markdown_links
from claimtrack.markup.metadata import find_published_date, find_title

__all__ = [
    "find_published_date",
    "find_title",
    "html_to_markdown",
    "split_front_matter",
    "strip_markdown_links",
]
