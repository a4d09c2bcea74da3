"""AWS credentials found the way the AWS SDKs find them, for the S3 sink: Confluent's
AwsAssumeRoleCredentialsProvider, web identity (EKS), and EC2 instance metadata (IMDSv2) with
credentials that expire during the run. moto serves STS and checks S3's signatures; the instance
metadata endpoint is a stub on loopback that hands out short-lived STS credentials."""
import datetime
import http.server
import json
import os
import threading
import time
import urllib.parse
import uuid

import boto3
import botocore.config
import pytest

from conftest import Worker, free_port, wait_until
from test_s3_sink import create_topic, objects, produce, sink_config, wait_objects

S3_ENDPOINT = os.environ.get("S3_ENDPOINT")
TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]}]})
S3_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


def client(service):
    # No client-side checks: STS's minimum DurationSeconds (900) would refuse the short lifetimes here.
    return boto3.client(service, endpoint_url=S3_ENDPOINT, region_name="us-east-1",
                        config=botocore.config.Config(parameter_validation=False))


@pytest.fixture(scope="module")
def role_arn():
    name = "sink-" + uuid.uuid4().hex[:8]
    arn = client("iam").create_role(RoleName=name, AssumeRolePolicyDocument=TRUST)["Role"]["Arn"]
    client("iam").put_role_policy(RoleName=name, PolicyName="s3", PolicyDocument=S3_ALL)
    return arn


@pytest.fixture
def bucket():
    name = "creds-" + uuid.uuid4().hex[:8]
    client("s3").create_bucket(Bucket=name)
    return name


# The worker's AWS keys are not in its environment for these tests: each finds them another way.
NO_KEYS = {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None, "AWS_SESSION_TOKEN": None,
           "AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL_STS": S3_ENDPOINT}


def run_sink(tmp_path, bucket, env, extra, records=6, worker_extra=None):
    w = Worker(tmp_path, env=env, extra=worker_extra).start()
    try:
        topic = "creds-" + uuid.uuid4().hex[:8]
        create_topic(topic)
        # A connector name of its own: its sink group (connect-<name>) must not be one a previous test left.
        w.connector = "s3-" + uuid.uuid4().hex[:8]
        r = w.post("/connectors", {"name": w.connector, "config": sink_config(topic, bucket, **extra)})
        assert r.status_code == 201, r.text
        produce(topic, [(None, {"n": i}) for i in range(records)])
        wait_objects(bucket, records // 3)
        return w, topic
    except BaseException:
        w.stop()
        raise


def test_confluents_assume_role_provider(tmp_path, bucket, role_arn):
    """The connector's own keys sign AssumeRole; S3 sees only the role's temporary credentials."""
    env = dict(NO_KEYS)
    w, _ = run_sink(tmp_path, bucket, env, {
        "aws.access.key.id": os.environ["AWS_ACCESS_KEY_ID"], "aws.secret.access.key": os.environ["AWS_SECRET_ACCESS_KEY"],
        "s3.credentials.provider.class": "io.confluent.connect.s3.auth.AwsAssumeRoleCredentialsProvider",
        "s3.credentials.provider.sts.role.arn": role_arn,
        "s3.credentials.provider.sts.role.session.name": "tributary-e2e",
        "s3.credentials.provider.sts.role.external.id": "ext-1"})
    try:
        assert len(objects(bucket)) == 2
        assert os.environ["AWS_SECRET_ACCESS_KEY"] not in w.log.read_text()
    finally:
        w.stop()


def test_assume_role_without_its_keys_is_refused_by_name(worker, bucket):
    r = worker.put("/connector-plugins/S3SinkConnector/config/validate", sink_config("t", bucket, **{
        "s3.credentials.provider.class": "io.confluent.connect.s3.auth.AwsAssumeRoleCredentialsProvider",
        "s3.credentials.provider.sts.role.arn": "arn:aws:iam::123456789012:role/x"}))
    errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"] if c["value"]["errors"]}
    assert errors["s3.credentials.provider.sts.role.session.name"] == [
        'Missing required configuration "sts.role.session.name" which has no default value.']
    r = worker.put("/connector-plugins/S3SinkConnector/config/validate", sink_config("t", bucket, **{
        "s3.credentials.provider.class": "com.example.MyProvider"}))
    errors = {c["value"]["name"]: c["value"]["errors"] for c in r.json()["configs"] if c["value"]["errors"]}
    assert errors["s3.credentials.provider.class"] == [
        "Invalid value com.example.MyProvider for configuration s3.credentials.provider.class: Class com.example.MyProvider could not be found."]


class WebIdentitySTS:
    """STS's AssumeRoleWithWebIdentity on loopback. moto answers it only signed when it checks signatures,
    while AWS takes it unsigned (the token is the proof), as the SDKs and Tributary send it: this stub
    checks the unsigned request, then asks moto's STS for the role's credentials (AssumeRole, signed
    with the test's keys) and answers in AssumeRoleWithWebIdentity's XML."""

    def __init__(self):
        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                form = dict(urllib.parse.parse_qsl(body))
                outer.requests.append((form, self.headers.get("Authorization")))
                c = client("sts").assume_role(RoleArn=form["RoleArn"], RoleSessionName=form["RoleSessionName"])["Credentials"]
                xml = (f"<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
                       f"<SessionToken>{c['SessionToken']}</SessionToken><SecretAccessKey>{c['SecretAccessKey']}</SecretAccessKey>"
                       f"<Expiration>{c['Expiration'].strftime('%Y-%m-%dT%H:%M:%SZ')}</Expiration>"
                       f"<AccessKeyId>{c['AccessKeyId']}</AccessKeyId></Credentials>"
                       f"</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>").encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(xml)))
                self.end_headers()
                self.wfile.write(xml)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_web_identity_from_the_environment(tmp_path, bucket, role_arn):
    """EKS's IRSA: AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, exchanged at STS unsigned."""
    token = tmp_path / "token"
    token.write_text("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6a2Fma2EifQ.sig\n")
    sts = WebIdentitySTS()
    env = {**NO_KEYS, "AWS_WEB_IDENTITY_TOKEN_FILE": str(token), "AWS_ROLE_ARN": role_arn,
           "AWS_ROLE_SESSION_NAME": "tributary-irsa", "HOME": str(tmp_path), "AWS_ENDPOINT_URL_STS": sts.url}
    try:
        w, _ = run_sink(tmp_path, bucket, env, {})
        try:
            assert len(objects(bucket)) == 2
            form, authorization = sts.requests[0]
            assert form["Action"] == "AssumeRoleWithWebIdentity" and form["RoleArn"] == role_arn
            assert form["RoleSessionName"] == "tributary-irsa"
            assert form["WebIdentityToken"] == token.read_text().strip() and authorization is None
        finally:
            w.stop()
    finally:
        sts.server.shutdown()


class InstanceMetadata:
    """IMDSv2 on loopback: a session token first (PUT), then the role and its credentials, each time
    fresh STS credentials that expire after `lifetime` seconds."""

    def __init__(self, role_arn, lifetime):
        self.fetches = 0
        self.expires = 0.0  # when the last credentials handed out expire (epoch seconds)
        self.tokens = set()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def reply(self, status, body):
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_PUT(self):
                if self.path != "/latest/api/token" or not self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"):
                    return self.reply(400, "")
                t = uuid.uuid4().hex
                outer.tokens.add(t)
                self.reply(200, t)

            def do_GET(self):
                if self.headers.get("X-aws-ec2-metadata-token") not in outer.tokens:
                    return self.reply(401, "")
                base = "/latest/meta-data/iam/security-credentials/"
                if self.path == base:
                    return self.reply(200, "sink-role\n")
                if self.path == base + "sink-role":
                    c = client("sts").assume_role(RoleArn=role_arn, RoleSessionName="imds",
                                                  DurationSeconds=lifetime)["Credentials"]
                    outer.fetches += 1
                    expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=lifetime)
                    outer.expires = expires.timestamp()
                    return self.reply(200, json.dumps({
                        "Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": c["AccessKeyId"],
                        "SecretAccessKey": c["SecretAccessKey"], "Token": c["SessionToken"],
                        "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}))
                self.reply(404, "")

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_instance_metadata_credentials_are_refreshed_before_they_expire(tmp_path, bucket, role_arn):
    imds = InstanceMetadata(role_arn, lifetime=10)
    env = {**NO_KEYS, "AWS_EC2_METADATA_DISABLED": None, "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.url,
           "HOME": str(tmp_path)}
    w, topic = run_sink(tmp_path, bucket, env, {"flush.size": "3"})
    try:
        first = imds.fetches
        assert first >= 1
        # Write again after each set of credentials has expired: the upload is signed with new ones.
        for round in range(1, 4):
            expired = imds.expires
            wait_until(lambda: time.time() > expired, timeout=20, what="the credentials to expire")
            produce(topic, [(None, {"n": 100 * round + i}) for i in range(3)])
            wait_objects(bucket, 2 + round)
            assert imds.fetches == first + round
        status = w.get(f"/connectors/{w.connector}/status").json()
        assert [t["state"] for t in status["tasks"]] == ["RUNNING"]
        assert len(objects(bucket)) == 5
    finally:
        w.stop()
        imds.server.shutdown()
