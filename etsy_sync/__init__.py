"""Etsy sync: put a render run's mockups on an Etsy listing, in order, once, resumably.

The dashboard and the command line use `etsy_sync.service.EtsySync`; `python -m etsy_sync`
is the command line.
"""
