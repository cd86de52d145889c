from django.test import RequestFactory

from selfcheck.clientip import client_ip

rf = RequestFactory()


def request(remote="10.0.0.2", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return rf.get("/", **meta)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request(forwarded="203.0.113.5")) == "10.0.0.2"


def test_one_proxy_takes_the_address_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent a forged first entry; nginx appended the real address.
    assert client_ip(request(forwarded="1.2.3.4, 203.0.113.5")) == "203.0.113.5"


def test_two_proxies_take_the_second_entry_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request(forwarded="1.2.3.4, 203.0.113.5, 10.0.0.9")) == "203.0.113.5"


def test_a_short_or_garbled_header_falls_back_to_the_peer(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request(forwarded="203.0.113.5")) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request(forwarded="not-an-address")) == "10.0.0.2"
