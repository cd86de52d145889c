from django.urls import reverse


def test_healthz_checks_the_database_and_the_broker(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_says_which_dependency_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "broker": "error"}


def test_ping_touches_nothing(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(reverse("healthz_ping")).content == b"ok"
