#!/usr/bin/env bash
# A real Apache Kafka broker for the test suite: fetched from Maven Central, cached, run in KRaft
# mode (one combined broker+controller) on 127.0.0.1 with non-default ports.
#
#   scripts/kafka.sh fetch            resolve the broker's jars into the cache
#   scripts/kafka.sh start            format storage, start, wait until it serves
#   scripts/kafka.sh stop             stop it (idempotent)
#   scripts/kafka.sh restart          stop and start again, keeping its data (fault tests)
#   scripts/kafka.sh kill             SIGKILL the broker (fault tests; `restart` brings it back)
#   scripts/kafka.sh wait             wait until a broker started with --no-wait serves
#   scripts/kafka.sh start --brokers 3   a 3-node cluster instead (scripts/cluster.sh)
#   scripts/kafka.sh run -- CMD...    start, run CMD with KAFKA_BROKERS (and KAFKA_LIBS, the broker's jars)
#                                     set, always stop; exits with CMD's code
#
# Environment: KAFKA_VERSION (default 3.9.1; 4.x works too: logging switches to log4j2), KAFKA_PORT (19092), KAFKA_CONTROLLER_PORT (19093)
# (below the ephemeral port range, where no client socket takes them),
# TRACECARRIER_CACHE (default ~/.cache/tracecarrier), KAFKA_STATE (default .kafka in the repo).
# For one node of a cluster (scripts/cluster.sh sets them): KAFKA_NODE_ID, KAFKA_QUORUM (the
# controller.quorum.voters), KAFKA_CLUSTER_ID (shared by the nodes), KAFKA_REPLICATION (3).
#
# KAFKA_SECURITY=1: secured listeners too, beside the PLAINTEXT one (inter-broker and controller
# traffic stay PLAINTEXT), for the command line's connection settings (tests/cli-security.test.ts):
#   SASL_SSL on 127.0.0.1:KAFKA_SASL_SSL_PORT (default KAFKA_PORT+2): PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
#   SSL      on 127.0.0.1:KAFKA_SSL_PORT (default KAFKA_PORT+3): a client certificate is required
# At start (openssl, well under a second): a self-signed CA, the broker's certificate for 127.0.0.1
# and localhost and a client certificate, both signed by it; a SCRAM user (SHA-256 and SHA-512
# credentials, written at storage format time) and a PLAIN user (the listener's JAAS config), with
# passwords made at start. All of it in $KAFKA_STATE/security: ca.pem, client.pem (the client's
# certificate), client.key (its unencrypted key), users.json ({"scram":{"username","password"},
# "plain":{…}}). `run` then also sets KAFKA_SASL_SSL_BROKERS, KAFKA_SSL_BROKERS and
# KAFKA_SECURITY_DIR for CMD.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
version=${KAFKA_VERSION:-3.9.1}
port=${KAFKA_PORT:-19092}
cport=${KAFKA_CONTROLLER_PORT:-19093}
cache=${TRACECARRIER_CACHE:-$HOME/.cache/tracecarrier}/kafka-$version
state=${KAFKA_STATE:-$here/.kafka}
pidfile=$state/kafka.pid
security=${KAFKA_SECURITY:-0}
sasl_port=${KAFKA_SASL_SSL_PORT:-$((port + 2))}
ssl_port=${KAFKA_SSL_PORT:-$((port + 3))}
secdir=$state/security
scram_user=tc-scram
plain_user=tc-plain
# Kafka 3.x logs through log4j 1 (reload4j), 4.x through log4j2: each gets its binding and config.
case "$version" in
  3.*) console_producer=kafka.tools.ConsoleProducer
       logging_dep='<groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version>'
       jvm=(-Xms256m "-Xmx${KAFKA_HEAP:-1g}" -XX:+UseG1GC -Djava.awt.headless=true "-Dlog4j.configuration=file:$state/log4j.properties") ;;
  *)   console_producer=org.apache.kafka.tools.ConsoleProducer
       logging_dep='<groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version>'
       jvm=(-Xms256m "-Xmx${KAFKA_HEAP:-1g}" -XX:+UseG1GC -Djava.awt.headless=true "-Dlog4j2.configurationFile=$state/log4j2.properties") ;;
esac

replication=${KAFKA_REPLICATION:-1}
min_isr=1
[ "$replication" -ge 3 ] && min_isr=2

log() { echo "[kafka] $*" >&2; }

fetch() {
  if [ -f "$cache/.complete" ] && [ -f "$cache/.with-tools" ]; then return 0; fi
  command -v mvn >/dev/null || { log "mvn is required to fetch Kafka from Maven Central"; exit 1; }
  command -v java >/dev/null || { log "java (17+) is required to run Kafka"; exit 1; }
  mkdir -p "$cache"
  local pom="$cache/pom.xml"
  cat >"$pom" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.tracecarrier</groupId><artifactId>test-broker</artifactId><version>0</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$version</version></dependency>
    <dependency>$logging_dep</dependency>
    <!-- Kafka's own tools (the console producer writes what Node clients cannot, e.g. null header values). -->
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$version</version></dependency>
  </dependencies>
</project>
POM
  log "resolving org.apache.kafka:kafka_2.13:$version from Maven Central"
  # A fresh machine downloads some 60 jars: one dropped connection must not cost a CI run.
  local attempt
  for attempt in 1 2 3; do
    mvn -q -B -f "$pom" dependency:copy-dependencies -DoutputDirectory="$cache/libs" -DincludeScope=runtime && break
    [ "$attempt" -lt 3 ] || { log "could not resolve Kafka $version from Maven Central"; exit 1; }
    log "resolving failed (attempt $attempt of 3); trying again in 10 s"
    sleep 10
  done
  touch "$cache/.complete" "$cache/.with-tools"
}

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

serving() { (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; }

start() {
  fetch
  if running; then log "already running (pid $(cat "$pidfile"))"; return 0; fi
  rm -rf "$state"; mkdir -p "$state/data"
  configure
  launch
}

# The CA, the broker's and the client's certificates and keys, the users and their passwords.
make_security() {
  mkdir -p "$secdir"; chmod 700 "$secdir"
  local d=$secdir ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  (
    cd "$d"
    openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.pem -days 7 -subj "/CN=tracecarrier test CA" 2>/dev/null
    openssl req "${ec[@]}" -keyout broker.key -out broker.csr -subj "/CN=127.0.0.1" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' >broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 7 -extfile broker.ext -out broker.crt 2>/dev/null
    openssl req "${ec[@]}" -keyout client.key -out client.csr -subj "/CN=tracecarrier-client" 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 7 -extfile client.ext -out client.pem 2>/dev/null
    # The broker's key store: PKCS#12 with algorithms every JDK reads.
    openssl rand -hex 16 >store.password
    openssl pkcs12 -export -in broker.crt -inkey broker.key -name broker -out broker.p12 -passout file:store.password \
      -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1
    rm -f broker.csr client.csr broker.ext client.ext ca.srl
  )
  # Hex passwords: nothing to quote in the JAAS config or the --add-scram syntax.
  scram_password=$(openssl rand -hex 16)
  plain_password=$(openssl rand -hex 16)
  printf '{"scram":{"username":"%s","password":"%s"},"plain":{"username":"%s","password":"%s"}}\n' \
    "$scram_user" "$scram_password" "$plain_user" "$plain_password" >"$secdir/users.json"
}

configure() {
  local listeners="PLAINTEXT://127.0.0.1:$port" protocols=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
  if [ "$security" = 1 ]; then
    make_security
    listeners="$listeners,SASL_SSL://127.0.0.1:$sasl_port,SSL://127.0.0.1:$ssl_port"
    protocols="$protocols,SASL_SSL:SASL_SSL,SSL:SSL"
  fi
  cat >"$state/server.properties" <<PROPS
process.roles=broker,controller
node.id=${KAFKA_NODE_ID:-1}
controller.quorum.voters=${KAFKA_QUORUM:-1@127.0.0.1:$cport}
listeners=$listeners,CONTROLLER://127.0.0.1:$cport
advertised.listeners=$listeners
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=$protocols
log.dirs=$state/data
num.partitions=1
auto.create.topics.enable=true
default.replication.factor=$replication
min.insync.replicas=$min_isr
unclean.leader.election.enable=false
offsets.topic.replication.factor=$replication
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=$replication
transaction.state.log.min.isr=$min_isr
transaction.state.log.num.partitions=3
group.initial.rebalance.delay.ms=0
# Room for the hostile-input corpus (a 10 MiB envelope, a 1 MiB header).
message.max.bytes=16777216
replica.fetch.max.bytes=16777216
PROPS
  local scram=()
  if [ "$security" = 1 ]; then
    local store; store=$(cat "$secdir/store.password")
    cat >>"$state/server.properties" <<PROPS
ssl.keystore.type=PKCS12
ssl.keystore.location=$secdir/broker.p12
ssl.keystore.password=$store
ssl.key.password=$store
ssl.truststore.type=PEM
ssl.truststore.location=$secdir/ca.pem
listener.name.ssl.ssl.client.auth=required
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$plain_user="$plain_password";
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
PROPS
    scram=(--add-scram "SCRAM-SHA-256=[name=$scram_user,password=$scram_password]" --add-scram "SCRAM-SHA-512=[name=$scram_user,password=$scram_password]")
  fi
  cat >"$state/log4j.properties" <<L4J
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$state/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
log4j.logger.kafka.server.KafkaRaftServer=INFO
L4J
  cat >"$state/log4j2.properties" <<L4J2
rootLogger.level=WARN
rootLogger.appenderRef.file.ref=file
appender.file.type=File
appender.file.name=file
appender.file.fileName=$state/server.log
appender.file.layout.type=PatternLayout
appender.file.layout.pattern=[%d] %p %m (%c)%n
logger.raft.name=kafka.server.KafkaRaftServer
logger.raft.level=INFO
L4J2
  local cluster=${KAFKA_CLUSTER_ID:-}
  [ -n "$cluster" ] || cluster=$(java -cp "$cache/libs/*" "${jvm[@]}" kafka.tools.StorageTool random-uuid)
  java -cp "$cache/libs/*" "${jvm[@]}" kafka.tools.StorageTool format -t "$cluster" -c "$state/server.properties" "${scram[@]}" >"$state/format.log" 2>&1 \
    || { cat "$state/format.log" >&2; exit 1; }
}

launch() {
  log "starting Kafka $version on 127.0.0.1:$port"
  # A restart appends to the same log: only lines written after this point count.
  local mark=0
  [ -f "$state/server.log" ] && mark=$(wc -l <"$state/server.log")
  echo "$mark" >"$state/log.mark"
  nohup java -cp "$cache/libs/*" "${jvm[@]}" kafka.Kafka "$state/server.properties" >>"$state/stdout.log" 2>&1 &
  echo $! >"$pidfile"
  # The nodes of a cluster start together: none serves before the controller quorum forms.
  [ "$no_wait" = 1 ] || await_serving
}

# Whether the broker's start-up since the mark failed because a listener's port was taken. The
# default ports are below Linux's ephemeral range (32768-60999) for that reason: a port in it (they
# were 39092 and 39192 once) can be held for a moment by another test's client socket, as seen in CI
# ("Unable to start acceptor"). With ports a user chose in that range, such a start is tried again.
port_was_taken() {
  local mark; mark=$(cat "$state/log.mark" 2>/dev/null || echo 0)
  tail -n +"$((mark + 1))" "$state/server.log" 2>/dev/null | grep -q "Unable to start acceptor"
}

await_serving() {
  local mark; mark=$(cat "$state/log.mark" 2>/dev/null || echo 0)
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-120}))
  until serving && tail -n +"$((mark + 1))" "$state/server.log" 2>/dev/null | grep -q "Kafka Server started"; do
    if ! running; then
      if port_was_taken && [ "${port_retries:-0}" -lt 3 ]; then
        port_retries=$((${port_retries:-0} + 1))
        log "a listener's port was taken (a transient client socket?); starting again in 3 s ($port_retries/3)"
        sleep 3
        launch
        return
      fi
      log "broker exited during start-up"; tail -n 50 "$state/stdout.log" "$state/server.log" >&2 || true; exit 1
    fi
    if [ $SECONDS -ge $deadline ]; then log "broker did not start in time"; stop; exit 1; fi
    sleep 0.5
  done
  log "serving on 127.0.0.1:$port"
  [ "$security" != 1 ] || log "and SASL_SSL on 127.0.0.1:$sasl_port, SSL (client certificates) on 127.0.0.1:$ssl_port; CA, client certificate and users in $secdir"
}

stop() {
  if running; then
    local pid; pid=$(cat "$pidfile")
    log "stopping (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

restart() {
  [ -f "$state/server.properties" ] || { log "nothing to restart: start it first"; exit 1; }
  stop
  launch
}

# A crash, not a shutdown: no controlled leadership hand-over, no flush.
kill_broker() {
  if running; then
    local pid; pid=$(cat "$pidfile")
    log "SIGKILL (pid $pid)"
    kill -9 "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  fi
  rm -f "$pidfile"
}

no_wait=0
command=${1:-}
if [ "$command" = start ] && [ "${2:-}" = --brokers ] && [ "${3:-1}" != 1 ]; then
  exec bash "$here/scripts/cluster.sh" start
fi
[ "${2:-}" = --no-wait ] && no_wait=1
case "$command" in
  fetch) fetch ;;
  start) start ;;
  wait) await_serving ;;
  kill) kill_broker ;;
  stop) stop ;;
  restart) restart ;;
  run)
    shift; [ "${1:-}" = "--" ] && shift
    trap stop EXIT INT TERM
    start
    set +e
    if [ "$security" = 1 ]; then
      export KAFKA_SASL_SSL_BROKERS="127.0.0.1:$sasl_port" KAFKA_SSL_BROKERS="127.0.0.1:$ssl_port" KAFKA_SECURITY_DIR="$secdir"
    fi
    KAFKA_BROKERS="127.0.0.1:$port" KAFKA_LIBS="$cache/libs" KAFKA_CONSOLE_PRODUCER="$console_producer" "$@"
    code=$?
    exit $code
    ;;
  *) echo "usage: $0 fetch|start [--brokers 3]|stop|restart|kill|wait|run -- CMD..." >&2; exit 2 ;;
esac
