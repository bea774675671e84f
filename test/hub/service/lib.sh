# The test hub's optional half (up.sh --with-service, service.sh): PostgreSQL on loopback and
# assisted-service from its image, in kube-api mode against the hub. Sourced by ../lib.sh.

SERVICE_IMAGE=${ASSISTED_SWARM_SERVICE_IMAGE:-quay.io/edge-infrastructure/assisted-service:latest}
SERVICE_AUTH=${ASSISTED_SWARM_SERVICE_AUTH:-none} # none | local; the swarm's ConfigMap may override it
SERVICE_PORT=${ASSISTED_SWARM_HUB_SERVICE_PORT:-8090}
# 1: the service serves HTTPS only, with a serving certificate of the hub's own service CA
# (up.sh --with-service-tls, service.sh restart --tls); 0: plain HTTP. Set at each (re)start.
SERVICE_TLS=${ASSISTED_SWARM_HUB_SERVICE_TLS:-0}
# Served by the image service when it runs (--with-image-service, image-service/lib.sh); else
# never fetched: the service only renders it into InfraEnv URLs.
IMAGE_SERVICE_URL=http://127.0.0.1:${ASSISTED_SWARM_HUB_IMAGE_SERVICE_PORT:-8888}
# 1: the image service runs beside the service, and the service runs its BMH agent controller.
with_image_service=${ASSISTED_SWARM_HUB_WITH_IMAGE_SERVICE:-0}
# Release images the service knows without asking oc, besides the ClusterImageSets on the hub.
RELEASE_IMAGES_LIST=${ASSISTED_SWARM_SERVICE_RELEASE_IMAGES:-quay.io/openshift-release-dev/ocp-release:4.20.0-x86_64}
SERVICE_NAMESPACE=assisted-installer # the operator's namespace: swarm.config.ts hub.serviceNamespace
SERVICE_DIR=$HUB_DIR/service
SERVICE_CONTAINER=$(basename "$HUB_DIR")-service
SERVICE_LAYER_REPO=assisted-swarm-hub/assisted-service
PG_PORT=${ASSISTED_SWARM_HUB_POSTGRES_PORT:-15432}
PG_DIR=$HUB_DIR/postgres
PG_USER=admin
PG_DB=installer
SERVICE_LIB_DIR=$HUB_LIB_DIR/service
# The service's CA and serving certificate (service_pki), kept for the hub dir's life: a swarm
# config's hub.tls.caFile names SERVICE_CA, which a restart must not make stale.
SERVICE_PKI=$SERVICE_DIR/pki
SERVICE_CA=$SERVICE_PKI/ca.crt
# Where the operator mounts them in the service's pod (agentserviceconfig_controller.go), and so here.
SERVICE_TLS_MOUNT=/etc/assisted-tls-config
SERVICE_CA_MOUNT=/etc/assisted-ingress-cert/ca.crt

# The service's URL as this start makes it: https with SERVICE_TLS=1.
service_url() { if [[ $SERVICE_TLS == 1 ]]; then echo "https://127.0.0.1:$SERVICE_PORT"; else echo "http://127.0.0.1:$SERVICE_PORT"; fi; }

# The newest PostgreSQL of Debian's packages (postgresql-15 on Debian 12).
pg_bin() { local d; d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1) && [[ -n $d ]] && echo "$d"; }
# psql ARGS...: a real connection over TCP on loopback, as the service makes one.
pg_psql() { PGPASSWORD=$(<"$PG_DIR/password") "$(pg_bin)/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -X -q "$@"; }
postgres_ok() { [[ -s $PG_DIR/password ]] && [[ $(pg_psql -d postgres -Atc 'select 1' 2>/dev/null) == 1 ]]; }

service_running() { [[ $(docker inspect -f '{{.State.Running}}' "$SERVICE_CONTAINER" 2>/dev/null) == true ]]; }
# The URL the running container was started with (its label): what answers now, whatever this
# script's settings say.
running_service_url() { docker inspect -f '{{index .Config.Labels "assisted-swarm.io/hub-service-url"}}' "$SERVICE_CONTAINER" 2>/dev/null; }
# /ready of the running service; over HTTPS it must verify with the hub's service CA.
service_ok() {
  local url; url=$(running_service_url) && [[ -n $url ]] || url=$(service_url)
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 --cacert "$SERVICE_CA" "$url/ready" 2>/dev/null) == 200 ]]
}
# /ready answers before the kube-api controllers run: they wait for the leader lease.
# grep reads to the end (no -q): with pipefail, an early exit would fail docker logs with SIGPIPE.
service_leading() { docker logs "$SERVICE_CONTAINER" 2>&1 | grep 'successfully acquired lease' >/dev/null; }
# controller-runtime's lease of the service (its LeaderElectionID), in its namespace.
SERVICE_LEASE=apis/coordination.k8s.io/v1/namespaces/$SERVICE_NAMESPACE/leases/77190dcb.agent-install.openshift.io

# PostgreSQL refuses to run as root; root runs it as Debian's postgres user.
AS_PG_USER=()
[[ $(id -u) != 0 ]] || AS_PG_USER=(setpriv --reuid=postgres --regid=postgres --init-groups --)

ensure_postgres() {
  [[ -n $(pg_bin) ]] || apt_install postgresql
  postgres_ok && return
  if ! pid_of postgres >/dev/null; then
    if [[ ! -s $PG_DIR/data/PG_VERSION ]]; then
      log "creating a PostgreSQL cluster in $PG_DIR/data"
      rm -rf "$PG_DIR" && mkdir -p "$PG_DIR/data"
      (umask 077 && openssl rand -hex 16 >"$PG_DIR/password")
      [[ $(id -u) != 0 ]] || chown postgres: "$PG_DIR/data" "$PG_DIR/password"
      (cd / && "${AS_PG_USER[@]}" "$(pg_bin)/initdb" -D "$PG_DIR/data" -U "$PG_USER" --pwfile="$PG_DIR/password" \
        --auth-host=scram-sha-256 --auth-local=reject -E UTF8 --locale=C.UTF-8) >"$HUB_DIR/initdb.log" 2>&1 ||
        { tail -n 20 "$HUB_DIR/initdb.log" >&2; die "initdb failed (log: $HUB_DIR/initdb.log)"; }
    fi
    log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
    # No unix socket: loopback TCP only. max_connections above the service's pool of 90.
    start_daemon postgres "${AS_PG_USER[@]}" "$(pg_bin)/postgres" -D "$PG_DIR/data" -c listen_addresses=127.0.0.1 \
      -p "$PG_PORT" -c unix_socket_directories= -c max_connections=150
  fi
  wait_for postgres 60 postgres_ok
  [[ $(pg_psql -d postgres -Atc "select 1 from pg_database where datname = '$PG_DB'") == 1 ]] ||
    pg_psql -d postgres -c "create database $PG_DB"
}

# A P-256 key pair for AUTH_TYPE=local (the service signs and checks agent tokens with it),
# made once per hub dir; it stays there, mode 600, and is never printed.
ensure_ec_keys() {
  [[ -s $SERVICE_DIR/ec-public-key.pem ]] && return
  (umask 077 &&
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$SERVICE_DIR/ec-private-key.pem" 2>/dev/null &&
    openssl pkey -in "$SERVICE_DIR/ec-private-key.pem" -pubout -out "$SERVICE_DIR/ec-public-key.pem")
}

# The service's own CA (P-256, ten years) and a serving certificate of it for 127.0.0.1 (the
# agents, installers and controllers reach the service there), made once per hub dir. The key
# is the service's (user 1001 reads it), mode 600, and is never printed; the CA's key stays
# here and is used for nothing else. Kept apart from the API server's CA (pki/): a config that
# trusts one does not trust the other.
ensure_service_pki() {
  [[ -s $SERVICE_PKI/tls.crt && -s $SERVICE_CA ]] && return
  log "making the service's CA and serving certificate for 127.0.0.1 ($SERVICE_PKI)"
  rm -rf "$SERVICE_PKI" && mkdir -p "$SERVICE_PKI"
  (umask 077 &&
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj /CN=assisted-swarm-hub-service-ca \
      -addext keyUsage=critical,keyCertSign,cRLSign -keyout "$SERVICE_PKI/ca.key" -out "$SERVICE_CA" 2>/dev/null &&
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$SERVICE_PKI/tls.key" -subj /CN=assisted-service 2>/dev/null |
      openssl x509 -req -CA "$SERVICE_CA" -CAkey "$SERVICE_PKI/ca.key" -set_serial "0x$(openssl rand -hex 8)" -days 3650 -out "$SERVICE_PKI/tls.crt" \
        -extfile <(printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n') 2>/dev/null) ||
    die "could not make the service's certificates in $SERVICE_PKI"
  chmod 644 "$SERVICE_CA" "$SERVICE_PKI/tls.crt"
  $SUDO chown 1001:0 "$SERVICE_PKI/tls.key"
}

# Prints the tag of our layer on the configured image, building it if missing. The tag is
# derived from the base image's id and the layer's content, so a new base or a changed oc
# placeholder gives a new tag, and an unchanged one is reused.
service_layer_image() {
  local base ctx tag
  if ! base=$(docker image inspect -f '{{.Id}}' "$SERVICE_IMAGE" 2>/dev/null); then
    die "the assisted-service image '$SERVICE_IMAGE' is not in the local Docker engine. Provide it:
    pull it:                       docker pull $SERVICE_IMAGE
    or load it from an archive:    docker load -i <archive.tar>
    or use another local image:    ASSISTED_SWARM_SERVICE_IMAGE=<image> npm run hub:up -- --with-service"
  fi
  ctx=$SERVICE_DIR/layer && rm -rf "$ctx" && mkdir -p "$ctx"
  cp "$SERVICE_LIB_DIR/Dockerfile" "$SERVICE_LIB_DIR/oc" "$ctx/" && chmod 755 "$ctx/oc"
  printf %s "$SERVICE_NAMESPACE" >"$ctx/namespace"
  tag=$SERVICE_LAYER_REPO:$( (echo "$base"; cd "$ctx" && sha256sum Dockerfile oc namespace) | sha256sum | cut -c1-16)
  if ! docker image inspect "$tag" >/dev/null 2>&1; then
    log "building $tag: $SERVICE_IMAGE with the oc placeholder and the namespace file"
    DOCKER_BUILDKIT=0 docker build -q --build-arg "BASE=$base" -t "$tag" "$ctx" >"$SERVICE_DIR/build.log" 2>&1 ||
      { cat "$SERVICE_DIR/build.log" >&2; die "building $tag failed"; }
  fi
  echo "$tag"
}

# Writes the service's env file (service/config.mjs; it also creates what the service needs on
# the hub). Re-read at every (re)start, as the operator's rollout would.
write_service_env() {
  env HUB_SERVER="https://127.0.0.1:$APISERVER_PORT" PKI="$PKI" ENV_FILE="$SERVICE_DIR/env" \
    SERVICE_URL="$(service_url)" SERVICE_TLS="$SERVICE_TLS" SERVICE_TLS_MOUNT="$SERVICE_TLS_MOUNT" SERVICE_CA_MOUNT="$SERVICE_CA_MOUNT" \
    IMAGE_SERVICE_URL="$IMAGE_SERVICE_URL" SERVICE_AUTH="$SERVICE_AUTH" \
    SERVICE_NAMESPACE="$SERVICE_NAMESPACE" RELEASE_IMAGES_LIST="$RELEASE_IMAGES_LIST" \
    DB_PORT="$PG_PORT" DB_USER="$PG_USER" DB_NAME="$PG_DB" DB_PASSWORD_FILE="$PG_DIR/password" \
    WITH_IMAGE_SERVICE="$with_image_service" OS_IMAGE_URL="$OS_IMAGE_URL" OS_IMAGE_VERSION="$OS_IMAGE_VERSION" \
    node "$SERVICE_LIB_DIR/config.mjs"
}

# ensure_service [restart]: PostgreSQL, then the service container, kept if it runs with the same
# image and settings (else, or with "restart", made anew), then waits until /ready answers 200
# and its controllers lead. With the image service (with_image_service=1) that first, the
# PreprovisioningImage CRD the BMH agent controller watches, and a resolver on loopback; without
# it, no image service.
ensure_service() {
  local image hash tls_mounts=() extra=()
  ensure_postgres
  image=$(service_layer_image)
  mkdir -p "$SERVICE_DIR/data"
  ensure_ec_keys
  if [[ $SERVICE_TLS == 1 ]]; then
    ensure_service_pki
    tls_mounts=(-v "$SERVICE_PKI/tls.crt:$SERVICE_TLS_MOUNT/tls.crt:ro" -v "$SERVICE_PKI/tls.key:$SERVICE_TLS_MOUNT/tls.key:ro"
      -v "$SERVICE_CA:$SERVICE_CA_MOUNT:ro")
  fi
  write_service_env
  if ((with_image_service)); then
    # BareMetalHost's CRD is the hub's (lib/constructs/crds); BMO would bring this one too.
    node "$HUB_LIB_DIR/crds.mjs" "https://127.0.0.1:$APISERVER_PORT" "$PKI" "$SERVICE_LIB_DIR/crds"
    ensure_image_service
    extra=(-v "$LOOPBACK_RESOLV:/etc/resolv.conf:ro")
  else
    stop_image_service
  fi
  # The service runs as its image's user 1001 (group 0): it must read its kubeconfig, own /data.
  cp "$HUB_DIR/kubeconfig" "$SERVICE_DIR/kubeconfig"
  $SUDO chown 1001:0 "$SERVICE_DIR/kubeconfig" "$SERVICE_DIR/data"
  hash=$( (echo "$image $SERVICE_PORT ${tls_mounts[*]} ${extra[*]}"; cat "$SERVICE_DIR/env") | sha256sum | cut -c1-16)
  if [[ ${1:-} != restart ]] && service_running &&
    [[ $(docker inspect -f '{{index .Config.Labels "assisted-swarm.io/hub-service-config"}}' "$SERVICE_CONTAINER") == "$hash" ]]; then
    log "assisted-service already running ($SERVICE_CONTAINER)"
  else
    stop_service_container
    # The removed container's lease would hold off the new one's controllers for up to 15 s;
    # dropped as a graceful release would (the lease is free: its holder is gone).
    curl -fsS -o /dev/null -X DELETE --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
      "https://127.0.0.1:$APISERVER_PORT/$SERVICE_LEASE" 2>/dev/null || true
    log "starting assisted-service ($SERVICE_IMAGE, AUTH_TYPE $(grep -Po '^AUTH_TYPE=\K.*' "$SERVICE_DIR/env"), ENABLE_METAL3 $(grep -Po '^ENABLE_METAL3=\K.*' "$SERVICE_DIR/env")) on $(service_url)"
    # The EC keys pass by name from this process's environment: never on a command line.
    # Restarted when it exits, as its pod would be (it exits on a lost leader lease, e.g. while
    # the hub's API server restarts); `docker stop` or `rm` by these scripts ends it for good.
    EC_PUBLIC_KEY_PEM=$(<"$SERVICE_DIR/ec-public-key.pem") EC_PRIVATE_KEY_PEM=$(<"$SERVICE_DIR/ec-private-key.pem") \
      docker run -d --name "$SERVICE_CONTAINER" --network host --restart unless-stopped \
      --label "assisted-swarm.io/hub-service=$HUB_DIR" --label "assisted-swarm.io/hub-service-config=$hash" \
      --label "assisted-swarm.io/hub-service-url=$(service_url)" \
      --env-file "$SERVICE_DIR/env" -e EC_PUBLIC_KEY_PEM -e EC_PRIVATE_KEY_PEM \
      -e KUBECONFIG=/etc/assisted-swarm-hub/kubeconfig -v "$SERVICE_DIR/kubeconfig:/etc/assisted-swarm-hub/kubeconfig:ro" \
      "${tls_mounts[@]}" -v "$SERVICE_DIR/data:/data" "${extra[@]}" --log-opt max-size=100m \
      "$image" /assisted-service --port "$SERVICE_PORT" >/dev/null
  fi
  local deadline=$((SECONDS + 300))
  until service_ok && service_leading; do
    if ! service_running || ((SECONDS >= deadline)); then
      docker logs --tail 30 "$SERVICE_CONTAINER" >&2 2>&1 || true
      die "assisted-service not ready at $(service_url)/ready, or its controllers not leading (logs: docker logs $SERVICE_CONTAINER)"
    fi
    sleep 1
  done
  log "assisted-service ready at $(service_url)"
}

# Removes the service container by its name, if there is one.
stop_service_container() {
  docker_ok || return 0
  if docker container inspect "$SERVICE_CONTAINER" >/dev/null 2>&1; then
    log "removing container $SERVICE_CONTAINER"
    docker rm -f "$SERVICE_CONTAINER" >/dev/null
  fi
}

# The image service and the service container, then PostgreSQL (INT: its fast shutdown, which
# ends open sessions).
stop_service() {
  stop_image_service
  stop_service_container
  stop postgres INT
}
