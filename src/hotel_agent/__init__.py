"""Agente Hotelero."""
