#!/usr/bin/env bash
# Builds the container image `tributary:latest` from the Containerfile: the release binary, the Debian 12
# packages of the libraries it links and loads (libpq5, libcurl4, compression libraries, OpenSSL, ...),
# librdkafka >= 2.2 (built by dev/setup.sh), CA certificates, tzdata and dash for the entrypoint.
# No base image is pulled: the root file system is assembled here from Debian's packages (apt-get
# download + dpkg-deb) and added to a `FROM scratch` image.
#
# Usage: dev/image.sh [--binary PATH] [--tag NAME] [--smoke]
#   --binary PATH  put this tributary binary in the image instead of a fresh release build (the e2e
#                  test uses the debug build; Swift runtime libraries it links are copied in too)
#   --tag NAME     image name (default tributary:latest, also tagged tributary:<version>)
#   --smoke        then run dev/image-smoke.sh on it (the local services must be running)
# The builder is podman, else buildah, else docker (TRIBUTARY_IMAGE_TOOL chooses); buildah is installed
# from Debian when none is there.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source dev/env.sh

binary="" tag="tributary:latest" smoke=false
while [ $# -gt 0 ]; do
  case $1 in
    --binary) binary=$2; shift 2 ;;
    --tag) tag=$2; shift 2 ;;
    --smoke) smoke=true; shift ;;
    *) echo "usage: $0 [--binary PATH] [--tag NAME] [--smoke]" >&2; exit 2 ;;
  esac
done

tool=${TRIBUTARY_IMAGE_TOOL:-}
if [ -z "$tool" ]; then
  for t in podman buildah docker; do command -v $t >/dev/null 2>&1 && { tool=$t; break; }; done
fi
if [ -z "$tool" ]; then
  echo "image: installing buildah (Debian)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends buildah >"$TRIB_CACHE/logs/apt-buildah.log" 2>&1 \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends buildah; } >>"$TRIB_CACHE/logs/apt-buildah.log" 2>&1 \
    || { tail -20 "$TRIB_CACHE/logs/apt-buildah.log" >&2; exit 1; }
  tool=buildah
fi

if [ -z "$binary" ]; then
  echo "image: building tributary (release)"
  build_release
  binary=$(release_bin)
fi
[ -x "$binary" ] || { echo "image: no executable at $binary" >&2; exit 1; }

work=.build/image
root=$work/rootfs
debs=$TRIB_CACHE/image-debs
rm -rf "$work"; mkdir -p "$root" "$debs"

# Libraries loaded with dlopen on first use (Sources/CLibPQ, CCurl, CCompress): ldd cannot see them.
dlopened=(libpq.so.5 libcurl.so.4 libdeflate.so.0 libsnappy.so.1 libzstd.so.1 liblz4.so.1)
libs=("$binary")
for so in "${dlopened[@]}"; do
  # awk reads to the end: leaving early would stop ldconfig with SIGPIPE, a failure under pipefail.
  p=$(ldconfig -p | awk -v s="$so" '$1 == s && /x86-64/ && p == "" { p = $NF } END { print p }')
  [ -n "$p" ] || { echo "image: $so is not installed here (run dev/setup.sh)" >&2; exit 1; }
  libs+=("$p")
done
# Every library those need, as this machine resolves it: a file of a Debian package brings its package,
# any other file (librdkafka from dev/setup.sh, the Swift runtime of a debug build) is copied alone.
declare -A pkgs=([ca-certificates]=1 [tzdata]=1 [dash]=1 [libc6]=1)
declare -A own=()
while read -r f; do
  [ -n "$f" ] || continue
  real=$(readlink -f "$f")
  # (dpkg knows Debian 12's libraries by their /lib path, ldd may name them by /usr/lib or the reverse.)
  if pkg=$(dpkg -S "$real" 2>/dev/null || dpkg -S "$f" 2>/dev/null || dpkg -S "${real#/usr}" 2>/dev/null); then
    pkgs[${pkg%%:*}]=1
  else
    own[$(basename "$f")]=$real
  fi
done < <(for l in "${libs[@]}"; do echo "$l"; ldd "$l" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'; done | sort -u | grep -vxF "$binary")

echo "image: Debian packages: ${!pkgs[*]}"
(cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${!pkgs[@]}" >"$TRIB_CACHE/logs/image-apt.log" 2>&1) \
  || { apt-get update -qq >>"$TRIB_CACHE/logs/image-apt.log" 2>&1 \
       && (cd "$debs" && apt-get download -q -o APT::Sandbox::User=root "${!pkgs[@]}" >>"$TRIB_CACHE/logs/image-apt.log" 2>&1); } \
  || { tail -20 "$TRIB_CACHE/logs/image-apt.log" >&2; exit 1; }

# Debian 12 packages still put files under /bin and /lib: the merged-/usr links keep one tree.
mkdir -p "$root"/usr/{bin,sbin,lib,lib64} "$root"/usr/local/{bin,lib}
for d in bin sbin lib lib64; do ln -s usr/$d "$root/$d"; done
for p in "${!pkgs[@]}"; do
  deb=$(ls -t "$debs/${p}_"*.deb | awk 'NR == 1')
  dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink -C "$root"
done
for name in "${!own[@]}"; do
  install -m 0755 "${own[$name]}" "$root/usr/local/lib/$name"
  strip --strip-unneeded "$root/usr/local/lib/$name"
done
strip -o "$root/usr/local/bin/tributary" "$binary"

# What a container never reads: documentation (copyright files stay), manuals, translations, iconv's
# charset modules (libpq, libcurl and the worker convert no legacy encodings), package scripts' data.
find "$root/usr/share/doc" -type f ! -name copyright -delete
find "$root/usr/share/doc" -type l -delete
rm -rf "$root"/usr/share/{man,info,locale,lintian,bug,debconf} "$root"/usr/lib/x86_64-linux-gnu/gconv \
       "$root"/usr/share/zoneinfo/right "$root"/usr/sbin/update-ca-certificates

# What package scripts would have done: the CA bundle (update-ca-certificates), OpenSSL's default paths
# (the openssl package's links, used by librdkafka, libpq's sslrootcert=system), UTC, the loader cache.
mkdir -p "$root/etc/ssl/certs" "$root/usr/lib/ssl"
cat "$root"/usr/share/ca-certificates/mozilla/*.crt >"$root/etc/ssl/certs/ca-certificates.crt"
ln -s /etc/ssl/certs "$root/usr/lib/ssl/certs"
ln -s /etc/ssl/certs/ca-certificates.crt "$root/usr/lib/ssl/cert.pem"
ln -sf /usr/share/zoneinfo/Etc/UTC "$root/etc/localtime"; echo Etc/UTC >"$root/etc/timezone"
ln -sf dash "$root/usr/bin/sh"
printf 'include /etc/ld.so.conf.d/*.conf\n' >"$root/etc/ld.so.conf"
printf '/usr/local/lib\n' >"$root/etc/ld.so.conf.d/local.conf"
ldconfig -r "$root"

# The user the image runs as: uid 1000, `appuser` as Confluent's images name it.
cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
appuser:x:1000:1000:Tributary:/home/appuser:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
appuser:x:1000:
nogroup:x:65534:
EOF
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
mkdir -p "$root"/{proc,sys,dev,root,tmp,etc/tributary,home/appuser,var/lib/tributary}
chmod 1777 "$root/tmp"; chmod 0700 "$root/root"
install -m 0755 deploy/image/entrypoint.sh "$root/usr/local/bin/tributary-entrypoint"
install -m 0644 deploy/image/worker.properties "$root/etc/tributary/worker.properties"
chown 1000:1000 "$root/home/appuser" "$root/var/lib/tributary"

tar --numeric-owner --sort=name -C "$root" -cf "$work/rootfs.tar" .
version=$("$binary" version | awk '{ print $2 }')
echo "image: building $tag with $tool"
build_args=(--build-arg "VERSION=$version" -f Containerfile -t "$tag")
[ "${tag%:*}" = tributary ] && build_args+=(-t "tributary:$version")
previous=$($tool images -q "$tag" 2>/dev/null | awk 'NR == 1' || true)
$tool build "${build_args[@]}" "$work" >"$TRIB_CACHE/logs/image-build.log" 2>&1 \
  || { tail -20 "$TRIB_CACHE/logs/image-build.log" >&2; exit 1; }
# The image this one replaces would stay in storage, untagged.
current=$($tool images -q "$tag" | awk 'NR == 1')
if [ -n "$previous" ] && [ "$previous" != "$current" ]; then $tool rmi "$previous" >/dev/null 2>&1 || true; fi
size=$($tool images --format '{{.Size}}' "$tag" | awk 'NR == 1')
gz=$(gzip -6 -c "$work/rootfs.tar" | wc -c)
echo "image: $tag built: $size ($(( gz / 1000000 )) MB as a gzip-compressed layer)"
if $smoke; then bash dev/image-smoke.sh "$tag"; fi
