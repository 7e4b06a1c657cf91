#!/usr/bin/env bash
# Builds the libFuzzer targets of protocols/ with clang (ASan + UBSan) and runs each for
# SECONDS (default 60). Seeds come from protocols/testdata; the corpus grows in
# BUILD_DIR/corpus/<target>. Exits non-zero on the first target that finds a crash, a leak
# or undefined behaviour (the reproducer is left in BUILD_DIR/artifacts/).
#   protocols/fuzz/run_fuzzers.sh [SECONDS] [BUILD_DIR]     (BUILD_DIR default: build-fuzz)
set -euo pipefail
seconds="${1:-60}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
build="${2:-$root/build-fuzz}"
targets=(fuzz_wm_json fuzz_hx_binary fuzz_tb_gateway fuzz_topic)

CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DWM_FUZZ=ON >/dev/null
ninja -C "$build" -j2 "${targets[@]}"

seeds="$build/seeds"
rm -rf "$seeds" && mkdir -p "$seeds"/{fuzz_wm_json,fuzz_hx_binary,fuzz_tb_gateway,fuzz_topic}
cp "$root"/protocols/testdata/wm_json/*.json "$seeds/fuzz_wm_json/"
cp "$root"/protocols/testdata/tb_gateway/*.json "$seeds/fuzz_tb_gateway/"
for hex in "$root"/protocols/testdata/hx_binary/*.hex; do  # hex pairs, '#' comments
  sed 's/#.*//' "$hex" | xxd -r -p > "$seeds/fuzz_hx_binary/$(basename "$hex" .hex).bin"
done
printf 'wm/v1/s-001/m-0001/telemetry' > "$seeds/fuzz_topic/telemetry"
printf 'wm/v1/site_9/dev-7/event' > "$seeds/fuzz_topic/event"
printf 'hx/m-0001/up' > "$seeds/fuzz_topic/hx"

mkdir -p "$build/artifacts"
for target in "${targets[@]}"; do
  mkdir -p "$build/corpus/$target"
  echo "== $target: ${seconds}s"
  status=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "$build/protocols/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$target-" \
    "$build/corpus/$target" "$seeds/$target" > "$build/$target.log" 2>&1 || status=$?
  grep -E "^#[0-9]+.*DONE|stat::number_of_executed_units|stat::peak_rss|ERROR|SUMMARY" \
    "$build/$target.log" || true
  if [ "$status" -ne 0 ]; then
    echo "$target FAILED (exit $status), see $build/$target.log"
    exit 1
  fi
done
echo "all fuzz targets clean"
