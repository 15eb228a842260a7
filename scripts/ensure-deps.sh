#!/usr/bin/env bash
# Installs the Debian packages pbr-settle needs when run as root, or prints
# the exact apt-get line otherwise.  Quiet when everything is present.
set -u

# package : a file that proves it is installed
need=(
  "build-essential:/usr/bin/make"
  "gcc:/usr/bin/gcc"
  "pkg-config:/usr/bin/pkg-config"
  "libpq-dev:/usr/include/postgresql/libpq-fe.h"
  "libxml2-dev:/usr/include/libxml2/libxml/xmlwriter.h"
  "libxslt1-dev:/usr/include/libxslt/xslt.h"
  "libxmlsec1-dev:/usr/include/xmlsec1/xmlsec/xmldsig.h"
  "libssl-dev:/usr/include/openssl/evp.h"
  "libcunit1-dev:/usr/include/CUnit/CUnit.h"
  "postgresql-15:/usr/lib/postgresql/15/bin/initdb"
  "postgresql-client-15:/usr/bin/psql"
  "libxml2-utils:/usr/bin/xmllint"
  "xmlsec1:/usr/bin/xmlsec1"
  "xsltproc:/usr/bin/xsltproc"
  "openssl:/usr/bin/openssl"
  "util-linux:/usr/sbin/runuser"
  "clang:/usr/bin/clang"
  "libclang-rt-14-dev:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a"
  "clang-tidy:/usr/bin/clang-tidy"
  "cppcheck:/usr/bin/cppcheck"
  "shellcheck:/usr/bin/shellcheck"
  "valgrind:/usr/bin/valgrind"
  "strace:/usr/bin/strace"
  "bc:/usr/bin/bc"
  "python3:/usr/bin/python3"
  "gcovr:/usr/bin/gcovr"
)
# The HTML report test renders in headless Chromium; without it, that part
# of the test says SKIP.  make check asks for it (PBR_WITH_BROWSER=1).
if [ "${PBR_WITH_BROWSER:-0}" = 1 ]; then
  need+=("chromium:/usr/bin/chromium")
fi

missing=()
for item in "${need[@]}"; do
  pkg=${item%%:*}
  file=${item#*:}
  [ -e "$file" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null || {
    echo "apt-get install failed: ${missing[*]}" >&2
    exit 1
  }
  exit 0
fi
echo "missing packages; run as root:" >&2
echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
exit 1
