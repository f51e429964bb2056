#!/usr/bin/env bash
# Checks the monitoring configurations with the tools' own checkers (run by .ci/run):
# promtool check config (both Prometheus configurations), check rules, test rules
# (alerts.test.yml), and that every Grafana JSON file parses. promtool insists that the bearer
# token files exist: the configurations are checked in a copy whose token paths point to a
# placeholder.
set -euo pipefail
cd "$(dirname "$0")"
command -v promtool >/dev/null || {
    echo "deploy/monitoring/check: promtool is needed (apt-get install prometheus)" >&2
    exit 1
}
WORK=$(mktemp -d /tmp/ocpizza-monitoring-check.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
printf 'placeholder' >"$WORK/token"
cp alerts.yml "$WORK/"
for config in prometheus.yml prometheus.compose.yml; do
    sed "s|credentials_file: .*|credentials_file: $WORK/token|" "$config" >"$WORK/$config"
    promtool check config "$WORK/$config"
done
promtool check rules alerts.yml
promtool test rules alerts.test.yml
find grafana -name '*.json' -print0 | while IFS= read -r -d '' json; do
    python3 -m json.tool "$json" >/dev/null || {
        echo "deploy/monitoring/check: $json is not valid JSON" >&2
        exit 1
    }
    echo "$json: valid JSON"
done
# Every dashboard query parses as PromQL: they are checked as recording rules, Grafana's
# variables replaced by plain values.
python3 - grafana/ocpizza.json "$WORK/dashboard-rules.yml" <<'PY'
import json, sys
dash = json.load(open(sys.argv[1]))
exprs = [t["expr"] for p in dash["panels"] for t in p.get("targets", [])]
with open(sys.argv[2], "w") as out:
    out.write("groups:\n  - name: dashboard\n    rules:\n")
    for i, e in enumerate(exprs):
        e = e.replace("$__rate_interval", "5m").replace("$node", ".*")
        out.write(f"      - record: dashboard:query{i}\n        expr: {json.dumps(e)}\n")
print(f"grafana/ocpizza.json: {len(exprs)} queries")
PY
promtool check rules "$WORK/dashboard-rules.yml"
