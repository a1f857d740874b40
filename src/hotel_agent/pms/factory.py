"""Build the PMS the settings ask for, always behind the resilience wrapper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

import httpx
from redis.asyncio import Redis

from hotel_agent.db.engine import SessionFactory
from hotel_agent.pms.breaker import CircuitBreaker
from hotel_agent.pms.cache import InProcessPmsCache, PmsCache, RedisPmsCache
from hotel_agent.pms.policy import StayPolicy
from hotel_agent.pms.port import Pms
from hotel_agent.pms.resilience import ResilientPms
from hotel_agent.settings import PmsType, Settings


def build_redis(settings: Settings) -> Redis | None:
    """The Redis client of `REDIS_URL` (the PMS cache's store), or None when none is set."""
    if not settings.redis.url:
        return None
    return Redis.from_url(settings.redis.url, socket_connect_timeout=3, socket_timeout=3)


def stay_policy(settings: Settings) -> StayPolicy:
    """The agent's booking policy as configured (PMS_MAX_STAY_NIGHTS, ...)."""
    return StayPolicy(
        max_nights=settings.pms.max_stay_nights,
        horizon_days=settings.pms.booking_horizon_days,
        max_rooms=settings.pms.max_rooms_per_booking,
    )


def build_pms(
    settings: Settings,
    *,
    sessions: SessionFactory,
    http: httpx.AsyncClient,
    redis: Redis | None,
) -> ResilientPms:
    """The adapter chosen by `PMS_TYPE`, with a breaker and a cache (Redis when configured)."""
    pms = settings.pms
    policy = stay_policy(settings)
    today = hotel_today(settings.hotel.timezone)
    inner: Pms
    # Imported here so that a deployment loads only the adapter it uses.
    if pms.type is PmsType.SIMULATOR:
        from hotel_agent.pms.simulator.adapter import SimulatorPms

        inner = SimulatorPms(sessions, policy, today)
    else:
        from hotel_agent.pms.qloapps.adapter import QloAppsPms
        from hotel_agent.pms.qloapps.client import QloAppsClient

        client = QloAppsClient(
            http, base_url=pms.base_url, api_key=pms.api_key, timeout=pms.timeout
        )
        inner = QloAppsPms(client, hotel_id=pms.hotel_id, policy=policy, today=today)
    breaker = CircuitBreaker(
        "pms",
        failures=pms.breaker_failures,
        window_seconds=pms.breaker_window_seconds,
        recovery_seconds=pms.breaker_recovery_seconds,
    )
    cache: PmsCache
    if redis is None:
        cache = InProcessPmsCache()
    else:
        # Per PMS and hotel: switching PMS_TYPE or PMS_HOTEL_ID must not serve the old answers.
        cache = RedisPmsCache(redis, key_prefix=f"hotel_agent:pms:{pms.type}:{pms.hotel_id}:")
    return ResilientPms(inner, breaker=breaker, cache=cache, settings=pms, timeout=pms.timeout)


def hotel_today(timezone: str) -> Callable[[], date]:
    """Today's date where the hotel is: a stay "from today" changes at the hotel's midnight."""
    zone = ZoneInfo(timezone)
    return lambda: datetime.now(zone).date()
