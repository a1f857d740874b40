"""Speech-to-text: what a guest said in a voice note."""
