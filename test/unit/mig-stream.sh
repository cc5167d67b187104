#!/bin/bash
# The migration stream codec (acc_mig_stream.c, the kernel's own source)
# in userspace: the unit test under ASan/UBSan, then libFuzzer for a fixed
# time from a corpus of valid streams. Needs clang-14 and
# libclang-rt-14-dev (test/setup-host.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
secs=${MIG_FUZZ_SECS:-30}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flags=(-std=gnu11 -g -O1 -Wall -Wextra -Werror -include "$here/kshim.h"
	-I"$repo" -fno-sanitize-recover=all)

gcc "${flags[@]}" -fsanitize=address,undefined -o "$tmp/unit" \
	"$repo/acc_mig_stream.c" "$here/mig_stream_test.c"
"$tmp/unit"

command -v clang-14 >/dev/null || { echo "clang-14 missing"; exit 1; }
clang-14 "${flags[@]}" -fsanitize=fuzzer,address,undefined -o "$tmp/fuzz" \
	"$repo/acc_mig_stream.c" "$here/mig_stream_fuzz.c"
mkdir -p "$tmp/corpus"
"$tmp/unit" --corpus "$tmp/corpus"
"$tmp/fuzz" -max_total_time="$secs" -max_len=512 -print_final_stats=1 \
	"$tmp/corpus" 2>&1 | tail -n 15
