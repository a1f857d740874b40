"""The QloApps PMS adapter: the `Pms` port over the QloApps 1.6 webservice (see adapter.py)."""

from hotel_agent.pms.qloapps.adapter import QloAppsPms
from hotel_agent.pms.qloapps.client import QloAppsClient

__all__ = ["QloAppsClient", "QloAppsPms"]
