"""Checks that the services run really talks to PostgreSQL and Redis."""

import os

import pytest
from django.db import connection

pytestmark = pytest.mark.services


@pytest.mark.django_db
def test_the_database_is_postgresql():
    assert os.environ.get("DATABASE_URL", "").startswith("postgres"), "DATABASE_URL must name PostgreSQL"
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_redis_answers():
    import redis

    url = os.environ.get("CELERY_BROKER_URL", "")
    assert url.startswith("redis://"), "CELERY_BROKER_URL must name Redis"
    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    assert client.ping() is True


def test_the_cache_is_redis_when_named():
    import redis
    from django.core.cache import cache, caches
    from django.core.cache.backends.redis import RedisCache

    url = os.environ.get("CACHE_URL", "")
    assert url.startswith("redis://"), "CACHE_URL must name Redis"
    backend = caches["default"]
    assert isinstance(backend, RedisCache), f"the cache is {type(backend).__name__}, not Redis"
    cache.set("selfcheck-probe", "ok", 10)
    assert cache.get("selfcheck-probe") == "ok"
    # The value is really in the Redis that CACHE_URL names, not in this process.
    client = redis.Redis.from_url(url, socket_connect_timeout=5)
    assert client.exists(cache.make_and_validate_key("selfcheck-probe")) == 1
