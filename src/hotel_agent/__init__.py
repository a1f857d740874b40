"""Agente Hotelero: a self-hostable AI receptionist for hotels."""

__version__ = "0.1.0"
