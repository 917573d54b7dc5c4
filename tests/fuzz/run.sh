#!/bin/sh
# Runs one libFuzzer target on demand: run.sh TARGET SECONDS [--merge]. Builds it in build-fuzz with clang.
#
#   TARGET   hub_responses | consultation_loader | show_if_expression
#   SECONDS  how long to fuzz (libFuzzer -max_total_time), one job
#   --merge  afterwards, minimise the kept corpus (tests/fuzz/corpus/TARGET) together with what
#            this run found (-merge=1 on edges only, without hit counters), so the tree keeps
#            only inputs that reach a new edge: tens to a few hundred small files
#
# New inputs go to build-fuzz/fuzz-work/TARGET, crashes to build-fuzz/fuzz-artifacts/TARGET.
set -eu

if [ $# -lt 2 ]; then
  sed -n '2,10p' "$0" >&2
  exit 2
fi
target=$1
seconds=$2
merge=${3:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build-fuzz"
kept="$here/corpus/$target"
work="$build/fuzz-work/$target"
artifacts="$build/fuzz-artifacts/$target"

if [ ! -f "$here/$target.cpp" ]; then
  echo "no fuzz target $target (tests/fuzz/$target.cpp)" >&2
  exit 2
fi

# Debian's clang carries libFuzzer in its runtime package; check by linking an empty target.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$probe/p.cpp"
if ! command -v clang++ >/dev/null 2>&1 ||
   ! clang++ -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" 2>/dev/null; then
  echo "installing clang and its libFuzzer runtime" >&2
  apt-get update -q && apt-get install -y -q clang
  if ! clang++ -fsanitize=fuzzer,address,undefined "$probe/p.cpp" -o "$probe/p" 2>/dev/null; then
    apt-get install -y -q libclang-rt-14-dev
  fi
fi

launcher=""
if command -v ccache >/dev/null 2>&1; then
  launcher="-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
fi
# The kiosk needs a window system and has no fuzz target: left out of this build.
# shellcheck disable=SC2086
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DSOUNDINGS_FUZZ=ON -DSOUNDINGS_BUILD_KIOSK=OFF $launcher >/dev/null
cmake --build "$build" -j "${FUZZ_BUILD_JOBS:-2}" --target "fuzz_$target"
program=$(find "$build" -type f -name "fuzz_$target" -perm -u+x | head -n 1)

mkdir -p "$work" "$artifacts"
log="$build/fuzz-$target.log"
# The work folder comes first: libFuzzer writes new inputs there, never into the tree.
set +e
"$program" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$work" "$kept" >"$log" 2>&1
status=$?
set -e

echo "== $target: $seconds s, exit $status (log: $log)"
grep -E '^#[0-9]+[[:space:]]+(INITED|DONE)' "$log" | tail -n 2 || true
grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
echo "kept corpus: $(find "$kept" -type f | wc -l) files; new this run: $(find "$work" -type f | wc -l)"
findings=$(find "$artifacts" -type f | wc -l)
echo "findings: $findings"
if [ "$findings" -gt 0 ]; then
  find "$artifacts" -type f
  grep -E 'ERROR: |runtime error:|property broken' "$log" | head -n 5 || true
fi

if [ "$merge" = "--merge" ] && [ "$status" -eq 0 ]; then
  merged="$build/fuzz-merged/$target"
  rm -rf "$merged" && mkdir -p "$merged"
  "$program" -merge=1 -use_counters=0 "$merged" "$kept" "$work" >"$build/fuzz-$target-merge.log" 2>&1
  # Inputs that once crashed keep their names (crash-*), so the replay test says what it guards.
  find "$kept" -maxdepth 1 -type f -name 'crash-*' -exec cp {} "$merged"/ \;
  rm -rf "$kept" && mkdir -p "$kept" && cp "$merged"/* "$kept"/
  echo "merged: kept corpus now $(find "$kept" -type f | wc -l) files, $(du -sh "$kept" | cut -f1)"
fi
[ "$status" -eq 0 ] && [ "$findings" -eq 0 ]
