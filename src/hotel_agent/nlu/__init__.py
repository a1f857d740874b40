"""Understanding guests: language, intent (and FAQ topic), and entities, offline and fast."""
