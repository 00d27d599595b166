"""PDF documents from HTML with WeasyPrint (plan reports, credentials, CVs).

The HTML is the platform's own, with its styles and images inline: nothing is fetched while rendering, so a
document can never reach a URL (an address written into a record, an internal service) on the server's behalf.
"""

from __future__ import annotations


def _no_fetch(url, *args, **kwargs):
    raise ValueError(f"A platform PDF fetches no external resource ({url}).")


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported on use: it loads Pango

    return HTML(string=html, base_url=None, url_fetcher=_no_fetch).write_pdf()
