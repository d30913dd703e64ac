"""``jixiao serve``: the commands as a Web API and Chinese pages, for people who work in a browser.

Optional (``pip install 'jixiao[web]'``): the engine never imports this package. The
design — one answer per command shared with the CLI, errors and statuses, the trust
model per request — is in docs/architecture.md ("The web face").
"""
