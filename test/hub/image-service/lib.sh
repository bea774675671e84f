# The test hub's image service (up.sh --with-image-service, service.sh restart
# --with-image-service): upstream's assisted-image-service from its image, beside the service,
# serving an OS image the hub makes (make-os-image.mjs). With it the service runs its BMH agent
# controller (ENABLE_METAL3) and points IMAGE_SERVICE_BASE_URL at it. Sourced by ../lib.sh.

IMAGE_SERVICE_IMAGE=${ASSISTED_SWARM_IMAGE_SERVICE_IMAGE:-quay.io/edge-infrastructure/assisted-image-service:latest}
IMAGE_SERVICE_PORT=${ASSISTED_SWARM_HUB_IMAGE_SERVICE_PORT:-8888}
# Where the image service fetches the OS image from at start (a file server that runs meanwhile).
OS_IMAGE_PORT=${ASSISTED_SWARM_HUB_OS_IMAGE_PORT:-8889}
IMAGE_SERVICE_DIR=$HUB_DIR/image-service
IMAGE_SERVICE_CONTAINER=$(basename "$HUB_DIR")-image-service
IMAGE_SERVICE_LIB_DIR=$HUB_LIB_DIR/image-service
# The RHCOS version of the OS image (its volume id is rhcos-<version>), for every OpenShift x.y.
OS_IMAGE_VERSION=9.6.20251101-0
OS_IMAGE_URL=http://127.0.0.1:$OS_IMAGE_PORT/rhcos-$OS_IMAGE_VERSION-x86_64-live.iso
# A resolver on loopback for the service and the image service: no name they look up leaves the
# machine (the service's BMH agent controller dials installed clusters' API, see docs/upstream-gaps.md).
LOOPBACK_RESOLV=$IMAGE_SERVICE_DIR/resolv.conf

image_service_running() { [[ $(docker inspect -f '{{.State.Running}}' "$IMAGE_SERVICE_CONTAINER" 2>/dev/null) == true ]]; }
# /health answers 200 once it has fetched, checked and prepared every OS image.
image_service_ok() { [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$IMAGE_SERVICE_PORT/health" 2>/dev/null) == 200 ]]; }

os_image_served() { curl -fsSI --max-time 2 "$OS_IMAGE_URL" >/dev/null 2>&1; }

# Prints the OS image's path, making it if missing (named after what it is made from: the maker
# and the service image, whose nmstatectl it holds; a few seconds).
ensure_os_image() {
  local missing=() key iso cid
  command -v xorriso >/dev/null || missing+=(xorriso)
  command -v mksquashfs >/dev/null || missing+=(squashfs-tools)
  command -v cpio >/dev/null || missing+=(cpio)
  if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
  key=$( (docker image inspect -f '{{.Id}}' "$SERVICE_IMAGE"; echo "$OS_IMAGE_VERSION"; cat "$IMAGE_SERVICE_LIB_DIR/make-os-image.mjs") | sha256sum | cut -c1-12)
  iso=$IMAGE_SERVICE_DIR/os-image/rhcos-$OS_IMAGE_VERSION-$key.iso
  if [[ ! -s $iso ]]; then
    log "making the OS image $iso (nmstatectl from $SERVICE_IMAGE)"
    rm -rf "$IMAGE_SERVICE_DIR/os-image" && mkdir -p "$IMAGE_SERVICE_DIR/os-image"
    cid=$(docker create "$SERVICE_IMAGE")
    docker cp -q "$cid:/usr/bin/nmstatectl" "$IMAGE_SERVICE_DIR/os-image/nmstatectl" >/dev/null
    docker rm "$cid" >/dev/null
    node "$IMAGE_SERVICE_LIB_DIR/make-os-image.mjs" "$iso" "$OS_IMAGE_VERSION" "$IMAGE_SERVICE_DIR/os-image/nmstatectl" ||
      die "making the OS image failed"
    rm -f "$IMAGE_SERVICE_DIR/os-image/nmstatectl"
  fi
  echo "$iso"
}

# ensure_image_service [restart]: the OS image, then the container, kept if it runs with the same
# image and settings (else made anew), then waits until it has prepared its OS image. The
# service's env file must be written first: both read the same OS_IMAGES.
ensure_image_service() {
  local iso os_images hash url ca=()
  # The service's URL as it is being (re)started; over HTTPS, Go's SSL_CERT_FILE names its CA.
  url=$(service_url)
  [[ $SERVICE_TLS != 1 ]] || ca=(-e SSL_CERT_FILE=/etc/assisted-swarm-hub/service-ca.crt -v "$SERVICE_CA:/etc/assisted-swarm-hub/service-ca.crt:ro")
  docker image inspect "$IMAGE_SERVICE_IMAGE" >/dev/null 2>&1 ||
    die "the image service's image '$IMAGE_SERVICE_IMAGE' is not in the local Docker engine (docker pull / docker load -i, or ASSISTED_SWARM_IMAGE_SERVICE_IMAGE)"
  iso=$(ensure_os_image)
  os_images=$(grep -Po '^OS_IMAGES=\K.*' "$SERVICE_DIR/env")
  printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$LOOPBACK_RESOLV"
  hash=$( (docker image inspect -f '{{.Id}}' "$IMAGE_SERVICE_IMAGE"; echo "$IMAGE_SERVICE_PORT $(service_url) $os_images"; basename "$iso") | sha256sum | cut -c1-16)
  if [[ ${1:-} != restart ]] && image_service_running &&
    [[ $(docker inspect -f '{{index .Config.Labels "assisted-swarm.io/hub-service-config"}}' "$IMAGE_SERVICE_CONTAINER") == "$hash" ]]; then
    log "assisted-image-service already running ($IMAGE_SERVICE_CONTAINER)"
    return
  fi
  stop_image_service
  # It runs as its image's user 1001 (group 0): it owns its data folders. Its OS images are
  # fetched again at each start (a few seconds on loopback).
  rm -rf "$IMAGE_SERVICE_DIR/data" "$IMAGE_SERVICE_DIR/data_temp" && mkdir -p "$IMAGE_SERVICE_DIR/data" "$IMAGE_SERVICE_DIR/data_temp"
  $SUDO chown 1001:0 "$IMAGE_SERVICE_DIR/data" "$IMAGE_SERVICE_DIR/data_temp"
  # Named os-image-server (its argv[0]), so that pid_of finds it.
  start_daemon os-image-server bash -c 'exec -a os-image-server node "$@"' bash "$IMAGE_SERVICE_LIB_DIR/serve-file.mjs" "$iso" "$OS_IMAGE_PORT"
  wait_for os-image-server 30 os_image_served
  log "starting assisted-image-service ($IMAGE_SERVICE_IMAGE) on http://127.0.0.1:$IMAGE_SERVICE_PORT"
  docker run -d --name "$IMAGE_SERVICE_CONTAINER" --network host \
    --label "assisted-swarm.io/hub-service=$HUB_DIR" --label "assisted-swarm.io/hub-service-config=$hash" \
    -e LISTEN_PORT="$IMAGE_SERVICE_PORT" -e IMAGE_SERVICE_BASE_URL="http://127.0.0.1:$IMAGE_SERVICE_PORT" \
    -e ASSISTED_SERVICE_SCHEME="${url%%://*}" -e ASSISTED_SERVICE_HOST="${url#*://}" -e OS_IMAGES="$os_images" \
    "${ca[@]}" \
    -e DATA_DIR=/data -e DATA_TEMP_DIR=/data_temp \
    -v "$IMAGE_SERVICE_DIR/data:/data" -v "$IMAGE_SERVICE_DIR/data_temp:/data_temp" -v "$LOOPBACK_RESOLV:/etc/resolv.conf:ro" \
    --log-opt max-size=100m "$IMAGE_SERVICE_IMAGE" >/dev/null
  local deadline=$((SECONDS + 300))
  until image_service_ok; do
    if ! image_service_running || ((SECONDS >= deadline)); then
      docker logs --tail 20 "$IMAGE_SERVICE_CONTAINER" >&2 2>&1 || true
      stop os-image-server
      die "assisted-image-service not ready at http://127.0.0.1:$IMAGE_SERVICE_PORT/health (logs: docker logs $IMAGE_SERVICE_CONTAINER)"
    fi
    sleep 0.5
  done
  stop os-image-server
  log "assisted-image-service ready at http://127.0.0.1:$IMAGE_SERVICE_PORT ($(du -sh "$iso" | cut -f1) OS image)"
}

# Removes the image service's container by its name, if there is one, and its file server.
stop_image_service() {
  stop os-image-server
  docker_ok || return 0
  if docker container inspect "$IMAGE_SERVICE_CONTAINER" >/dev/null 2>&1; then
    log "removing container $IMAGE_SERVICE_CONTAINER"
    docker rm -f "$IMAGE_SERVICE_CONTAINER" >/dev/null
  fi
}
