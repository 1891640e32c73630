#!/usr/bin/env bash
# The wheel stands alone: build the sdist and wheel into a temp dir outside the source
# tree, install the wheel (versions from uv.lock) into a clean venv there, and drive the
# installed CLI as a user would. Package data (schemas, init templates, dashboard
# templates and static files) must come from the installed package, never the checkout.
set -euo pipefail
SRC="$(cd "$(dirname "$0")/.." && pwd)"
UV="${UV:-$(command -v uv || echo "$SRC/.uv/bin/uv")}"
PYTHON="${PYTHON:-python3}"
WORK="$(mktemp -d /tmp/stackctl-wheel-smoke.XXXXXX)"
DASH_PID=""
cleanup() {
  if [ -n "$DASH_PID" ]; then kill "$DASH_PID" 2>/dev/null || true; wait "$DASH_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
export UV_PYTHON_DOWNLOADS=never
unset VIRTUAL_ENV STACKCTL_STACK || true
step() { echo "wheel-smoke: $*"; }

step "building sdist and wheel into $WORK/dist"
(cd "$SRC" && "$UV" build -q --out-dir "$WORK/dist")
WHEEL="$(ls "$WORK"/dist/stackctl-*.whl)"
ls "$WORK"/dist/stackctl-*.tar.gz >/dev/null

step "installing $(basename "$WHEEL") into a clean venv"
"$UV" venv -q --python "$PYTHON" "$WORK/venv"
(cd "$SRC" && "$UV" export -q --frozen --no-emit-project --no-hashes --extra dashboard -o "$WORK/pins.txt")
"$UV" pip install -q --python "$WORK/venv/bin/python" -c "$WORK/pins.txt" "$WHEEL[dashboard]"
ST="$WORK/venv/bin/stackctl"

mkdir "$WORK/project"
cd "$WORK/project"  # nothing of the checkout is importable from here
"$WORK/venv/bin/python" - "$SRC" <<'PY'
import sys, stackctl
from pathlib import Path
where = Path(stackctl.__file__).resolve()
assert not where.is_relative_to(Path(sys.argv[1])), f"stackctl imported from the checkout: {where}"
PY
step "stackctl --version: $("$ST" --version)"
"$ST" init >/dev/null
"$ST" validate
"$ST" plan >/dev/null || [ $? -eq 2 ]
"$ST" apply --auto-approve >/dev/null
"$ST" run hello
"$ST" validate --help >/dev/null

step "stackctl dashboard answers one page"
PORT="$("$WORK/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$ST" dashboard --port "$PORT" >"$WORK/dashboard.log" 2>&1 &
DASH_PID=$!
for _ in $(seq 1 100); do
  if "$WORK/venv/bin/python" - "$PORT" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request
body = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=2).read().decode()
assert "hello" in body or "stack" in body.lower(), body[:300]
PY
  sleep 0.2
done
"$WORK/venv/bin/python" - "$PORT" <<'PY'
import sys, urllib.request
body = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=5).read().decode()
assert "<html" in body.lower(), body[:300]
print("wheel-smoke: dashboard / answered", len(body), "bytes")
PY
step "ok"
