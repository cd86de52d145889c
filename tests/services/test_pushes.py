"""College group-robot pushes: URL checks, claiming, posting to a local server, retries."""

import json
import threading
from datetime import time, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import TestCase
from django.utils import timezone

from selfcheck.models import AuditEvent, CollegePush, Student
from selfcheck.services.pushes import (
    MAX_ATTEMPTS,
    PushError,
    college_push_send,
    college_push_set,
    next_run,
    pushes_dispatch_due,
    webhook_url_check,
)


class Robot:
    """A group robot on 127.0.0.1 that records what it receives and answers as told."""

    def __init__(self):
        self.received: list[dict] = []
        self.answer = {"errcode": 0, "errmsg": "ok"}
        self.status = 200
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                robot.received.append(json.loads(self.rfile.read(length)))
                body = json.dumps(robot.answer).encode()
                self.send_response(robot.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/cgi-bin/webhook/send?key=test"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def robot(settings):
    settings.SELFCHECK_WEBHOOK_HOSTS = ["qyapi.weixin.qq.com", "oapi.dingtalk.com", "127.0.0.1"]
    server = Robot()
    yield server
    server.close()


@pytest.fixture
def push(robot, registrar, college_a, school):
    return college_push_set(college_a, url=robot.url, send_at=time(17, 0), enabled=True, by=registrar)


def _claim(push):
    push.next_run_at = timezone.now() - timedelta(minutes=1)
    push.save(update_fields=["next_run_at"])
    queued = []
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert pushes_dispatch_due(queue=queued.append) == [push.pk]
    push.refresh_from_db()
    return queued


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/hook",
        "ftp://qyapi.weixin.qq.com/x",
        "https://qyapi.weixin.qq.com.evil.cn/x",
        "https://user:pw@oapi.dingtalk.com/robot/send",
        "not a url",
    ],
)
def test_only_wecom_and_dingtalk_hosts_are_accepted(url):
    with pytest.raises(PushError):
        webhook_url_check(url)


def test_real_robot_addresses_pass():
    assert webhook_url_check(" https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k ").startswith("https://")
    assert webhook_url_check("https://oapi.dingtalk.com/robot/send?access_token=t")


def test_setting_a_push_schedules_it_and_is_audited(push):
    assert push.next_run_at == next_run(time(17, 0), timezone.now())
    assert timezone.localtime(push.next_run_at).hour == 17
    assert AuditEvent.objects.filter(action="college_push.set").count() == 1


def test_the_dispatcher_claims_a_due_push_once(push):
    queued = _claim(push)
    assert push.state == "sending"
    assert pushes_dispatch_due(queue=queued.append) == []  # a second run claims nothing
    assert queued == [push.pk]


def test_a_push_posts_the_summary_and_pending_names_without_id_numbers(push, robot):
    _claim(push)
    assert college_push_send(push) == "sent"
    (message,) = robot.received
    assert message["msgtype"] == "text"
    text = message["text"]["content"]
    assert "计算机学院" in text and "应核对 5 人" in text and "已完成 2 人（40%）" in text
    pending = Student.objects.filter(college__code="A01", checks__status__in=["pending", "blocked"])
    assert pending.count() == 2
    for student in pending:
        assert f"{student.name} {student.student_no}" in text
    for id_number in Student.objects.values_list("id_number", flat=True):
        assert id_number not in text and id_number[-4:] not in text
    push.refresh_from_db()
    assert push.state == "idle" and push.last_success_at and push.last_error == ""
    assert push.next_run_at > timezone.now()


def test_a_failed_push_is_retried_by_the_dispatcher_then_waits_for_the_next_day(push, robot):
    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    for attempt in range(1, MAX_ATTEMPTS + 1):
        _claim(push)
        assert college_push_send(push) == "failed"
        push.refresh_from_db()
        assert "93000" in push.last_error and push.state == "idle"
        if attempt < MAX_ATTEMPTS:
            assert push.attempts == attempt and push.next_run_at - timezone.now() < timedelta(minutes=20)
    assert push.attempts == 0 and push.next_run_at == next_run(time(17, 0), timezone.now())
    assert len(robot.received) == MAX_ATTEMPTS


def test_an_unreachable_robot_is_a_recorded_failure(push, robot):
    robot.close()
    _claim(push)
    assert college_push_send(push) == "failed"
    push.refresh_from_db()
    assert push.attempts == 1 and push.last_error


def test_an_unclaimed_or_disabled_push_sends_nothing(push, robot, registrar, college_a):
    assert college_push_send(push) == "not-claimed"
    college_push_set(college_a, url=robot.url, send_at=time(8, 0), enabled=False, by=registrar)
    assert pushes_dispatch_due(queue=lambda pk: None, now=timezone.now() + timedelta(days=2)) == []
    assert robot.received == []
    assert CollegePush.objects.get(college=college_a).next_run_at is None
