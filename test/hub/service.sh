#!/usr/bin/env bash
# The test hub's assisted-service (started by `up.sh --with-service`; see service/lib.sh).
# Usage:
#   service.sh restart [--tls]   re-reads its settings (the ConfigMap that the AgentServiceConfig
#                        `agent` annotation names, the ClusterImageSets) and starts a new container,
#                        as the operator's rollout would; starts PostgreSQL too if it is not up.
#                        Plain HTTP unless --tls (or ASSISTED_SWARM_HUB_SERVICE_TLS=1): HTTPS only,
#                        with the hub's service CA (service/pki/ca.crt; the env file names it)
#   service.sh stop      removes the service container and stops PostgreSQL; the hub stays up
set -euo pipefail
source "$(dirname "$0")/lib.sh"
help_if_asked "$@"
case ${1:-} in
  restart | stop) ;;
  *) die "usage: service.sh restart [--tls] | stop" ;;
esac
case ${2:-} in
  --tls) SERVICE_TLS=1 ;;
  '') ;;
  *) die "unknown argument '$2' (usage: service.sh restart [--tls] | stop)" ;;
esac
apiserver_ok || die "the hub is not up (npm run hub:up)"
take_lock
if [[ $1 == restart ]]; then
  ensure_service restart
else
  stop_service
fi
write_env
