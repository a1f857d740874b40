"""The web chat: a page on the hotel's site and the small API behind it."""
