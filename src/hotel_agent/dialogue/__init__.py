"""Dialogue: understanding guests and carrying conversations."""
