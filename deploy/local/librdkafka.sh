#!/usr/bin/env bash
# Builds the librdkafka Parcours links: Debian 13's source package (2.8.0-1), into a prefix of
# this checkout, as static libraries with the headers and pkg-config files.
#
# Why not Debian 12's librdkafka-dev (2.0.2): its main thread sleeps until its next timer in
# whole milliseconds rounded down, so with a timer less than a millisecond away it spins
# (librdkafka #4671, fixed in 2.4). A transactional producer arms a 1 ms timer on a
# transaction's first record and again when the broker has registered its partitions: each
# transaction spun its producer's main thread for about 2 ms: with 2.8, `serve` takes 14 to
# 26 % less CPU per command at 500 commands/s (docs/performance.md, decision 28). 2.8.0 is the
# version Debian 13 ships, its source taken from Debian's archive with the archive's checksums
# and built with Debian's patches.
#
# Static libraries: the binary carries its Kafka client and needs no library of its own at run
# time (deploy/Dockerfile). OpenSSL, zstd, lz4 and zlib stay Debian 12's shared libraries. Not
# built: libcurl (only for OIDC token fetching) and Cyrus SASL (only for GSSAPI/Kerberos);
# SASL PLAIN, SCRAM and OAUTHBEARER with a token callback are built in.
#
# Idempotent: a prefix that holds this version is left alone.
#
# Environment:
#   PARCOURS_RDKAFKA_PREFIX   where to install   (default <repo>/var/librdkafka-2.8.0-1)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VERSION=2.8.0
DEBIAN_REVISION=1
PREFIX="${PARCOURS_RDKAFKA_PREFIX:-$ROOT/var/librdkafka-$VERSION-$DEBIAN_REVISION}"
POOL=https://deb.debian.org/debian/pool/main/libr/librdkafka
# From the archive's Sources index of Debian 13 (trixie/main): Checksums-Sha256.
ORIG=librdkafka_$VERSION.orig.tar.gz
ORIG_SHA256=5bd1c46f63265f31c6bfcedcde78703f77d28238eadf23821c2b43fc30be3e25
DEBIAN=librdkafka_$VERSION-$DEBIAN_REVISION.debian.tar.xz
DEBIAN_SHA256=85381d3e0f2f8a5f871a408df59ed7ee3071a7bdbce9adefabfc5d3324418ed1

STAMP="$PREFIX/.complete"
if [ -f "$STAMP" ]; then exit 0; fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
echo "librdkafka.sh: building librdkafka $VERSION-$DEBIAN_REVISION (Debian 13) into $PREFIX"

fetch() {  # fetch FILE SHA256
  curl -fsSL --retry 3 -o "$WORK/$1" "$POOL/$1"
  echo "$2  $WORK/$1" | sha256sum -c --quiet -
}
fetch "$ORIG" "$ORIG_SHA256"
fetch "$DEBIAN" "$DEBIAN_SHA256"

SRC="$WORK/librdkafka-$VERSION"
tar -xzf "$WORK/$ORIG" -C "$WORK"
tar -xJf "$WORK/$DEBIAN" -C "$SRC"
while read -r patch; do
  case "$patch" in '' | '#'*) continue ;; esac
  patch -s -p1 -d "$SRC" < "$SRC/debian/patches/$patch"
done < "$SRC/debian/patches/series"

JOBS="${PARCOURS_BUILD_JOBS:-$(nproc)}"
STAGE="$PREFIX.tmp"
rm -rf "$STAGE"
(
  cd "$SRC"
  ./configure --prefix="$STAGE" --disable-curl --disable-gssapi >"$WORK/configure.log" 2>&1 \
    || { cat "$WORK/configure.log" >&2; exit 1; }
  make -s -j "$JOBS" libs >"$WORK/make.log" 2>&1 || { tail -50 "$WORK/make.log" >&2; exit 1; }
  make -s -C src install >/dev/null
  make -s -C src-cpp install >/dev/null
)
# Static libraries only, so that the linker cannot pick a shared one.
rm -f "$STAGE"/lib/*.so* "$STAGE"/lib/librdkafka-static.a "$STAGE"/lib/pkgconfig/*-static.pc
rm -rf "$PREFIX"
mv "$STAGE" "$PREFIX"
# pkg-config files name the prefix they were installed to.
sed -i "s|$STAGE|$PREFIX|g" "$PREFIX"/lib/pkgconfig/*.pc
touch "$STAMP"
echo "librdkafka.sh: done"
